package org.recsec.kmp.eap.as;

import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.recsec.kmp.eap.EapException;

/**
 * The AS's EAP sessions, one per UE identity (a new authentication replaces the old session). Lookups for the
 * pull-key service check identity, Session-Id and expiry by the injected clock; revocation removes a session.
 * At most {@code capacity} sessions are kept; the oldest goes first.
 */
public final class SessionStore {
    private final Clock clock;
    private final int capacity;
    private final LinkedHashMap<String, EapSession> byIdentity = new LinkedHashMap<>();

    public SessionStore(Clock clock, int capacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity >= 1");
        }
        this.capacity = capacity;
    }

    public synchronized void put(EapSession session) {
        byIdentity.remove(session.identity());
        byIdentity.put(session.identity(), session);
        while (byIdentity.size() > capacity) {
            var it = byIdentity.entrySet().iterator();
            it.next();
            it.remove();
        }
    }

    /**
     * The live session of {@code identity} with Session-Id {@code sessionId}.
     *
     * @throws EapException {@code UNKNOWN_SESSION} for an unknown identity, another Session-Id or an expired
     *                      session
     */
    public synchronized EapSession find(String identity, byte[] sessionId) throws EapException {
        EapSession s = byIdentity.get(identity);
        if (s == null || !MessageDigest.isEqual(s.sessionId(), sessionId)) {
            throw new EapException(EapException.Reason.UNKNOWN_SESSION, "no EAP session for this UE and Session-Id");
        }
        if (clock.millis() / 1000 >= s.expiresAtEpochSeconds()) {
            throw new EapException(EapException.Reason.UNKNOWN_SESSION, "EAP session expired");
        }
        return s;
    }

    /** Removes the session of {@code identity}; true when there was one. */
    public synchronized boolean revoke(String identity) {
        return byIdentity.remove(identity) != null;
    }

    public synchronized int size() {
        return byIdentity.size();
    }

    /** A snapshot, for tests and status output. */
    public synchronized Map<String, EapSession> snapshot() {
        return Map.copyOf(byIdentity);
    }
}
