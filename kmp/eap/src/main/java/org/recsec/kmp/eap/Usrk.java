package org.recsec.kmp.eap;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.crypto.HkdfSha256;

/**
 * Usage-Specific Root Keys from an EMSK (RFC 5295 §3.1) with the default KDF of RFC 5295 §3.1.2, PRF+ on
 * HMAC-SHA-256:
 * <pre>
 *   USRK = KDF(EMSK, key label, optional data, length)
 *   S    = key label ‖ 0x00 ‖ optional data ‖ length        length: uint16, network byte order, in bytes
 *   PRF+(K, S) = T1 ‖ T2 ‖ ... ‖ Tn
 *   T1   = HMAC-SHA-256(K, S ‖ 0x01)
 *   Ti   = HMAC-SHA-256(K, T(i-1) ‖ S ‖ i)                 i: one byte, so n ≤ 255
 *   USRK = the first length bytes of PRF+(EMSK, S)
 * </pre>
 *
 * <p><b>Our key label.</b> {@value #RECSEC_LABEL}. RFC 5295 §3.1 asks for a label unique to the usage; the labels
 * IANA registers in the "USRK Key Labels" registry are printable ASCII ending in "@" and the domain of whoever
 * defines them (ERP's is "EAP Re-authentication Root Key@ietf.org"). Ours follows that form with the reserved
 * ".invalid" domain (RFC 6761) so that it can never collide with a registered label; it stays private to this
 * project until registered. The optional data is the application server's identity (UTF-8, as the SAD names it),
 * so every ApS gets its own USRK from one EMSK and one ApS cannot compute another's key.
 */
public final class Usrk {
    /** The key label of the record-SA root key (see the class comment). */
    public static final String RECSEC_LABEL = "CoAP Record SA Root Key@recsec.invalid";
    /** The length of the record-SA root key this project derives. */
    public static final int RECSEC_USRK_BYTES = 64;
    /** PRF+ with a one-byte counter yields at most 255 HMAC-SHA-256 blocks. */
    public static final int MAX_LENGTH_BYTES = 255 * 32;
    /** Bound on the optional data this class accepts (it is not bounded by the RFC; ours are short names). */
    public static final int MAX_OPTIONAL_DATA_BYTES = 1024;

    private Usrk() {
    }

    /**
     * {@code KDF(emsk, label, optionalData, lengthBytes)} as documented on the class.
     *
     * @param emsk         the EMSK (or any root key), at least 1 byte
     * @param label        printable US-ASCII, without NUL
     * @param optionalData may be empty; at most {@link #MAX_OPTIONAL_DATA_BYTES}
     * @param lengthBytes  1..{@link #MAX_LENGTH_BYTES}
     * @throws IllegalArgumentException for a label that is not printable ASCII, a length out of range or an
     *                                  optional data too long
     */
    public static SecretBytes derive(SecretBytes emsk, String label, byte[] optionalData, int lengthBytes) {
        Objects.requireNonNull(emsk, "emsk");
        byte[] key = emsk.toByteArray();
        try {
            return SecretBytes.copyOf(kdf(key, label, optionalData, lengthBytes));
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    /** The record-SA USRK of one application server: label {@value #RECSEC_LABEL}, 64 bytes. */
    public static SecretBytes forApplicationServer(SecretBytes emsk, String apsIdentity) {
        return derive(emsk, RECSEC_LABEL, apsIdentity.getBytes(StandardCharsets.UTF_8), RECSEC_USRK_BYTES);
    }

    /** The KDF on raw bytes; the caller wipes the result. */
    static byte[] kdf(byte[] key, String label, byte[] optionalData, int lengthBytes) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(optionalData, "optionalData");
        if (lengthBytes < 1 || lengthBytes > MAX_LENGTH_BYTES) {
            throw new IllegalArgumentException("USRK length must be 1.." + MAX_LENGTH_BYTES);
        }
        if (optionalData.length > MAX_OPTIONAL_DATA_BYTES) {
            throw new IllegalArgumentException("optional data too long");
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("key label must be printable US-ASCII");
            }
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("empty root key");
        }
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        byte[] s = new byte[labelBytes.length + 1 + optionalData.length + 2];
        System.arraycopy(labelBytes, 0, s, 0, labelBytes.length);
        System.arraycopy(optionalData, 0, s, labelBytes.length + 1, optionalData.length);
        s[s.length - 2] = (byte) (lengthBytes >>> 8);
        s[s.length - 1] = (byte) lengthBytes;
        // RFC 5295 §3.1.2 prf+ with HMAC-SHA-256: T(i) = HMAC(key, T(i-1) ‖ S ‖ i), which is HKDF-Expand
        // (RFC 5869 §2.3) with info = S.
        return HkdfSha256.expand(key, s, lengthBytes);
    }
}
