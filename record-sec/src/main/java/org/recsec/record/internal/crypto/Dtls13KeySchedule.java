package org.recsec.record.internal.crypto;

import java.nio.charset.StandardCharsets;
import org.recsec.record.base.SecretBytes;

/**
 * HKDF-Expand-Label with the DTLS 1.3 label prefix {@code "dtls13"} (RFC 9147 §5.9, RFC 8446 §7.1) over SHA-256,
 * the hash of every suite of the compact profile: what turns one traffic secret into {@code key}, {@code iv} and
 * {@code sn_key} (RFC 8446 §7.3, RFC 9147 §4.2.3).
 */
public final class Dtls13KeySchedule {
    private static final byte[] PREFIX = "dtls13".getBytes(StandardCharsets.US_ASCII);

    private Dtls13KeySchedule() {
    }

    /**
     * {@code HKDF-Expand(secret, HkdfLabel, length)} with {@code HkdfLabel = uint16 length ‖ opaque label<7..255> =
     * "dtls13" ‖ label ‖ opaque context<0..255>} (RFC 8446 §7.1 with RFC 9147's prefix).
     */
    public static byte[] expandLabel(SecretBytes secret, String label, byte[] context, int length) {
        byte[] l = label.getBytes(StandardCharsets.US_ASCII);
        if (PREFIX.length + l.length > 255 || context.length > 255 || length < 1
                || length > HkdfSha256.MAX_OUTPUT_BYTES) {
            throw new IllegalArgumentException("HKDF-Expand-Label parameters out of range");
        }
        byte[] info = new byte[2 + 1 + PREFIX.length + l.length + 1 + context.length];
        info[0] = (byte) (length >>> 8);
        info[1] = (byte) length;
        info[2] = (byte) (PREFIX.length + l.length);
        System.arraycopy(PREFIX, 0, info, 3, PREFIX.length);
        System.arraycopy(l, 0, info, 3 + PREFIX.length, l.length);
        info[3 + PREFIX.length + l.length] = (byte) context.length;
        System.arraycopy(context, 0, info, 4 + PREFIX.length + l.length, context.length);
        byte[] prk = secret.toByteArray();
        try {
            return HkdfSha256.expand(prk, info, length);
        } finally {
            java.util.Arrays.fill(prk, (byte) 0);
        }
    }
}
