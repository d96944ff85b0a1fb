package org.recsec.record.internal.crypto;

/**
 * The ChaCha20 block function of RFC 8439 §2.3, for the record number encryption mask of RFC 9147 §4.2.3 (one
 * block per record, counter and nonce taken from the ciphertext). Written out because the JCE's ChaCha20 refuses
 * to be initialised twice in a row with the same key and nonce, which record number encryption needs (the sender
 * masks, then a loopback receiver unmasks the same record).
 */
final class ChaCha20Block {
    private final int[] key = new int[8];

    ChaCha20Block(byte[] key32) {
        if (key32.length != 32) {
            throw new IllegalArgumentException("ChaCha20 needs a 32-byte key");
        }
        for (int i = 0; i < 8; i++) {
            key[i] = le(key32, 4 * i);
        }
    }

    /** The first {@code n} (at most 64) keystream bytes of block {@code counter} under {@code nonce[off, +12)}. */
    byte[] keystream(int counter, byte[] nonce, int off, int n) {
        int[] s = new int[16];
        s[0] = 0x61707865;
        s[1] = 0x3320646e;
        s[2] = 0x79622d32;
        s[3] = 0x6b206574;
        System.arraycopy(key, 0, s, 4, 8);
        s[12] = counter;
        s[13] = le(nonce, off);
        s[14] = le(nonce, off + 4);
        s[15] = le(nonce, off + 8);
        int[] x = s.clone();
        for (int i = 0; i < 10; i++) {
            quarter(x, 0, 4, 8, 12);
            quarter(x, 1, 5, 9, 13);
            quarter(x, 2, 6, 10, 14);
            quarter(x, 3, 7, 11, 15);
            quarter(x, 0, 5, 10, 15);
            quarter(x, 1, 6, 11, 12);
            quarter(x, 2, 7, 8, 13);
            quarter(x, 3, 4, 9, 14);
        }
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int w = x[i >>> 2] + s[i >>> 2];
            out[i] = (byte) (w >>> (8 * (i & 3)));
        }
        java.util.Arrays.fill(x, 0);
        java.util.Arrays.fill(s, 0);
        return out;
    }

    private static void quarter(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }

    private static int le(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }
}
