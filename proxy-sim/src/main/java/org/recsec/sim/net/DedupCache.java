package org.recsec.sim.net;

import java.util.HashMap;
import java.util.Map;

/**
 * RFC 7252 §4.5 message deduplication for one endpoint: remembers, per (peer, message ID), that a message was
 * processed and the reply it got, for EXCHANGE_LIFETIME. Expiry is checked lazily against the virtual clock.
 */
final class DedupCache {
    private final SimNetwork net;
    private final Map<String, Entry> entries = new HashMap<>();

    DedupCache(SimNetwork net) {
        this.net = net;
    }

    /** What a duplicate should get: {@code reply} may be null (seen, nothing to resend yet or ever). */
    record Entry(long expiresAtMillis, byte[] reply) {
    }

    /** The live entry for this message, or null if it is new. */
    Entry lookup(String peer, int messageId) {
        String k = key(peer, messageId);
        Entry e = entries.get(k);
        if (e != null && e.expiresAtMillis <= net.nowMillis()) {
            entries.remove(k);
            return null;
        }
        return e;
    }

    /** Remembers the message, with the reply to resend to duplicates (null: none). */
    void remember(String peer, int messageId, byte[] reply) {
        entries.put(key(peer, messageId),
                new Entry(net.nowMillis() + CoapTiming.EXCHANGE_LIFETIME_MILLIS, reply));
    }

    private static String key(String peer, int mid) {
        return peer + '\u0000' + mid;
    }
}
