package org.recsec.km.sad;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A route index: (source identity, destination identity) → the newest SA of that route, whose older ones hang
 * off {@link SadEntry#olderSameRoute} (the outbound index) or {@link SadEntry#olderSameInboundRoute} (the inbound one). Open addressing over the entries themselves (no key objects, no boxing), so
 * {@link #get} allocates nothing. Not thread-safe; the SAD guards it with its lock.
 */
final class RouteTable {
    private SadEntry[] slots = new SadEntry[16];
    private int size;
    /** Chains the older SAs of a route through {@link SadEntry#olderSameInboundRoute} instead. */
    private final boolean inbound;

    RouteTable(boolean inbound) {
        this.inbound = inbound;
    }

    private SadEntry older(SadEntry e) {
        return inbound ? e.olderSameInboundRoute : e.olderSameRoute;
    }

    private void setOlder(SadEntry e, SadEntry older) {
        if (inbound) {
            e.olderSameInboundRoute = older;
        } else {
            e.olderSameRoute = older;
        }
    }

    /** Makes {@code e} the newest SA of its route, the previous newest its next older one. */
    void link(SadEntry e) {
        setOlder(e, get(e.src, e.dst));
        put(e);
    }

    /** Takes {@code e} out of its route's chain; the next older SA becomes the head if {@code e} was it. */
    void unlink(SadEntry e) {
        SadEntry head = get(e.src, e.dst);
        if (head == e) {
            if (older(e) == null) {
                remove(e.src, e.dst);
            } else {
                put(older(e));
            }
            return;
        }
        for (SadEntry p = head; p != null; p = older(p)) {
            if (older(p) == e) {
                setOlder(p, older(e));
                return;
            }
        }
    }

    static int hash(String src, String dst) {
        int h = src.hashCode() * 31 + dst.hashCode();
        h *= 0x9e3779b9;
        return h ^ (h >>> 16);
    }

    int size() {
        return size;
    }

    SadEntry get(String src, String dst) {
        SadEntry[] s = slots; // read once: SaIndex also reads without the lock (validated afterwards)
        int mask = s.length - 1;
        int h = hash(src, dst);
        for (int i = h & mask; ; i = (i + 1) & mask) {
            SadEntry e = s[i];
            if (e == null) {
                return null;
            }
            if (e.routeHash == h && e.src.equals(src) && e.dst.equals(dst)) {
                return e;
            }
        }
    }

    /** Makes {@code head} the head of its route, replacing the previous head (the caller links the older ones). */
    void put(SadEntry head) {
        int mask = slots.length - 1;
        for (int i = head.routeHash & mask; ; i = (i + 1) & mask) {
            SadEntry e = slots[i];
            if (e == null) {
                slots[i] = head;
                if (++size * 2 > slots.length) {
                    resize();
                }
                return;
            }
            if (e.src.equals(head.src) && e.dst.equals(head.dst)) {
                slots[i] = head;
                return;
            }
        }
    }

    void remove(String src, String dst) {
        int mask = slots.length - 1;
        for (int i = hash(src, dst) & mask; ; i = (i + 1) & mask) {
            SadEntry e = slots[i];
            if (e == null) {
                return;
            }
            if (e.src.equals(src) && e.dst.equals(dst)) {
                shiftBack(i);
                size--;
                return;
            }
        }
    }

    private void shiftBack(int hole) {
        int mask = slots.length - 1;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            SadEntry e = slots[i];
            if (e == null) {
                break;
            }
            int home = e.routeHash & mask;
            boolean stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!stays) {
                slots[hole] = e;
                hole = i;
            }
        }
        slots[hole] = null;
    }

    void forEachHead(Consumer<SadEntry> action) {
        for (SadEntry e : slots.clone()) {
            if (e != null) {
                action.accept(e);
            }
        }
    }

    void clear() {
        Arrays.fill(slots, null);
        size = 0;
    }

    private void resize() {
        SadEntry[] old = slots;
        slots = new SadEntry[old.length * 2];
        int mask = slots.length - 1;
        for (SadEntry e : old) {
            if (e != null) {
                int i = e.routeHash & mask;
                while (slots[i] != null) {
                    i = (i + 1) & mask;
                }
                slots[i] = e;
            }
        }
    }
}
