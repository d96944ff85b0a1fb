package org.recsec.applet;

/**
 * 48-bit DTLS sequence numbers (RFC 6347 §4.1) as six big-endian bytes, with short arithmetic only, and the 64-bit
 * sliding anti-replay window of RFC 6347 §4.1.2.6 kept in eight bytes.
 */
final class Seq48 {

    private Seq48() {
    }

    /** Adds one; returns false (and leaves the value unchanged) when it is already 2^48 - 1. */
    static boolean increment(byte[] b, short off) {
        short i = (short) (off + 5);
        while (i >= off) {
            if (b[i] != (byte) 0xFF) {
                b[i]++;
                for (short k = (short) (i + 1); k <= (short) (off + 5); k++) {
                    b[k] = 0;
                }
                return true;
            }
            i--;
        }
        return false;
    }

    /** Unsigned comparison: negative, zero or positive as a is below, equal to or above b. */
    static short compare(byte[] a, short aOff, byte[] b, short bOff) {
        for (short i = 0; i < 6; i++) {
            short x = (short) (a[(short) (aOff + i)] & 0xFF);
            short y = (short) (b[(short) (bOff + i)] & 0xFF);
            if (x != y) {
                return (short) (x - y);
            }
        }
        return 0;
    }

    /**
     * Distance hi - lo (hi ≥ lo) capped: the exact value when below 64, otherwise 64. tmp[tmpOff..+6) is scratch.
     */
    static short distance(byte[] hi, short hiOff, byte[] lo, short loOff, byte[] tmp, short tmpOff) {
        short borrow = 0;
        for (short i = 5; i >= 0; i--) {
            short d = (short) ((hi[(short) (hiOff + i)] & 0xFF) - (lo[(short) (loOff + i)] & 0xFF) - borrow);
            borrow = 0;
            if (d < 0) {
                d = (short) (d + 256);
                borrow = 1;
            }
            tmp[(short) (tmpOff + i)] = (byte) d;
        }
        for (short i = 0; i < 5; i++) {
            if (tmp[(short) (tmpOff + i)] != 0) {
                return 64;
            }
        }
        short last = (short) (tmp[(short) (tmpOff + 5)] & 0xFF);
        return last < 64 ? last : 64;
    }

    /** True if bit k (0 = least significant) of the 64-bit big-endian bitmap is set. */
    static boolean bit(byte[] bm, short off, short k) {
        return (bm[(short) (off + 7 - (k >> 3))] & (byte) (1 << (k & 7))) != 0;
    }

    static void setBit(byte[] bm, short off, short k) {
        bm[(short) (off + 7 - (k >> 3))] |= (byte) (1 << (k & 7));
    }

    /** Shifts the 64-bit big-endian bitmap left by n (1..63) bits. */
    static void shiftLeft(byte[] bm, short off, short n) {
        short bytes = (short) (n >> 3);
        short bits = (short) (n & 7);
        for (short i = 0; i < 8; i++) {
            short src = (short) (i + bytes);
            short v = src < 8 ? (short) (bm[(short) (off + src)] & 0xFF) : 0;
            short next = (short) (src + 1) < 8 ? (short) (bm[(short) (off + src + 1)] & 0xFF) : 0;
            short r = (short) (v << bits);
            if (bits != 0) {
                r |= (short) (next >> (8 - bits));
            }
            bm[(short) (off + i)] = (byte) r;
        }
    }
}
