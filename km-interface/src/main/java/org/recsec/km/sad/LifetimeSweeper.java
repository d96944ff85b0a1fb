package org.recsec.km.sad;

import java.time.Clock;
import org.recsec.km.pfkey.Endpoints;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;

/**
 * Lifetimes (RFC 2367 §2.3.2, §3.1.8): announces soft and hard transitions with EXPIRE, removes larval SAs whose
 * UPDATE did not come within the larval timeout (§3.1.1), and removes DEAD SAs once they were dead for the grace
 * period (RFC 2367 has the kernel delete an SA at its hard expiry; the grace keeps it listed, and refusing with
 * {@code SA_EXPIRED}, long enough for a KMP to see why). A removal is pushed to registered sessions as a DELETE.
 *
 * <p>A sweep copies the entry set under the SAD lock (one arraycopy) and evaluates every entry without it, so
 * lookups on the data path never wait for a sweep; the lock is taken again only per removal.
 */
final class LifetimeSweeper {
    private final SecurityAssociationDatabase db;
    private final SessionHub hub;
    private final SaIndex index;
    private final SadPersistence persistence;
    private final Clock clock;
    private final long deadGraceSeconds;

    LifetimeSweeper(SecurityAssociationDatabase db, SessionHub hub, SaIndex index, SadPersistence persistence,
                    Clock clock, long deadGraceSeconds) {
        this.db = db;
        this.hub = hub;
        this.index = index;
        this.persistence = persistence;
        this.clock = clock;
        this.deadGraceSeconds = deadGraceSeconds;
    }

    void sweep() {
        SadEntry[] all;
        hub.lock.lock();
        try {
            all = index.snapshot();
        } finally {
            hub.unlockAndDeliver();
        }
        long nowMillis = clock.millis();
        long now = nowMillis / 1000;
        for (SadEntry e : all) {
            if (e.isLarval()) {
                if (nowMillis >= e.larvalDeadlineMillis) {
                    remove(e, false);
                }
                continue;
            }
            announce(e, e.evaluate(now));
            if (e.deadLongerThan(deadGraceSeconds, now)) {
                remove(e, true);
            }
        }
    }

    private void remove(SadEntry e, boolean tell) {
        hub.lock.lock();
        try {
            if (e.allIndex < 0 || !db.entries().unlink(e)) {
                // Already gone, or the file could not be removed (counted and logged): tried again next sweep.
                return;
            }
            if (tell) {
                hub.pushToRegistered(PfKeyRequests.delete(e.spi(), e.src, e.dst, 0, 0).encode(), null);
            }
        } finally {
            hub.unlockAndDeliver();
        }
    }

    /**
     * Announces a lifetime transition: saves the new state and sends EXPIRE to every registered session. A failed
     * save is counted and logged by the persistence; the EXPIRE goes out all the same (after a restart the time
     * limits are evaluated again, and use counters restart at least at their saved values).
     */
    void announce(SadEntry e, int transition) {
        if (transition == SadEntry.NONE) {
            return;
        }
        if (!persistence.persist(e)) {
            // Counted and logged by the persistence; the transition is announced regardless.
            db.transitionUnsaved();
        }
        SadEntry.Snapshot s = e.snapshot();
        PfKeyMessage.Builder b = PfKeyMessage.builder(PfKey.SADB_EXPIRE, PfKey.SADB_X_SATYPE_RECSEC)
                .add(new PfKeyExtension.Sa(e.spi(), Math.min(e.replaySize, 255), s.state(), PfKey.SADB_AALG_NONE,
                        PfKey.ealgForSuite(e.suite), 0))
                .add(s.current());
        PfKeyExtension.Lifetime which = transition == SadEntry.HARD ? s.hard() : s.soft();
        if (which != null) {
            b.add(which);
        }
        Endpoints.extensionsFor(e.src, true).forEach(b::add);
        Endpoints.extensionsFor(e.dst, false).forEach(b::add);
        hub.push(b.build().encode());
    }
}
