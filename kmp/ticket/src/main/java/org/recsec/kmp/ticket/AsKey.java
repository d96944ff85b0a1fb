package org.recsec.kmp.ticket;

import java.util.Objects;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

/**
 * A key shared by the authorization server (AS) and a resource server (RS) for ticket encryption with
 * AES-CCM-16-64-128 (COSE alg 10, RFC 9053 §4.2), named by the COSE {@code kid} that tickets carry.
 */
public final class AsKey {
    public static final int KEY_BYTES = 16;
    public static final int MAX_KID_BYTES = 64;

    private final byte[] kid;
    private final SecretBytes key;

    private AsKey(byte[] kid, SecretBytes key) {
        this.kid = kid;
        this.key = key;
    }

    /**
     * @param kid 1..64 bytes, copied
     * @param key exactly 16 bytes
     * @throws IllegalArgumentException otherwise
     */
    public static AsKey of(byte[] kid, SecretBytes key) {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(key, "key");
        if (kid.length < 1 || kid.length > MAX_KID_BYTES) {
            throw new IllegalArgumentException("kid must be 1.." + MAX_KID_BYTES + " bytes");
        }
        if (key.length() != KEY_BYTES) {
            throw new IllegalArgumentException("AS key must be " + KEY_BYTES + " bytes for AES-CCM-16-64-128");
        }
        return new AsKey(kid.clone(), key);
    }

    /** A copy of the kid. */
    public byte[] kid() {
        return kid.clone();
    }

    SecretBytes key() {
        return key;
    }

    boolean hasKid(byte[] other) {
        return java.util.Arrays.equals(kid, other);
    }

    @Override
    public String toString() {
        return "AsKey[kid=" + Bytes.toHex(kid) + ", " + key + "]";
    }
}
