package org.recsec.kmp.eap.as;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.recsec.kmp.eap.EapException;
import org.recsec.record.base.SecretBytes;

class SessionStoreTest {
    private final AtomicLong nowMillis = new AtomicLong(1_760_000_000_000L);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(nowMillis.get());
        }
    };

    private EapSession session(String id, byte sid, long lifetime) {
        return new EapSession(id, new byte[] {13, sid}, SecretBytes.copyOf(new byte[64]),
                nowMillis.get() / 1000 + lifetime);
    }

    @Test
    void findChecksIdentitySessionIdAndExpiry() throws Exception {
        SessionStore s = new SessionStore(clock, 2);
        s.put(session("ue1", (byte) 1, 10));
        assertEquals("ue1", s.find("ue1", new byte[] {13, 1}).identity());
        assertEquals(EapException.Reason.UNKNOWN_SESSION,
                assertThrows(EapException.class, () -> s.find("ue1", new byte[] {13, 2})).reason());
        assertEquals(EapException.Reason.UNKNOWN_SESSION,
                assertThrows(EapException.class, () -> s.find("ue2", new byte[] {13, 1})).reason());
        nowMillis.addAndGet(9_999);
        s.find("ue1", new byte[] {13, 1});
        nowMillis.addAndGet(1);
        EapException expired = assertThrows(EapException.class, () -> s.find("ue1", new byte[] {13, 1}));
        assertEquals("EAP session expired", expired.getMessage());
    }

    @Test
    void aNewAuthenticationReplacesTheOldSessionAndCapacityIsBounded() throws Exception {
        SessionStore s = new SessionStore(clock, 2);
        s.put(session("ue1", (byte) 1, 10));
        s.put(session("ue1", (byte) 2, 10));
        assertThrows(EapException.class, () -> s.find("ue1", new byte[] {13, 1}));
        s.find("ue1", new byte[] {13, 2});
        s.put(session("ue2", (byte) 3, 10));
        s.put(session("ue3", (byte) 4, 10));
        assertEquals(2, s.size());
        assertThrows(EapException.class, () -> s.find("ue1", new byte[] {13, 2}));
        assertFalse(s.revoke("ue1"));
        assertEquals(true, s.revoke("ue2"));
        assertFalse(s.snapshot().containsKey("ue2"));
        assertFalse(s.snapshot().get("ue3").toString().contains("0000000000"), "no EMSK in toString");
    }
}
