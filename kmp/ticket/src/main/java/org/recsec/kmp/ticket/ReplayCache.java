package org.recsec.kmp.ticket;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.recsec.kmp.ticket.error.TicketException;

/**
 * The {@code cti} values of tickets a resource server has accepted, each kept until its ticket's {@code exp}.
 * Bounded: at most {@link #maxEntries()} live entries. When full, expired entries are dropped first; if it is still
 * full the new ticket is refused ({@code REPLAY_CACHE_FULL}) rather than evicting a live entry, because an evicted
 * ticket could be replayed. Only tickets that passed the AS key's AEAD tag reach the cache, so only the AS (not an
 * attacker) can fill it; a full cache means the AS issues more live tickets than the RS is sized for.
 * Thread-safe.
 */
public final class ReplayCache {
    private final int maxEntries;
    private final Map<ByteBuffer, Long> expiryByCti = new HashMap<>();

    /** @throws IllegalArgumentException unless {@code maxEntries >= 1} */
    public ReplayCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.maxEntries = maxEntries;
    }

    public int maxEntries() {
        return maxEntries;
    }

    /** Live and not yet purged entries. */
    public synchronized int size() {
        return expiryByCti.size();
    }

    /**
     * Records {@code cti} until {@code expiresAt} unless it is already recorded and live at {@code now}.
     *
     * @throws TicketException {@code REPLAYED} or {@code REPLAY_CACHE_FULL}; no live entry is added or removed
     */
    synchronized void checkAndRecord(byte[] cti, long expiresAt, long now) throws TicketException {
        ByteBuffer key = ByteBuffer.wrap(cti.clone());
        Long seen = expiryByCti.get(key);
        if (seen != null && seen > now) {
            throw new TicketException(TicketException.Reason.REPLAYED, "ticket cti already used");
        }
        if (seen == null && expiryByCti.size() >= maxEntries) {
            purgeExpired(now);
            if (expiryByCti.size() >= maxEntries) {
                throw new TicketException(TicketException.Reason.REPLAY_CACHE_FULL,
                        "replay cache holds " + maxEntries + " live tickets");
            }
        }
        expiryByCti.put(key, expiresAt);
    }

    private void purgeExpired(long now) {
        for (Iterator<Long> it = expiryByCti.values().iterator(); it.hasNext(); ) {
            if (it.next() <= now) {
                it.remove();
            }
        }
    }
}
