package org.recsec.kmp.eap;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The TLS 1.2 PRF (RFC 5246 §5): {@code PRF(secret, label, seed) = P_hash(secret, label ‖ seed)} with
 * {@code P_hash(secret, seed) = HMAC(secret, A(1) ‖ seed) ‖ HMAC(secret, A(2) ‖ seed) ‖ ...},
 * {@code A(0) = seed, A(i) = HMAC(secret, A(i-1))}. The hash is the cipher suite's PRF hash: SHA-256 for every
 * suite that does not name SHA-384.
 */
public final class Tls12Prf {
    /** The PRF hash of a TLS 1.2 cipher suite. */
    public enum Hash {
        SHA256("HmacSHA256"), SHA384("HmacSHA384");

        private final String jca;

        Hash(String jca) {
            this.jca = jca;
        }
    }

    /** Longest output this class hands out, far above the 128 bytes RFC 5216 asks for. */
    public static final int MAX_OUTPUT_BYTES = 1 << 16;

    private Tls12Prf() {
    }

    /**
     * {@code PRF(secret, label, seed)} truncated to {@code lengthBytes}.
     *
     * @throws IllegalArgumentException for a length outside 0..{@link #MAX_OUTPUT_BYTES}
     */
    public static byte[] prf(Hash hash, byte[] secret, String label, byte[] seed, int lengthBytes) {
        Objects.requireNonNull(hash, "hash");
        if (lengthBytes < 0 || lengthBytes > MAX_OUTPUT_BYTES) {
            throw new IllegalArgumentException("PRF length out of range");
        }
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        byte[] labelSeed = new byte[labelBytes.length + seed.length];
        System.arraycopy(labelBytes, 0, labelSeed, 0, labelBytes.length);
        System.arraycopy(seed, 0, labelSeed, labelBytes.length, seed.length);
        try {
            Mac mac = Mac.getInstance(hash.jca);
            // SecretKeySpec refuses an empty key; HMAC pads keys with zeros, so one zero byte is the same key
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, hash.jca));
            byte[] out = new byte[lengthBytes];
            byte[] a = labelSeed;
            int pos = 0;
            while (pos < lengthBytes) {
                a = mac.doFinal(a);
                mac.update(a);
                mac.update(labelSeed);
                byte[] block = mac.doFinal();
                int n = Math.min(block.length, lengthBytes - pos);
                System.arraycopy(block, 0, out, pos, n);
                pos += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC unavailable", e);
        }
    }
}
