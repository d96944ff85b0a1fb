package org.recsec.kmp.eap.as;

import java.util.Objects;
import org.recsec.kmp.eap.Hex;
import org.recsec.record.base.SecretBytes;

/**
 * What the AS keeps of one successful EAP authentication: the UE's EAP identity, the Session-Id, the EMSK (never
 * sent anywhere; only USRKs derived from it leave the AS) and the expiry, epoch seconds, that Session-Timeout
 * announced. {@code toString} shows no key.
 */
public record EapSession(String identity, byte[] sessionId, SecretBytes emsk, long expiresAtEpochSeconds) {
    public EapSession {
        Objects.requireNonNull(identity, "identity");
        sessionId = sessionId.clone();
        Objects.requireNonNull(emsk, "emsk");
    }

    @Override
    public byte[] sessionId() {
        return sessionId.clone();
    }

    @Override
    public String toString() {
        return "EapSession[" + identity + ", sessionId=" + Hex.encode(sessionId) + ", expires="
                + expiresAtEpochSeconds + "]";
    }
}
