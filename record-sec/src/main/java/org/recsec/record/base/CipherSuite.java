package org.recsec.record.base;

/**
 * The AEAD suites a dtls12 record can be protected with, named after their TLS cipher-suite code points.
 * The ECDHE_ECDSA code points of the same AEAD are accepted as aliases by {@link #forCode(int)}; the record
 * protection is identical (RFC 6655, RFC 5288, RFC 7905).
 */
public enum CipherSuite {
    /** TLS_PSK_WITH_AES_128_CCM_8 (RFC 6655), CoAP's mandatory suite (RFC 7252 §9.1.3.1). */
    AES_128_CCM_8(0xc0a8, 0xc0ae, 0x1305, Aead.AES_CCM, 16, 8, 4, 8),
    /** TLS_PSK_WITH_AES_128_CCM (RFC 6655). */
    AES_128_CCM(0xc0a4, 0xc0ac, 0x1304, Aead.AES_CCM, 16, 16, 4, 8),
    /** TLS_PSK_WITH_AES_128_GCM_SHA256 (RFC 5487, nonce per RFC 5288). */
    AES_128_GCM(0x00a8, 0xc02b, 0x1301, Aead.AES_GCM, 16, 16, 4, 8),
    /** TLS_PSK_WITH_CHACHA20_POLY1305_SHA256 (RFC 7905). */
    CHACHA20_POLY1305(0xccab, 0xcca9, 0x1303, Aead.CHACHA20_POLY1305, 32, 16, 12, 0);

    /** The AEAD algorithm family behind a suite. */
    public enum Aead { AES_CCM, AES_GCM, CHACHA20_POLY1305 }

    private final int code;
    private final int aliasCode;
    private final int tls13Code;
    private final Aead aead;
    private final int keySizeBytes;
    private final int tagSizeBytes;
    private final int ivSizeBytes;
    private final int explicitNonceBytes;

    CipherSuite(int code, int aliasCode, int tls13Code, Aead aead, int keySizeBytes, int tagSizeBytes, int ivSizeBytes,
                int explicitNonceBytes) {
        this.code = code;
        this.aliasCode = aliasCode;
        this.tls13Code = tls13Code;
        this.aead = aead;
        this.keySizeBytes = keySizeBytes;
        this.tagSizeBytes = tagSizeBytes;
        this.ivSizeBytes = ivSizeBytes;
        this.explicitNonceBytes = explicitNonceBytes;
    }

    /** The PSK cipher-suite code point, e.g. 0xc0a8. */
    public int code() { return code; }

    /**
     * The TLS 1.3 code point of the same AEAD (RFC 8446 §B.4, RFC 8447): 0x1305 TLS_AES_128_CCM_8_SHA256, 0x1304
     * TLS_AES_128_CCM_SHA256, 0x1301 TLS_AES_128_GCM_SHA256, 0x1303 TLS_CHACHA20_POLY1305_SHA256; the suite of the
     * compact profile.
     */
    public int tls13Code() { return tls13Code; }

    public Aead aead() { return aead; }

    public int keySizeBytes() { return keySizeBytes; }

    public int tagSizeBytes() { return tagSizeBytes; }

    /** Bytes of the fixed IV: the 4-byte salt for CCM/GCM, the 12-byte IV for ChaCha20-Poly1305. */
    public int ivSizeBytes() { return ivSizeBytes; }

    /** Bytes of explicit nonce sent in each record: 8 (epoch ‖ seq) for CCM/GCM, 0 for ChaCha20-Poly1305. */
    public int explicitNonceBytes() { return explicitNonceBytes; }

    /** Ciphertext expansion of one record's fragment: explicit nonce plus tag. */
    public int fragmentOverheadBytes() { return explicitNonceBytes + tagSizeBytes; }

    /**
     * The suite for a TLS 1.3 code point (0x1301, 0x1303, 0x1304, 0x1305), as the compact profile names them.
     *
     * @throws RecSecException {@link RecSecException.Reason#UNSUPPORTED} for any other code point
     */
    public static CipherSuite forTls13Code(int code) throws RecSecException {
        for (CipherSuite s : values()) {
            if (s.tls13Code == code) {
                return s;
            }
        }
        throw new RecSecException(RecSecException.Reason.UNSUPPORTED,
                String.format("TLS 1.3 cipher suite 0x%04x", code & 0xffff));
    }

    /**
     * The suite for a TLS code point, PSK or ECDHE_ECDSA.
     *
     * @throws RecSecException {@link RecSecException.Reason#UNSUPPORTED} for any other code point
     */
    public static CipherSuite forCode(int code) throws RecSecException {
        for (CipherSuite s : values()) {
            if (s.code == code || s.aliasCode == code) {
                return s;
            }
        }
        throw new RecSecException(RecSecException.Reason.UNSUPPORTED,
                String.format("cipher suite 0x%04x", code & 0xffff));
    }
}
