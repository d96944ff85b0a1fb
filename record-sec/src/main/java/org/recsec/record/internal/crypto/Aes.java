package org.recsec.record.internal.crypto;

/**
 * The AES forward cipher (FIPS 197 §5.1, §5.2) in plain Java with 32-bit table lookups: what {@link AesCcm} uses
 * for a short record when the thread's JCE ciphers hold another SA's key, so that an SA keeps its expanded key
 * (44, 52 or 60 ints: 176 B for AES-128) instead of a JCE {@code Cipher} pair per thread, and switching SAs costs no
 * key expansion and no allocation. Encryption only: CCM never runs the inverse cipher.
 *
 * <p>The tables are computed at class initialisation from the definitions (the multiplicative inverse in GF(2^8)
 * modulo x^8 + x^4 + x^3 + x + 1 followed by the affine map of §5.1.1; MixColumns' coefficients {02} {01} {01} {03}
 * of §5.1.3). Table lookups indexed by secret state bytes are not constant-time on CPUs with data caches: see the
 * note in {@link AesCcm} on where this path runs.
 */
final class Aes {
    private static final int[] SBOX = new int[256];
    private static final int[] T0 = new int[256];
    private static final int[] T1 = new int[256];
    private static final int[] T2 = new int[256];
    private static final int[] T3 = new int[256];

    static {
        // log/antilog tables over the generator {03}
        int[] exp = new int[256];
        int[] log = new int[256];
        int x = 1;
        for (int i = 0; i < 255; i++) {
            exp[i] = x;
            log[x] = i;
            x ^= xtime(x); // x * {03}
        }
        for (int a = 0; a < 256; a++) {
            int inv = a == 0 ? 0 : exp[(255 - log[a]) % 255];
            // affine map: b_i ^ b_(i+4) ^ b_(i+5) ^ b_(i+6) ^ b_(i+7) ^ c_i, c = {63}
            int s = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63;
            SBOX[a] = s;
            int t = (xtime(s) << 24) | (s << 16) | (s << 8) | (xtime(s) ^ s);
            T0[a] = t;
            T1[a] = Integer.rotateRight(t, 8);
            T2[a] = Integer.rotateRight(t, 16);
            T3[a] = Integer.rotateRight(t, 24);
        }
    }

    private Aes() {
    }

    private static int xtime(int b) {
        return ((b << 1) ^ ((b & 0x80) != 0 ? 0x1b : 0)) & 0xff;
    }

    private static int rotl8(int b, int n) {
        return ((b << n) | (b >>> (8 - n))) & 0xff;
    }

    private static int subWord(int w) {
        return (SBOX[w >>> 24] << 24) | (SBOX[(w >>> 16) & 0xff] << 16) | (SBOX[(w >>> 8) & 0xff] << 8)
                | SBOX[w & 0xff];
    }

    /** KeyExpansion (FIPS 197 §5.2): 4 * (Nr + 1) words for a 16-, 24- or 32-byte key. */
    static int[] expandKey(byte[] key) {
        int nk = key.length / 4;
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("AES key must be 16, 24 or 32 bytes");
        }
        int[] w = new int[4 * (nk + 7)];
        for (int i = 0; i < nk; i++) {
            w[i] = readInt(key, 4 * i);
        }
        int rcon = 1;
        for (int i = nk; i < w.length; i++) {
            int temp = w[i - 1];
            if (i % nk == 0) {
                temp = subWord(Integer.rotateLeft(temp, 8)) ^ (rcon << 24);
                rcon = xtime(rcon);
            } else if (nk > 6 && i % nk == 4) {
                temp = subWord(temp);
            }
            w[i] = w[i - nk] ^ temp;
        }
        return w;
    }

    /** Cipher (FIPS 197 §5.1) of one block; {@code in} and {@code out} may be the same range. */
    static void encryptBlock(int[] w, byte[] in, int inOff, byte[] out, int outOff) {
        int s0 = readInt(in, inOff) ^ w[0];
        int s1 = readInt(in, inOff + 4) ^ w[1];
        int s2 = readInt(in, inOff + 8) ^ w[2];
        int s3 = readInt(in, inOff + 12) ^ w[3];
        int rounds = w.length / 4 - 1;
        int k = 4;
        for (int r = 1; r < rounds; r++, k += 4) {
            int t0 = T0[s0 >>> 24] ^ T1[(s1 >>> 16) & 0xff] ^ T2[(s2 >>> 8) & 0xff] ^ T3[s3 & 0xff] ^ w[k];
            int t1 = T0[s1 >>> 24] ^ T1[(s2 >>> 16) & 0xff] ^ T2[(s3 >>> 8) & 0xff] ^ T3[s0 & 0xff] ^ w[k + 1];
            int t2 = T0[s2 >>> 24] ^ T1[(s3 >>> 16) & 0xff] ^ T2[(s0 >>> 8) & 0xff] ^ T3[s1 & 0xff] ^ w[k + 2];
            int t3 = T0[s3 >>> 24] ^ T1[(s0 >>> 16) & 0xff] ^ T2[(s1 >>> 8) & 0xff] ^ T3[s2 & 0xff] ^ w[k + 3];
            s0 = t0;
            s1 = t1;
            s2 = t2;
            s3 = t3;
        }
        // last round: SubBytes, ShiftRows, AddRoundKey (no MixColumns)
        writeInt(out, outOff, last(s0, s1, s2, s3) ^ w[k]);
        writeInt(out, outOff + 4, last(s1, s2, s3, s0) ^ w[k + 1]);
        writeInt(out, outOff + 8, last(s2, s3, s0, s1) ^ w[k + 2]);
        writeInt(out, outOff + 12, last(s3, s0, s1, s2) ^ w[k + 3]);
    }

    private static int last(int a, int b, int c, int d) {
        return (SBOX[a >>> 24] << 24) | (SBOX[(b >>> 16) & 0xff] << 16) | (SBOX[(c >>> 8) & 0xff] << 8)
                | SBOX[d & 0xff];
    }

    private static int readInt(byte[] b, int off) {
        return (b[off] << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static void writeInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
