package org.recsec.record.internal.crypto;

import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.spec.GCMParameterSpec;
import org.recsec.record.base.SecretBytes;

/**
 * AES-GCM (NIST SP 800-38D) through the JCE's {@code AES/GCM/NoPadding}, which uses the AES and carry-less
 * multiply intrinsics. The TLS suites use a 12-byte nonce and a 16-byte tag (RFC 5288 §3).
 *
 * <p>Parameters: AES-128/192/256 keys; tag of 12..16 bytes (what the JCE offers); any nonce of at least one byte
 * (GHASH-derived counter for lengths other than 12). Thread-safe: one JCE cipher per thread.
 */
public final class AesGcm extends JceAead {

    /**
     * @param key          an AES key of 16, 24 or 32 bytes
     * @param tagSizeBytes 12..16
     * @throws IllegalArgumentException for any other key or tag size
     */
    public AesGcm(SecretBytes key, int tagSizeBytes) {
        super(checkKey(key), "AES", "AES/GCM/NoPadding", checkTag(tagSizeBytes));
    }

    private static SecretBytes checkKey(SecretBytes key) {
        int n = key.length();
        if (n != 16 && n != 24 && n != 32) {
            throw new IllegalArgumentException("AES key must be 16, 24 or 32 bytes, was " + n);
        }
        return key;
    }

    private static int checkTag(int tagSizeBytes) {
        if (tagSizeBytes < 12 || tagSizeBytes > 16) {
            throw new IllegalArgumentException("GCM tag must be 12..16 bytes, was " + tagSizeBytes);
        }
        return tagSizeBytes;
    }

    @Override
    AlgorithmParameterSpec params(byte[] nonce) {
        if (nonce.length == 0) {
            throw new IllegalArgumentException("GCM nonce must not be empty");
        }
        return new GCMParameterSpec(tagSizeBytes() * 8, nonce);
    }

    @Override
    public String toString() {
        return "AesGcm[tag=" + tagSizeBytes() + " bytes]";
    }
}
