package org.recsec.californium;

import java.net.InetAddress;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The transport guard's penalty box: verification failures counted per source (IP address and port) per second of
 * an injected clock. A source with more than {@code limit} failures in one second is penalized for the rest of that
 * second and the next one: the receive path may drop its protected datagrams before reading them.
 *
 * <p>Bounded memory by construction: a fixed table of {@code slots} entries, one per hash bucket (the hash seeded
 * per instance, so a sender cannot aim at a bucket). A new source takes a bucket only from an occupant that is stale
 * or not penalized; a source that finds its bucket held by a penalized one is simply not tracked, i.e. never dropped
 * unread (it keeps full verification). A source is only ever penalized for its own failures, matched on its exact
 * address and port, so a genuine peer on another port of the flooding host or NAT is never dropped here.
 *
 * <p>The checks on the receive path ({@link #penalized}) read the table without locks or allocation; a failure
 * ({@link #failed}) allocates at most one small entry per source and second.
 */
final class SourcePenalties {
    private final int limit;
    private final InstantSource clock;
    private final int seed;
    private final AtomicReferenceArray<Entry> table;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder droppedOfConfig;

    /** One source's failures in one second. */
    private static final class Entry {
        final InetAddress address;
        final int port;
        final long second;
        final AtomicLong count;

        Entry(InetAddress address, int port, long second) {
            this.address = address;
            this.port = port;
            this.second = second;
            this.count = new AtomicLong(1);
        }

        boolean is(InetAddress a, int p) {
            return port == p && address.equals(a);
        }
    }

    /**
     * @param limit failures per source per second that are tolerated (0: no penalty box)
     * @param slots sources tracked at most (rounded up to a power of two)
     * @param seed  the bucket hash's seed (random in production, fixed in tests)
     * @param droppedOfConfig also counts the drops (all guards of one {@link RecSecConfig}, for the operator)
     */
    SourcePenalties(int limit, int slots, InstantSource clock, int seed, LongAdder droppedOfConfig) {
        if (slots < 1 || slots > (1 << 20)) {
            throw new IllegalArgumentException("slots " + slots);
        }
        this.limit = limit;
        this.clock = clock;
        this.seed = seed;
        this.droppedOfConfig = droppedOfConfig;
        int size = 1;
        while (size < slots) {
            size <<= 1;
        }
        this.table = new AtomicReferenceArray<>(size);
    }

    int capacity() {
        return table.length();
    }

    /** Sources in the table now (penalized or counting). */
    int tracked() {
        int n = 0;
        for (int i = 0; i < table.length(); i++) {
            if (table.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    private int bucket(InetAddress address, int port) {
        int h = (address.hashCode() * 31 + port) ^ seed;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & (table.length() - 1);
    }

    private long second() {
        return Math.floorDiv(clock.millis(), 1000L);
    }

    /** True when the source is in the penalty box now. No locks, no allocation. */
    boolean penalized(InetAddress address, int port) {
        if (limit <= 0 || address == null) {
            return false;
        }
        Entry e = table.get(bucket(address, port));
        return e != null && e.count.get() > limit && e.second >= second() - 1 && e.is(address, port);
    }

    /** Counts one datagram dropped unread because its source was penalized. */
    void countDrop() {
        dropped.increment();
        droppedOfConfig.increment();
    }

    /** Datagrams dropped unread so far. */
    long dropped() {
        return dropped.sum();
    }

    /** Counts a verification failure of the source. */
    void failed(InetAddress address, int port) {
        if (limit <= 0 || address == null) {
            return;
        }
        int i = bucket(address, port);
        long now = second();
        for (int attempt = 0; attempt < 4; attempt++) {
            Entry e = table.get(i);
            boolean penalizedOccupant = e != null && e.second >= now - 1 && e.count.get() > limit;
            if (e != null && e.is(address, port)) {
                if (e.second == now) {
                    e.count.incrementAndGet();
                    return;
                }
                if (penalizedOccupant) {
                    return; // still in the box from last second: that penalty is not shortened
                }
            } else if (penalizedOccupant) {
                return; // the bucket holds a penalized source: this one is not tracked (never dropped unread)
            }
            if (table.compareAndSet(i, e, new Entry(address, port, now))) {
                return;
            }
        }
    }
}
