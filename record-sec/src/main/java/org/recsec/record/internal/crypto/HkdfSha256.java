package org.recsec.record.internal.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869) on JCE's HmacSHA256: the compact profile's key schedule
 * ({@link Dtls13KeySchedule}) and the ticket KMP's key derivation use it.
 */
public final class HkdfSha256 {
    /** SHA-256's output length. */
    public static final int HASH_BYTES = 32;
    /** RFC 5869 §2.3: L &lt;= 255 * HashLen. */
    public static final int MAX_OUTPUT_BYTES = 255 * HASH_BYTES;

    private HkdfSha256() {
    }

    /**
     * HKDF-Extract then HKDF-Expand (RFC 5869 §2.2, §2.3). An empty salt stands for HashLen zero bytes (§2.2).
     *
     * @throws IllegalArgumentException when {@code length} is negative or above {@link #MAX_OUTPUT_BYTES}
     */
    public static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
        if (length < 0 || length > MAX_OUTPUT_BYTES) {
            throw new IllegalArgumentException("HKDF-SHA256 output length must be 0.." + MAX_OUTPUT_BYTES);
        }
        byte[] prk = extract(salt, ikm);
        try {
            return expand(prk, info, length);
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    /** HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM). */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        byte[] key = salt.length == 0 ? new byte[HASH_BYTES] : salt;
        return mac(key).doFinal(ikm);
    }

    /** HKDF-Expand(PRK, info, L): T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i). */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length < 0 || length > MAX_OUTPUT_BYTES) {
            throw new IllegalArgumentException("HKDF-SHA256 output length must be 0.." + MAX_OUTPUT_BYTES);
        }
        Mac mac = mac(prk);
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        int done = 0;
        for (int i = 1; done < length; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        Arrays.fill(t, (byte) 0);
        return out;
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
