package org.recsec.km.sad;

import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;
import org.recsec.km.pfkey.PfKey;

/**
 * The SAD's indexes: by SPI (entries sharing an SPI chained through {@link SadEntry#nextSameSpi}), by route (the
 * newest SA of a (source, destination) pair, older ones through {@link SadEntry#olderSameRoute}; inbound SAs in a
 * second table, through {@link SadEntry#olderSameInboundRoute}), and a dense array
 * of every entry so that a DUMP or a lifetime sweep copies the set in one {@code arraycopy} and then works without
 * the lock. Changes are guarded by the SAD lock; the per-record lookups {@link #inboundWithoutLock} and
 * {@link #bestRouteWithoutLock} also run without it, as optimistic reads that a change in between invalidates.
 */
final class SaIndex {
    /**
     * Write-locked (by holders of the SAD lock) around every change of the indexes, so an optimistic read can tell
     * whether a change overlapped it. Eight threads sealing under random SAs no longer queue on the SAD lock.
     */
    private final StampedLock changes = new StampedLock();
    private final IntObjectMap<SadEntry> bySpi = new IntObjectMap<>();
    private final RouteTable routes = new RouteTable(false);
    private final RouteTable inboundRoutes = new RouteTable(true);
    private SadEntry[] all = new SadEntry[16];
    private int count;

    int size() {
        return count;
    }

    /** The usable inbound entry with {@code spi} (not larval), or null. */
    SadEntry inbound(int spi) {
        for (SadEntry e = bySpi.get(spi); e != null; e = e.nextSameSpi) {
            if (e.inboundOk && !e.isLarval()) {
                return e;
            }
        }
        return null;
    }

    /**
     * {@link #inbound} without the SAD lock: the entry when no change of the indexes overlapped the read, else
     * null, and the caller looks again under the lock (also for an SPI that is not there).
     */
    SadEntry inboundWithoutLock(int spi) {
        long stamp = changes.tryOptimisticRead();
        if (stamp == 0) {
            return null;
        }
        SadEntry e = inbound(spi);
        return e != null && e.spi == spi && changes.validate(stamp) ? e : null;
    }

    /** {@link #bestRoute} without the SAD lock, as {@link #inboundWithoutLock}. */
    SadEntry bestRouteWithoutLock(String src, String dst) {
        long stamp = changes.tryOptimisticRead();
        if (stamp == 0) {
            return null;
        }
        SadEntry e = bestRoute(src, dst);
        return e != null && changes.validate(stamp) ? e : null;
    }

    /** The newest MATURE SA of the route, else the newest DYING one, else the newest at all; null if none. */
    SadEntry bestRoute(String src, String dst) {
        SadEntry dying = null;
        SadEntry any = null;
        for (SadEntry e = routes.get(src, dst); e != null; e = e.olderSameRoute) {
            int s = e.state();
            if (s == PfKey.SADB_SASTATE_MATURE) {
                return e;
            }
            if (s == PfKey.SADB_SASTATE_DYING && dying == null) {
                dying = e;
            }
            if (any == null) {
                any = e;
            }
        }
        return dying != null ? dying : any;
    }

    /**
     * The usable inbound entries from {@code src} to {@code dst}, newest first, into {@code out}; false when a
     * change of the indexes overlapped an optimistic read ({@code locked} false), so the caller reads again under
     * the lock.
     */
    boolean inboundRoute(String src, String dst, java.util.List<SadEntry> out, boolean locked) {
        long stamp = locked ? 0 : changes.tryOptimisticRead();
        if (!locked && stamp == 0) {
            return false;
        }
        for (SadEntry e = inboundRoutes.get(src, dst); e != null; e = e.olderSameInboundRoute) {
            if (!e.isLarval()) {
                out.add(e);
            }
        }
        if (!locked && !changes.validate(stamp)) {
            out.clear();
            return false;
        }
        return true;
    }

    /** The entry {@code (spi, dst)}, larval included, or null. */
    SadEntry find(long spi, String dst) {
        for (SadEntry e = bySpi.get((int) spi); e != null; e = e.nextSameSpi) {
            if (e.dst.equals(dst)) {
                return e;
            }
        }
        return null;
    }

    /** Whether an SA served inbound (or a larval one) already holds {@code spi}. */
    boolean inboundSpiTaken(long spi) {
        for (SadEntry e = bySpi.get((int) spi); e != null; e = e.nextSameSpi) {
            if (e.inboundOk || e.isLarval()) {
                return true;
            }
        }
        return false;
    }

    void link(SadEntry e) {
        long stamp = changes.writeLock();
        try {
            linkLocked(e);
        } finally {
            changes.unlockWrite(stamp);
        }
    }

    private void linkLocked(SadEntry e) {
        e.nextSameSpi = bySpi.get(e.spi);
        bySpi.put(e.spi, e);
        if (e.outboundOk) {
            routes.link(e);
        }
        if (e.inboundOk) {
            inboundRoutes.link(e);
        }
        if (count == all.length) {
            all = Arrays.copyOf(all, all.length * 2);
        }
        e.allIndex = count;
        all[count++] = e;
    }

    void unlink(SadEntry e) {
        long stamp = changes.writeLock();
        try {
            unlinkLocked(e);
        } finally {
            changes.unlockWrite(stamp);
        }
    }

    private void unlinkLocked(SadEntry e) {
        SadEntry head = bySpi.get(e.spi);
        if (head == e) {
            if (e.nextSameSpi == null) {
                bySpi.remove(e.spi);
            } else {
                bySpi.put(e.spi, e.nextSameSpi);
            }
        } else {
            for (SadEntry p = head; p != null; p = p.nextSameSpi) {
                if (p.nextSameSpi == e) {
                    p.nextSameSpi = e.nextSameSpi;
                    break;
                }
            }
        }
        if (e.outboundOk) {
            routes.unlink(e);
        }
        if (e.inboundOk) {
            inboundRoutes.unlink(e);
        }
        int i = e.allIndex;
        SadEntry last = all[--count];
        all[i] = last;
        last.allIndex = i;
        all[count] = null;
        e.allIndex = -1;
    }

    /** A copy of every entry, unordered: one arraycopy, so the lock is held for microseconds even at 200k SAs. */
    SadEntry[] snapshot() {
        return Arrays.copyOf(all, count);
    }
}
