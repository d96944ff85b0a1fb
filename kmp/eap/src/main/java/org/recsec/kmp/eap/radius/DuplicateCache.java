package org.recsec.kmp.eap.radius;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The server's duplicate detection of RFC 5080 §2.2.2: a request with the same source address and port,
 * Identifier and Request Authenticator as one already answered is a retransmission and gets the cached
 * response again, without being processed twice. Entries live {@code lifetimeSeconds} by the injected clock
 * and at most {@code capacity} are kept (oldest dropped first), so memory stays bounded.
 */
public final class DuplicateCache {
    private final Clock clock;
    private final long lifetimeMillis;
    private final int capacity;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();

    public DuplicateCache(Clock clock, int lifetimeSeconds, int capacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (lifetimeSeconds < 1 || capacity < 1) {
            throw new IllegalArgumentException("positive lifetime and capacity");
        }
        this.lifetimeMillis = lifetimeSeconds * 1000L;
        this.capacity = capacity;
    }

    /** The cached response to this request, or null. */
    public synchronized byte[] lookup(InetSocketAddress from, int identifier, byte[] requestAuthenticator) {
        expire();
        Entry e = entries.get(new Key(from, identifier, requestAuthenticator));
        return e == null ? null : e.response.clone();
    }

    public synchronized void store(InetSocketAddress from, int identifier, byte[] requestAuthenticator,
                                   byte[] response) {
        expire();
        entries.put(new Key(from, identifier, requestAuthenticator.clone()),
                new Entry(response.clone(), clock.millis()));
        while (entries.size() > capacity) {
            Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
            it.next();
            it.remove();
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    private void expire() {
        long now = clock.millis();
        entries.values().removeIf(e -> now - e.at >= lifetimeMillis);
    }

    private record Entry(byte[] response, long at) {
    }

    private record Key(InetSocketAddress from, int identifier, byte[] auth) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.from.equals(from) && k.identifier == identifier
                    && Arrays.equals(k.auth, auth);
        }

        @Override
        public int hashCode() {
            return from.hashCode() * 31 * 31 + identifier * 31 + Arrays.hashCode(auth);
        }
    }
}
