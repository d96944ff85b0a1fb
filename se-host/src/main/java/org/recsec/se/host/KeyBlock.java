package org.recsec.se.host;

import org.recsec.record.internal.wire.Bytes;

import java.util.Objects;
import org.recsec.record.base.SecretBytes;

/**
 * The TLS_PSK_WITH_AES_128_CCM_8 part of a DTLS 1.2 key block (RFC 5246 §6.3, no MAC keys for an AEAD suite,
 * RFC 6655 §3): client_write_key 16 ‖ server_write_key 16 ‖ client_write_IV 4 ‖ server_write_IV 4.
 * {@code toString} shows no key.
 */
public record KeyBlock(SecretBytes clientWriteKey, SecretBytes serverWriteKey, SecretBytes clientWriteIv,
                       SecretBytes serverWriteIv) {
    /** Bytes of the key block for AES_128_CCM_8. */
    public static final int LENGTH = 40;

    public KeyBlock {
        Objects.requireNonNull(clientWriteKey);
        Objects.requireNonNull(serverWriteKey);
        Objects.requireNonNull(clientWriteIv);
        Objects.requireNonNull(serverWriteIv);
        if (clientWriteKey.length() != 16 || serverWriteKey.length() != 16 || clientWriteIv.length() != 4
                || serverWriteIv.length() != 4) {
            throw new IllegalArgumentException("AES_128_CCM_8 keys are 16 bytes, IVs 4");
        }
    }

    /** Splits the first {@value #LENGTH} bytes at {@code b[off]} in key block order. */
    public static KeyBlock split(byte[] b, int off) {
        if (off < 0 || b.length - off < LENGTH) {
            throw new IllegalArgumentException("key block needs " + LENGTH + " bytes");
        }
        return new KeyBlock(SecretBytes.copyOf(b, off, 16), SecretBytes.copyOf(b, off + 16, 16),
                SecretBytes.copyOf(b, off + 32, 4), SecretBytes.copyOf(b, off + 36, 4));
    }

    @Override
    public String toString() {
        return "KeyBlock[AES_128_CCM_8, keys hidden]";
    }
}
