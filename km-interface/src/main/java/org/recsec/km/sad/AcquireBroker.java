package org.recsec.km.sad;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.recsec.km.pfkey.Endpoints;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.record.base.RecSecException;

/**
 * ACQUIRE (RFC 2367 §3.1.6): asks the registered KMPs for an SA of a route that has none and waits, at most the
 * acquire timeout measured on the injected clock, for an ADD or UPDATE that installs it. One ACQUIRE per route is
 * outstanding at a time; concurrent callers wait for the same one. A KMP answering with the ACQUIRE's seq and an
 * errno ends the wait at once. Runs with the SAD lock held; waits release it.
 */
final class AcquireBroker {
    /** How often a waiter looks at the injected clock when no ADD wakes it (a test clock moves without signals). */
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final SessionHub hub;
    private final SaIndex index;
    private final Clock clock;
    private final Duration timeout;
    private final Condition changed;
    private final Map<String, Pending> pending = new HashMap<>();
    private long nextSeq = 0x80000000L;

    private static final class Pending {
        final long seq;
        int failedErrno;

        Pending(long seq) {
            this.seq = seq;
        }
    }

    AcquireBroker(SessionHub hub, SaIndex index, Clock clock, Duration timeout) {
        this.hub = hub;
        this.index = index;
        this.clock = clock;
        this.timeout = timeout;
        this.changed = hub.lock.newCondition();
    }

    /** Requires the lock; returns with it held. */
    SadEntry acquire(String src, String dst) throws RecSecException {
        if (!hub.anyRegistered()) {
            throw new RecSecException(RecSecException.Reason.UNKNOWN_SA, "no SA from " + src + " to " + dst
                    + " and no key manager registered");
        }
        long deadline = clock.millis() + timeout.toMillis();
        String key = src + '\n' + dst;
        Pending p = pending.get(key);
        if (p == null) {
            p = new Pending(nextSeq = nextSeq == 0xffffffffL ? 0x80000001L : nextSeq + 1);
            pending.put(key, p);
            PfKeyMessage.Builder b = PfKeyMessage.builder(PfKey.SADB_ACQUIRE, PfKey.SADB_X_SATYPE_RECSEC).seq(p.seq);
            Endpoints.extensionsFor(src, true).forEach(b::add);
            Endpoints.extensionsFor(dst, false).forEach(b::add);
            b.add(PfKeyRequests.defaultProposal(64));
            hub.pushToRegistered(b.build().encode(), null);
            // Let the KMPs see the ACQUIRE now: an in-process KMP may answer from its callback.
            hub.deliverWhileLocked();
        }
        try {
            while (true) {
                SadEntry e = index.bestRoute(src, dst);
                if (e != null) {
                    pending.remove(key, p);
                    return e;
                }
                if (p.failedErrno != 0) {
                    pending.remove(key, p);
                    throw new RecSecException(RecSecException.Reason.KEY_MANAGEMENT, "key manager refused ACQUIRE "
                            + p.seq + ": " + PfKey.errnoName(p.failedErrno));
                }
                long leftMillis = deadline - clock.millis();
                if (leftMillis <= 0) {
                    pending.remove(key, p);
                    throw new RecSecException(RecSecException.Reason.UNKNOWN_SA, "no SA from " + src + " to " + dst
                            + ": no key manager answered ACQUIRE " + p.seq + " within " + timeout.toMillis() + " ms");
                }
                changed.awaitNanos(Math.min(SLICE_NANOS, TimeUnit.MILLISECONDS.toNanos(leftMillis)));
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            pending.remove(key, p);
            throw new RecSecException(RecSecException.Reason.UNKNOWN_SA, "interrupted while waiting for ACQUIRE");
        }
    }

    /** Requires the lock. An SA was installed or the SAD closed: wake waiters. */
    void signalChange() {
        changed.signalAll();
    }

    /** Requires the lock. A KMP answered ACQUIRE {@code seq} with an errno. */
    void failed(long seq, int errno) {
        for (Pending p : pending.values()) {
            if (p.seq == seq) {
                p.failedErrno = errno;
            }
        }
        changed.signalAll();
    }
}
