package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.RecordProtector;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/** An inbound SA restored from disk refuses every record it accepted before the restart. */
class ReplayAcrossRestartTest {
    private static final String CLIENT = "coap://10.0.0.1:40000";
    private static final String SERVER = "coap://10.0.0.2:5683";
    private static final LocalId CLIENT_ID = LocalId.of(CLIENT);
    private static final PeerId SERVER_ID = PeerId.of(SERVER);

    private static void install(SecurityAssociationDatabase db) throws Exception {
        byte[] k = new byte[16];
        new Random(3).nextBytes(k);
        try (SadSession s = db.openSession(b -> { })) {
            s.addPair(SaSpec.withKeys(0x5001, CLIENT, SERVER, CipherSuite.AES_128_CCM_8, SecretBytes.copyOf(k),
                            SecretBytes.copyOf(new byte[4])).withProfile(1, 1),
                    SaSpec.withKeys(0x5002, SERVER, CLIENT, CipherSuite.AES_128_CCM_8, SecretBytes.copyOf(k),
                            SecretBytes.copyOf(new byte[4])).withProfile(1, 1), 0);
        }
    }

    private static CoapMessage request(int i) {
        return new CoapMessage(CoapMessage.TYPE_CON, 0x01, i, new byte[] {(byte) i},
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "r" + i)), new byte[0]);
    }

    @Test
    void recordsAcceptedBeforeARestartAreRefusedAfterIt(@TempDir Path dir) throws Exception {
        SecurityAssociationDatabase client = SecurityAssociationDatabase.builder(new MutableClock(1), new Random(1))
                .localIdentities(Set.of(CLIENT)).build();
        SecurityAssociationDatabase server = SecurityAssociationDatabase.builder(new MutableClock(1), new Random(2))
                .localIdentities(Set.of(SERVER)).stateDirectory(dir).replayCheckpoint(8).build();
        install(client);
        install(server);
        RecordProtector sender = new RecordProtector(client);
        RecordProtector before = new RecordProtector(server);
        List<CoapMessage> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            CoapMessage outer = sender.protectRequest(request(i), CLIENT_ID, SERVER_ID).outer();
            sent.add(outer);
            before.unprotectRequest(outer);
        }
        // The server process dies here; a new one loads the SAD from its state directory.
        RecordProtector after = new RecordProtector(SecurityAssociationDatabase.builder(new MutableClock(2),
                new Random(3)).localIdentities(Set.of(SERVER)).stateDirectory(dir).replayCheckpoint(8).build());
        for (CoapMessage old : sent) {
            RecSecException e = assertThrows(RecSecException.class, () -> after.unprotectRequest(old));
            assertEquals(RecSecException.Reason.REPLAY, e.reason());
        }
        // Genuine new records are accepted again once they pass the saved mark, at most a checkpoint later.
        int refused = 0;
        boolean accepted = false;
        for (int i = 20; i < 40 && !accepted; i++) {
            try {
                after.unprotectRequest(sender.protectRequest(request(i), CLIENT_ID, SERVER_ID).outer());
                accepted = true;
            } catch (RecSecException e) {
                assertEquals(RecSecException.Reason.REPLAY, e.reason());
                refused++;
            }
        }
        assertTrue(accepted, "a fresh record is accepted after the mark");
        assertTrue(refused <= 8 + 1, "at most one checkpoint interval of genuine records lost: " + refused);
    }
}
