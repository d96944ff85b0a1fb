package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.SecretBytes;

/**
 * Issue 12 item 7: a DUMP and a lifetime sweep work on a copy of the entry set and do not hold the SAD lock while
 * they describe or evaluate SAs, so lookups on the data path never wait for them. Shown by stopping each one on an
 * SA's monitor and doing lookups meanwhile (before the fix the DUMP held the SAD lock there for 0.6-3.2 s at 200k
 * SAs; {@link DumpStallMeasure} gives the numbers).
 */
class LookupsNeverWaitTest {
    static final String C = "coap://127.0.0.1:5683";

    private static SecurityAssociationDatabase sad() throws Exception {
        SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(new MutableClock(1000), new Random(1))
                .everyIdentityLocal().build();
        SadSession s = db.openSession(b -> { });
        for (int i = 0; i < 50; i++) {
            s.add(SaSpec.withKeys(0x1000 + i, C, "coap://10.0.0." + i + ":5683", CipherSuite.AES_128_CCM_8,
                    SecretBytes.copyOf(new byte[16]), SecretBytes.copyOf(new byte[4])));
        }
        return db;
    }

    private static void whileStoppedOnAnSa(SecurityAssociationDatabase db, Runnable job) throws Exception {
        SadEntry held = db.find(0x1020, "coap://10.0.0.32:5683");
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t;
        synchronized (held) {
            t = new Thread(() -> {
                try {
                    job.run();
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            t.start();
            while (t.getState() != Thread.State.BLOCKED && t.isAlive()) {
                Thread.onSpinWait();
            }
            // The job now waits for this SA; the SAD lock must be free and lookups must go through.
            assertFalse(db.lockedByAnyone(), "the SAD lock is held while SAs are described or evaluated");
            assertEquals(0x1001, db.inbound(0x1001).spi());
            assertEquals(0x1002, db.outbound(LocalId.of(C), PeerId.of("coap://10.0.0.2:5683")).spi());
        }
        t.join();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
    }

    @Test
    void aDumpDoesNotHoldTheLockWhileItDescribesSas() throws Exception {
        SecurityAssociationDatabase db = sad();
        SadSession s = db.openSession(b -> { });
        whileStoppedOnAnSa(db, () -> assertEquals(50, s.send(PfKeyRequests.dump(1, 0).encode()).size()));
    }

    @Test
    void aSweepDoesNotHoldTheLockWhileItEvaluatesSas() throws Exception {
        SecurityAssociationDatabase db = sad();
        whileStoppedOnAnSa(db, db::expireDue);
    }
}
