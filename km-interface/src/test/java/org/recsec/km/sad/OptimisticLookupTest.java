package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;

/**
 * Issue 19: the per-record lookups read the SAD's indexes without the SAD lock (an optimistic read that a change in
 * between sends back to the lock). They do not wait for a holder of the lock, and while other SAs are added and
 * deleted (the tables grow and shrink under them) they always find exactly the SA asked for.
 */
class OptimisticLookupTest {
    static final String C = LookupsNeverWaitTest.C;
    private static final int STABLE = 20;

    private static SaSpec spec(int spi, String peer) {
        return SaSpec.withKeys(spi, C, peer, CipherSuite.AES_128_CCM_8, SecretBytes.copyOf(new byte[16]),
                SecretBytes.copyOf(new byte[4]));
    }

    private static String peer(int i) {
        return "coap://10.0.0." + i + ":5683";
    }

    private static SecurityAssociationDatabase sad() throws Exception {
        SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(new MutableClock(1000), new Random(1))
                .everyIdentityLocal().build();
        SadSession s = db.openSession(b -> { });
        for (int i = 0; i < STABLE; i++) {
            s.add(spec(0x1000 + i, peer(i)));
        }
        return db;
    }

    @Test
    void lookupsOfExistingSasDoNotWaitForTheSadLock() throws Exception {
        SecurityAssociationDatabase db = sad();
        AtomicReference<Thread.State> seen = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread[] lookup = new Thread[1];
        db.whileLocked(() -> {
            lookup[0] = new Thread(() -> {
                try {
                    assertEquals(0x1003, db.inbound(0x1003).spi());
                    assertEquals(0x1004, db.outbound(LocalId.of(C), PeerId.of(peer(4))).spi());
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            lookup[0].start();
            Thread.State st;
            do {
                Thread.onSpinWait();
                st = lookup[0].getState();
            } while (st != Thread.State.TERMINATED && st != Thread.State.WAITING && st != Thread.State.BLOCKED);
            seen.set(st); // WAITING or BLOCKED here: the lookup queued on the SAD lock this thread holds
        });
        lookup[0].join();
        assertNull(failed.get());
        assertEquals(Thread.State.TERMINATED, seen.get());
    }

    @Test
    void lookupsFindExactlyTheirSaWhileOthersComeAndGo() throws Exception {
        SecurityAssociationDatabase db = sad();
        SadSession writer = db.openSession(b -> { });
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        Thread churn = new Thread(() -> {
            try {
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < 1500; i++) { // grows both tables through several resizes
                        writer.add(spec(0x10000 + i, "coap://10.1." + (i >> 8) + "." + (i & 0xff) + ":5683"));
                    }
                    for (int i = 0; i < 1500; i++) {
                        writer.send(PfKeyRequests.delete(0x10000 + i, C,
                                "coap://10.1." + (i >> 8) + "." + (i & 0xff) + ":5683", i, 0));
                    }
                }
            } catch (Throwable e) {
                failed.compareAndSet(null, e);
            }
        });
        for (int t = 0; t < 2; t++) {
            readers.add(new Thread(() -> {
                try {
                    while (churn.isAlive()) {
                        for (int i = 0; i < STABLE; i++) {
                            assertEquals(0x1000 + i, db.inbound(0x1000 + i).spi());
                            assertEquals(0x1000 + i, db.outbound(LocalId.of(C), PeerId.of(peer(i))).spi());
                        }
                    }
                } catch (Throwable e) {
                    failed.compareAndSet(null, e);
                }
            }));
        }
        churn.start();
        readers.forEach(Thread::start);
        churn.join();
        for (Thread r : readers) {
            r.join();
        }
        assertNull(failed.get(), () -> String.valueOf(failed.get()));
        // the churned SAs are gone again: a lookup of one is refused, not answered from a stale table
        RecSecException e = assertThrows(RecSecException.class, () -> db.inbound(0x10000 + 7));
        assertEquals(RecSecException.Reason.UNKNOWN_SA, e.reason());
    }
}
