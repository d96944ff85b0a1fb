package org.recsec.se.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * An Answer-to-Reset (ISO/IEC 7816-3 §8.2): TS, T0, the interface bytes TAi TBi TCi TDi announced by T0 and each
 * TDi, K historical bytes (K = T0's low nibble, at most 15), and the check byte TCK, present unless only T=0 is
 * indicated, such that T0 ⊕ … ⊕ TCK = 0. {@link #parse} is strict: a wrong TS, a length that differs from what the
 * bytes announce, or a wrong TCK is refused with {@link MalformedAtrException}.
 *
 * <p><b>The SEN in the historical bytes</b> (draft-urien-coinrg-iose §2, the TLS-SE's way of naming a card before
 * any APDU): category indicator {@code 80} (ISO/IEC 7816-4 §8.1.1: COMPACT-TLV data objects follow) and one object
 * {@code 5L} "card issuer's data" holding the SEN, L = 1..13 ASCII bytes of an LDH name (letters, digits, hyphen,
 * dot), so {@code 80 5L SEN} fills at most the 15 historical bytes. Historical bytes of any other shape carry no SEN
 * (the host asks READ-SEN, as it always may).
 *
 * @param bytes the whole ATR
 * @param historical the historical bytes
 */
public record Atr(byte[] bytes, byte[] historical) {
    /** Longest SEN the historical bytes hold: 15 - category indicator - COMPACT-TLV tag/length byte. */
    public static final int MAX_SEN = 13;
    private static final int CATEGORY_COMPACT_TLV = 0x80;
    private static final int TAG_ISSUER_DATA = 0x5;
    /** T=1 interface bytes of jcardsim's default ATR: TA1 18, TB1 00, TC1 00, TD1 81, TD2 31, TA3 FE (IFSC), TB3 45. */
    private static final byte[] T1_INTERFACE = {0x18, 0x00, 0x00, (byte) 0x81, 0x31, (byte) 0xFE, 0x45};

    /** Copies the arrays. */
    public Atr {
        bytes = bytes.clone();
        historical = historical.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public byte[] historical() {
        return historical.clone();
    }

    /** An ATR that does not follow ISO/IEC 7816-3 §8.2. */
    public static final class MalformedAtrException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedAtrException(String message) {
            super("malformed ATR: " + message);
        }
    }

    /** Parses and checks an ATR (ISO/IEC 7816-3 §8.2). */
    public static Atr parse(byte[] atr) throws MalformedAtrException {
        if (atr == null || atr.length < 2 || atr.length > 33) {
            throw new MalformedAtrException("length " + (atr == null ? 0 : atr.length) + " (2..33)");
        }
        if (atr[0] != 0x3B && atr[0] != 0x3F) {
            throw new MalformedAtrException(String.format("TS %02X (3B or 3F)", atr[0] & 0xFF));
        }
        int y = (atr[1] & 0xF0) >>> 4;
        int k = atr[1] & 0x0F;
        int p = 2;
        boolean tck = false;
        while (true) {
            int td = -1;
            for (int bit = 0; bit < 4; bit++) {
                if ((y & (1 << bit)) != 0) {
                    if (p >= atr.length) {
                        throw new MalformedAtrException("interface bytes cut short");
                    }
                    if (bit == 3) {
                        td = atr[p] & 0xFF;
                    }
                    p++;
                }
            }
            if (td < 0) {
                break;
            }
            // a TDi announcing a protocol other than T=0 makes TCK mandatory (ISO/IEC 7816-3 §8.2.5)
            tck |= (td & 0x0F) != 0;
            y = td >>> 4;
        }
        int end = p + k + (tck ? 1 : 0);
        if (end != atr.length) {
            throw new MalformedAtrException(atr.length + " bytes where the ATR announces " + end);
        }
        if (tck) {
            int x = 0;
            for (int i = 1; i < atr.length; i++) {
                x ^= atr[i];
            }
            if (x != 0) {
                throw new MalformedAtrException("TCK does not check");
            }
        }
        return new Atr(atr, Arrays.copyOfRange(atr, p, p + k));
    }

    /**
     * The ATR of a T=1 card with these historical bytes (the interface bytes of jcardsim's default ATR, TCK
     * computed).
     */
    public static byte[] t1(byte[] historical) {
        if (historical.length > 15) {
            throw new IllegalArgumentException("at most 15 historical bytes");
        }
        byte[] a = new byte[2 + T1_INTERFACE.length + historical.length + 1];
        a[0] = 0x3B;
        a[1] = (byte) (0xF0 | historical.length);
        System.arraycopy(T1_INTERFACE, 0, a, 2, T1_INTERFACE.length);
        System.arraycopy(historical, 0, a, 2 + T1_INTERFACE.length, historical.length);
        int x = 0;
        for (int i = 1; i < a.length - 1; i++) {
            x ^= a[i];
        }
        a[a.length - 1] = (byte) x;
        return a;
    }

    /** The historical bytes {@code 80 5L SEN}, or empty when the SEN does not fit (too long, not an LDH name). */
    public static Optional<byte[]> senHistoricalBytes(String sen) {
        byte[] s = sen.getBytes(StandardCharsets.US_ASCII);
        if (!isSen(s, 0, s.length) || !new String(s, StandardCharsets.US_ASCII).equals(sen)) {
            return Optional.empty();
        }
        byte[] h = new byte[2 + s.length];
        h[0] = (byte) CATEGORY_COMPACT_TLV;
        h[1] = (byte) (TAG_ISSUER_DATA << 4 | s.length);
        System.arraycopy(s, 0, h, 2, s.length);
        return Optional.of(h);
    }

    /** The SEN in the historical bytes ({@code 80 5L SEN} exactly), or empty. */
    public Optional<String> sen() {
        byte[] h = historical;
        if (h.length < 3 || (h[0] & 0xFF) != CATEGORY_COMPACT_TLV || (h[1] & 0xF0) >>> 4 != TAG_ISSUER_DATA
                || (h[1] & 0x0F) != h.length - 2 || !isSen(h, 2, h.length - 2)) {
            return Optional.empty();
        }
        return Optional.of(new String(h, 2, h.length - 2, StandardCharsets.US_ASCII));
    }

    private static boolean isSen(byte[] b, int off, int len) {
        if (len < 1 || len > MAX_SEN) {
            return false;
        }
        for (int i = off; i < off + len; i++) {
            int c = b[i];
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Atr a && Arrays.equals(bytes, a.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Atr[" + java.util.HexFormat.of().formatHex(bytes) + "]";
    }
}
