package org.recsec.km.pfkey;

import java.nio.charset.StandardCharsets;
import org.recsec.record.internal.wire.Bytes;

/** The wire rules every PF_KEY extension shares (RFC 2367 §2.3): 64-bit padding, the header, reserved zeros. */
final class ExtensionWire {
    private ExtensionWire() {
    }

    static int padded(int n) {
        return (n + 7) & ~7;
    }

    static void header(byte[] out, int off, int bytes, int type) {
        Bytes.writeUint16Be(out, off, bytes / 8);
        Bytes.writeUint16Be(out, off + 2, type);
    }

    static void requireZero(byte[] b, int off, int len, String what) throws PfKeyException {
        for (int i = 0; i < len; i++) {
            if (b[off + i] != 0) {
                throw new PfKeyException(PfKey.EINVAL, what + " not zero");
            }
        }
    }

    static void requireLength(int len, int expected, String what) throws PfKeyException {
        if (len != expected) {
            throw new PfKeyException(PfKey.EINVAL, what + " extension is " + len + " bytes, must be " + expected);
        }
    }

    static String cString(byte[] b, int off, int len, String what) throws PfKeyException {
        int end = -1;
        for (int i = 0; i < len; i++) {
            if (b[off + i] == 0) {
                end = i;
                break;
            }
        }
        if (end <= 0) {
            throw new PfKeyException(PfKey.EINVAL, what + " string empty or not NUL-terminated");
        }
        if (padded(end + 1) != len) {
            throw new PfKeyException(PfKey.EINVAL, what + " extension longer than its string");
        }
        requireZero(b, off + end, len - end, what + " padding");
        for (int i = 0; i < end; i++) {
            int c = b[off + i] & 0xff;
            if (c < 0x21 || c > 0x7e) {
                throw new PfKeyException(PfKey.EINVAL, what + " not printable ASCII");
            }
        }
        if (end > 255) {
            throw new PfKeyException(PfKey.EINVAL, what + " longer than 255");
        }
        return new String(b, off, end, StandardCharsets.US_ASCII);
    }

    static void checkPrintable(String s, String what) {
        if (s.isEmpty() || s.length() > 255) {
            throw new IllegalArgumentException(what + " must be 1..255 characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException(what + " must be printable ASCII without spaces");
            }
        }
    }

    static void checkU8(int v, String what) {
        if (v < 0 || v > 0xff) {
            throw new IllegalArgumentException(what + " not a u8: " + v);
        }
    }

    static void checkU16(int v, String what) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException(what + " not a u16: " + v);
        }
    }

    static void checkU32(long v, String what) {
        if (v < 0 || v > 0xffffffffL) {
            throw new IllegalArgumentException(what + " not a u32: " + v);
        }
    }
}
