package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
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

/**
 * Issue 12 items 1 and 2: an inbound record is accepted only once a replay mark above it is on disk, also when
 * another thread's save of that mark is still in flight, and a store that cannot save refuses records instead of
 * silently dropping replay protection across restarts.
 */
class InboundMarkTest {
    static final String CLIENT = "coap://10.0.0.1:40000";
    static final String SERVER = "coap://10.0.0.2:5683";
    static final long IN_SPI = 0x5001;

    static void install(SecurityAssociationDatabase db) throws Exception {
        byte[] k = new byte[16];
        new Random(3).nextBytes(k);
        try (SadSession s = db.openSession(b -> { })) {
            s.addPair(SaSpec.withKeys(IN_SPI, CLIENT, SERVER, CipherSuite.AES_128_CCM_8, SecretBytes.copyOf(k),
                            SecretBytes.copyOf(new byte[4])).withProfile(1, 1),
                    SaSpec.withKeys(0x5002, SERVER, CLIENT, CipherSuite.AES_128_CCM_8, SecretBytes.copyOf(k),
                            SecretBytes.copyOf(new byte[4])).withProfile(1, 1), 0);
        }
    }

    static CoapMessage request(int i) {
        return new CoapMessage(CoapMessage.TYPE_CON, 0x01, i & 0xffff, new byte[] {(byte) i, (byte) (i >> 8)},
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "r" + i)), new byte[0]);
    }

    /** {@code n} protected requests from a fresh client SAD with the fixed keys: the same bytes in every JVM. */
    static List<CoapMessage> records(int n) throws Exception {
        SecurityAssociationDatabase client = SecurityAssociationDatabase.builder(new MutableClock(1), new Random(1))
                .localIdentities(Set.of(CLIENT)).build();
        install(client);
        RecordProtector sender = new RecordProtector(client);
        List<CoapMessage> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(sender.protectRequest(request(i), LocalId.of(CLIENT), PeerId.of(SERVER)).outer());
        }
        return out;
    }

    static SecurityAssociationDatabase server(Path dir, int checkpoint) throws IOException {
        return SecurityAssociationDatabase.builder(new MutableClock(1), new Random(2)).localIdentities(Set.of(SERVER))
                .stateDirectory(dir).replayCheckpoint(checkpoint).build();
    }

    /** The replay mark of the inbound SA as saved on disk right now. */
    static long savedMark(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (!name.endsWith(".pfk")) {
                    continue;
                }
                PfKeyMessage m = SaStore.parse(name, Files.readAllBytes(p));
                if (m.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class).orElseThrow().spi() == IN_SPI) {
                    return m.ext(PfKey.SADB_X_EXT_RECSEC_PROFILE, PfKeyExtension.Profile.class)
                            .orElseThrow().nextSequence();
                }
            }
        }
        throw new IOException("no saved inbound SA");
    }

    static long seqOf(CoapMessage outer) throws RecSecException {
        return org.recsec.record.coap.InnerPlaintext.recordHeader(outer).seq();
    }

    @Test
    void aRecordReturnsOnlyOnceAMarkAboveItIsOnDiskEvenWhileAnotherThreadSavesIt(@TempDir Path dir)
            throws Exception {
        List<CoapMessage> recs = records(40);
        SecurityAssociationDatabase db = server(dir, 4);
        install(db);
        RecordProtector rp = new RecordProtector(db);
        rp.unprotectRequest(recs.get(0));
        long mark = savedMark(dir);
        assertTrue(mark > seqOf(recs.get(0)));
        // The record at the mark needs a new save; hold that save on the disk.
        int atMark = -1;
        for (int i = 0; i < recs.size(); i++) {
            if (seqOf(recs.get(i)) == mark) {
                atMark = i;
            }
        }
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        db.store().setHook(id -> {
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        });
        CoapMessage first = recs.get(atMark);
        CoapMessage second = recs.get(atMark + 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread a = new Thread(() -> {
            try {
                rp.unprotectRequest(first);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        a.start();
        writing.await();
        AtomicLong markWhenSecondReturned = new AtomicLong(-1);
        Thread b = new Thread(() -> {
            try {
                rp.unprotectRequest(second);
                markWhenSecondReturned.set(savedMark(dir));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        b.start();
        // Either b returned at once (the bug: its mark was not on disk yet) or it waits for a's save.
        while (b.isAlive() && b.getState() != Thread.State.BLOCKED && b.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        release.countDown();
        a.join();
        b.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertTrue(markWhenSecondReturned.get() > seqOf(second), "record " + seqOf(second)
                + " was accepted while the saved mark was " + markWhenSecondReturned.get());
    }

    @Test
    void aStoreThatCannotSaveRefusesCountsAndNothingIsAcceptedTwiceAfterARestart(@TempDir Path dir)
            throws Exception {
        List<CoapMessage> recs = records(60);
        SecurityAssociationDatabase db = server(dir, 8);
        install(db);
        RecordProtector rp = new RecordProtector(db);
        List<CoapMessage> accepted = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rp.unprotectRequest(recs.get(i));
            accepted.add(recs.get(i));
        }
        db.store().setHook(id -> {
            throw new IOException("No space left on device");
        });
        int refused = 0;
        for (int i = 20; i < 60; i++) {
            try {
                rp.unprotectRequest(recs.get(i));
                accepted.add(recs.get(i));
            } catch (RecSecException e) {
                assertEquals(RecSecException.Reason.KEY_MANAGEMENT, e.reason(), e.getMessage());
                refused++;
            }
        }
        assertTrue(refused > 0, "records past the saved mark are refused");
        assertTrue(db.persistFailures() >= refused, "every failed save is counted: " + db.persistFailures());
        // Restart on what is on disk: nothing accepted before is accepted again.
        RecordProtector after = new RecordProtector(server(dir, 8));
        for (CoapMessage m : accepted) {
            RecSecException e = assertThrows(RecSecException.class, () -> after.unprotectRequest(m));
            assertEquals(RecSecException.Reason.REPLAY, e.reason());
        }
    }
}
