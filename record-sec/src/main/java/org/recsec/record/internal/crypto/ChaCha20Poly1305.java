package org.recsec.record.internal.crypto;

import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import org.recsec.record.base.SecretBytes;

/**
 * ChaCha20-Poly1305 (RFC 8439 §2.8) through the JCE's {@code ChaCha20-Poly1305}: 32-byte key, 12-byte nonce,
 * 16-byte tag. Thread-safe: one JCE cipher per thread.
 */
public final class ChaCha20Poly1305 extends JceAead {
    /** Nonce length of RFC 8439; the JCE offers no other. */
    public static final int NONCE_BYTES = 12;

    /** @throws IllegalArgumentException unless the key is 32 bytes */
    public ChaCha20Poly1305(SecretBytes key) {
        super(checkKey(key), "ChaCha20", "ChaCha20-Poly1305", 16);
    }

    private static SecretBytes checkKey(SecretBytes key) {
        if (key.length() != 32) {
            throw new IllegalArgumentException("ChaCha20 key must be 32 bytes, was " + key.length());
        }
        return key;
    }

    @Override
    AlgorithmParameterSpec params(byte[] nonce) {
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 nonce must be 12 bytes, was " + nonce.length);
        }
        return new IvParameterSpec(nonce);
    }

    @Override
    public String toString() {
        return "ChaCha20Poly1305";
    }
}
