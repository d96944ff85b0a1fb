package org.recsec.record.internal.wire;

/** Byte-level helpers shared by every codec: one overflow-safe range check, big-endian reads and writes. */
public final class Bytes {
    private Bytes() {
    }

    /** Throws IndexOutOfBoundsException unless {@code [off, off+len)} lies inside {@code array}; never overflows. */
    public static void checkRange(byte[] array, int off, int len) {
        if (off < 0 || len < 0 || off > array.length - len) {
            throw new IndexOutOfBoundsException("range [" + off + ", +" + len + ") of " + array.length);
        }
    }

    public static int readUint16Be(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    public static long readUint32Be(byte[] b, int off) {
        return ((long) readUint16Be(b, off) << 16) | readUint16Be(b, off + 2);
    }

    public static long readUint48Be(byte[] b, int off) {
        return ((long) readUint16Be(b, off) << 32) | readUint32Be(b, off + 2);
    }

    public static long readUint64Be(byte[] b, int off) {
        return (readUint32Be(b, off) << 32) | readUint32Be(b, off + 4);
    }

    public static void writeUint16Be(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    public static void writeUint32Be(byte[] b, int off, long v) {
        writeUint16Be(b, off, (int) (v >>> 16));
        writeUint16Be(b, off + 2, (int) v);
    }

    public static void writeUint48Be(byte[] b, int off, long v) {
        writeUint16Be(b, off, (int) (v >>> 32));
        writeUint32Be(b, off + 2, v);
    }

    public static void writeUint64Be(byte[] b, int off, long v) {
        writeUint32Be(b, off, v >>> 32);
        writeUint32Be(b, off + 4, v);
    }

    /** The minimal big-endian encoding of an unsigned value, as CoAP uint options use (0 is the empty string). */
    public static byte[] minimalUintBe(long v) {
        int n = (64 - Long.numberOfLeadingZeros(v) + 7) / 8;
        byte[] out = new byte[n];
        for (int i = n - 1; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }

    /** Reads a big-endian unsigned value of at most 8 bytes. */
    public static long uintBe(byte[] b, int off, int len) {
        if (len > 8) {
            throw new IllegalArgumentException("uint longer than 8 bytes");
        }
        long v = 0;
        for (int i = 0; i < len; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    public static String toHex(byte[] b) {
        char[] out = new char[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            out[2 * i] = HEX[(b[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[b[i] & 0xf];
        }
        return new String(out);
    }

    /** Parses lowercase or uppercase hex; IllegalArgumentException on odd length or a non-hex character. */
    public static byte[] fromHex(String s) {
        if ((s.length() & 1) != 0) {
            throw new IllegalArgumentException("odd hex length");
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not hex at " + (2 * i));
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }
}
