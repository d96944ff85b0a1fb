package org.recsec.record.base;

/**
 * How the record inside a protected CoAP message is laid out and keyed. The wire formats, with the byte count of
 * each part, are in {@code docs/profiles.md}.
 */
public enum RecordProfile {
    /**
     * A DTLS 1.2 {@code DTLSCiphertext} (RFC 6347 §4.1): 13-byte header, explicit nonce for CCM/GCM, keyed by the
     * key block's write key and IV (RFC 5246 §6.3). Responses carry the inner Request-Sequence option.
     */
    DTLS12,
    /**
     * A DTLS 1.3 {@code DTLSCiphertext} (RFC 9147 §4) with the unified header {@code 001CSLEE} (no CID, no length,
     * 8- or 16-bit sequence number), record number encryption (RFC 9147 §4.2.3), keyed by one traffic secret per
     * direction through HKDF-Expand-Label with the {@code "dtls13"} prefix (RFC 9147 §5.9, RFC 8446 §7.3). A
     * response is bound to its request by the request's record number in the AEAD's additional data instead of an
     * option.
     */
    COMPACT,
    /**
     * A DTLS 1.2 record with a connection ID (RFC 9146 §4): outer type {@code tls12_cid} (25), the CID (the
     * receiving SA's SPI, 4 bytes) in the header, {@code DTLSInnerPlaintext = content ‖ real type ‖ zeros}, the
     * RFC 9146 §5.2 AAD; keyed by write key and IV as {@link #DTLS12}. Responses carry the inner Request-Sequence
     * option as in {@link #DTLS12}.
     */
    DTLS12_CID
}
