package org.recsec.record.internal.crypto;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.RecordCipher;

/** Factories for the record ciphers of each record profile. */
public final class RecordCiphers {
    private RecordCiphers() {
    }

    /**
     * A record cipher for the compact profile (RFC 9147 §4 records, see {@link CompactRecordCipher}) keyed by the
     * 32-byte traffic secret of one direction.
     *
     * @param seqBytes 1 or 2: the width of the header's sequence number
     * @throws IllegalArgumentException for a secret that is not 32 bytes or another width
     */
    public static RecordCipher compact(CipherSuite suite, SecretBytes trafficSecret, int seqBytes) {
        return CompactRecordCipher.fromSecret(suite, trafficSecret, seqBytes);
    }

    /**
     * A record cipher for the dtls12 profile (RFC 6347 §4.1 records, content type and version in the header)
     * under one suite, key and fixed IV, as the DTLS key block (RFC 5246 §6.3) or a key-management protocol hands
     * them out for one direction.
     *
     * <p>Record layout: header(13) ‖ explicit nonce ‖ ciphertext ‖ tag. CCM and GCM suites send epoch ‖ seq as the
     * 8-byte explicit nonce and use nonce = salt ‖ explicit (RFC 6655 §3, RFC 5288 §3); ChaCha20-Poly1305 sends
     * nothing explicit and uses nonce = IV xor (0000 ‖ epoch ‖ seq) (RFC 7905 §2). The AAD is epoch ‖ seq ‖ type ‖
     * version ‖ plaintext length (RFC 5246 §6.2.3.3, RFC 6347 §4.1.2.1). {@code seal} throws
     * IllegalArgumentException for a type, epoch or sequence number that does not fit the header or a plaintext
     * longer than 2^14 bytes; {@code open} throws {@code MALFORMED} for a bad header or a fragment too short for
     * nonce and tag (or longer than 2^14 + 2048), {@code AUTH_FAILED} when the tag does not verify. The returned
     * cipher is thread-safe.
     *
     * @param suite the AEAD suite
     * @param key   16 bytes for the AES suites, 32 for ChaCha20-Poly1305
     * @param iv    the 4-byte salt for CCM and GCM, the 12-byte IV for ChaCha20-Poly1305
     * @throws IllegalArgumentException when the key or IV length does not fit the suite
     */
    public static RecordCipher dtls12(CipherSuite suite, SecretBytes key, byte[] iv) {
        return new Dtls12RecordCipher(suite, aead(suite, key, iv), iv);
    }

    /**
     * A record cipher for the dtls12-cid profile (RFC 9146 §4 records, see {@link Dtls12CidRecordCipher}): keyed as
     * {@link #dtls12}, with the connection ID {@code cid} written into and required in every record's header.
     * recsec uses the SPI of the receiving SA as 4 bytes ({@link Dtls12CidRecordCipher#cidOf}).
     *
     * @throws IllegalArgumentException when the key or IV length does not fit the suite or the CID is not
     *                                  1..255 bytes
     */
    public static RecordCipher dtls12Cid(CipherSuite suite, SecretBytes key, byte[] iv, byte[] cid) {
        return new Dtls12CidRecordCipher(suite, aead(suite, key, iv), iv, cid);
    }

    private static Aead aead(CipherSuite suite, SecretBytes key, byte[] iv) {
        if (key.length() != suite.keySizeBytes()) {
            throw new IllegalArgumentException(suite + " needs a " + suite.keySizeBytes() + "-byte key, got "
                    + key.length());
        }
        if (iv.length != suite.ivSizeBytes()) {
            throw new IllegalArgumentException(suite + " needs a " + suite.ivSizeBytes() + "-byte IV, got "
                    + iv.length);
        }
        return switch (suite.aead()) {
            case AES_CCM -> new AesCcm(key, suite.tagSizeBytes());
            case AES_GCM -> new AesGcm(key, suite.tagSizeBytes());
            case CHACHA20_POLY1305 -> new ChaCha20Poly1305(key);
        };
    }
}
