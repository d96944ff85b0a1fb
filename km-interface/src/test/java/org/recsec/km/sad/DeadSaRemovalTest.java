package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;

/**
 * Issue 12 item 5: SAs past their hard lifetime (ticket SAs get one up to the ticket's exp) are announced with
 * EXPIRE(hard), refuse use during a grace period, and are then removed, pushed as DELETE, with their files, so
 * rounds of tickets do not pile up DEAD SAs and keys in memory.
 */
class DeadSaRemovalTest {
    static final String C = "coap://127.0.0.1:5683";

    static SaSpec ticketLike(long spi, long hardSeconds) {
        return SaSpec.withKeys(spi, C, "coap://10.0.0." + (spi & 0xff) + ":5683", CipherSuite.AES_128_CCM_8,
                SecretBytes.copyOf(new byte[16]), SecretBytes.copyOf(new byte[4])).withLifetimes(null,
                new PfKeyExtension.Lifetime(PfKey.SADB_EXT_LIFETIME_HARD, 0, 0, hardSeconds, 0));
    }

    @Test
    void deadSasAreRemovedAfterTheGraceWithExpireThenDelete(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(1000);
        SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(clock, new Random(1))
                .everyIdentityLocal().stateDirectory(dir).deadGrace(Duration.ofSeconds(30)).build();
        List<PfKeyMessage> pushed = new ArrayList<>();
        db.openSession(b -> {
            try {
                pushed.add(PfKeyMessage.decode(b));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).register();
        SadSession s = db.openSession(b -> { });
        s.add(ticketLike(0x1001, 10));
        clock.advanceSeconds(11);
        db.expireDue();
        assertEquals(1, db.size(), "listed during the grace period");
        assertEquals(PfKey.SADB_EXPIRE, pushed.get(pushed.size() - 1).type());
        assertEquals(RecSecException.Reason.SA_EXPIRED, assertThrows(RecSecException.class,
                () -> db.inbound(0x1001)).reason());
        clock.advanceSeconds(30);
        db.expireDue();
        assertEquals(0, db.size(), "removed after the grace period");
        PfKeyMessage last = pushed.get(pushed.size() - 1);
        assertEquals(PfKey.SADB_DELETE, last.type());
        assertEquals(0x1001, last.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class).orElseThrow().spi());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(f -> !f.getFileName().toString().equals(SaStore.ROSTER)).count(),
                    "its file is gone");
        }
        assertEquals(0, SecurityAssociationDatabase.builder(clock, new Random(1)).everyIdentityLocal()
                .stateDirectory(dir).build().size());
    }

    @Test
    void thirtyRoundsOfShortLivedSasLeaveOnlyTheLiveOnes() throws Exception {
        MutableClock clock = new MutableClock(1000);
        SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(clock, new Random(1))
                .everyIdentityLocal().deadGrace(Duration.ofSeconds(5)).build();
        SadSession s = db.openSession(b -> { });
        long spi = 0x1000;
        for (int round = 0; round < 30; round++) {
            for (int i = 0; i < 100; i++) {
                s.add(ticketLike(spi++, 60));
            }
            clock.advanceSeconds(61);
            db.expireDue(); // this round's SAs die
            clock.advanceSeconds(6);
            db.expireDue(); // and are removed
            assertEquals(0, db.size(), "round " + round);
        }
        assertTrue(spi - 0x1000 == 3000);
    }
}
