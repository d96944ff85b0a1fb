package org.recsec.applet.iose;

import javacard.framework.Util;
import javacard.security.KeyBuilder;
import javacard.security.RSAPrivateKey;
import javacard.security.RandomData;
import javacardx.crypto.Cipher;

/**
 * Finite-field Diffie-Hellman over ffdhe2048 (RFC 7919 §A.1, generator 2) for the TLS 1.3 key_share
 * (RFC 8446 §4.2.8.1). JavaCard 2.2.2 has no DH primitive, and jcardsim 2.2.2 no P-256: a modular exponentiation
 * is the card's RSA engine without padding, with an RSA private key whose modulus is p and whose exponent is the
 * ephemeral secret x (as JCMathLib does on real cards). x is 256 random bits (RFC 7919 §5.2 asks at least 225)
 * and is cleared with the key as soon as both powers are computed.
 */
final class Ffdhe {

    /** The ffdhe2048 prime p, big-endian. */
    static final byte[] P = {
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xad, (byte) 0xf8, 0x54, 0x58, (byte) 0xa2, (byte) 0xbb, 0x4a, (byte) 0x9a,
        (byte) 0xaf, (byte) 0xdc, 0x56, 0x20, 0x27, 0x3d, 0x3c, (byte) 0xf1,
        (byte) 0xd8, (byte) 0xb9, (byte) 0xc5, (byte) 0x83, (byte) 0xce, 0x2d, 0x36, (byte) 0x95,
        (byte) 0xa9, (byte) 0xe1, 0x36, 0x41, 0x14, 0x64, 0x33, (byte) 0xfb,
        (byte) 0xcc, (byte) 0x93, (byte) 0x9d, (byte) 0xce, 0x24, (byte) 0x9b, 0x3e, (byte) 0xf9,
        0x7d, 0x2f, (byte) 0xe3, 0x63, 0x63, 0x0c, 0x75, (byte) 0xd8,
        (byte) 0xf6, (byte) 0x81, (byte) 0xb2, 0x02, (byte) 0xae, (byte) 0xc4, 0x61, 0x7a,
        (byte) 0xd3, (byte) 0xdf, 0x1e, (byte) 0xd5, (byte) 0xd5, (byte) 0xfd, 0x65, 0x61,
        0x24, 0x33, (byte) 0xf5, 0x1f, 0x5f, 0x06, 0x6e, (byte) 0xd0,
        (byte) 0x85, 0x63, 0x65, 0x55, 0x3d, (byte) 0xed, 0x1a, (byte) 0xf3,
        (byte) 0xb5, 0x57, 0x13, 0x5e, 0x7f, 0x57, (byte) 0xc9, 0x35,
        (byte) 0x98, 0x4f, 0x0c, 0x70, (byte) 0xe0, (byte) 0xe6, (byte) 0x8b, 0x77,
        (byte) 0xe2, (byte) 0xa6, (byte) 0x89, (byte) 0xda, (byte) 0xf3, (byte) 0xef, (byte) 0xe8, 0x72,
        0x1d, (byte) 0xf1, 0x58, (byte) 0xa1, 0x36, (byte) 0xad, (byte) 0xe7, 0x35,
        0x30, (byte) 0xac, (byte) 0xca, 0x4f, 0x48, 0x3a, 0x79, 0x7a,
        (byte) 0xbc, 0x0a, (byte) 0xb1, (byte) 0x82, (byte) 0xb3, 0x24, (byte) 0xfb, 0x61,
        (byte) 0xd1, 0x08, (byte) 0xa9, 0x4b, (byte) 0xb2, (byte) 0xc8, (byte) 0xe3, (byte) 0xfb,
        (byte) 0xb9, 0x6a, (byte) 0xda, (byte) 0xb7, 0x60, (byte) 0xd7, (byte) 0xf4, 0x68,
        0x1d, 0x4f, 0x42, (byte) 0xa3, (byte) 0xde, 0x39, 0x4d, (byte) 0xf4,
        (byte) 0xae, 0x56, (byte) 0xed, (byte) 0xe7, 0x63, 0x72, (byte) 0xbb, 0x19,
        0x0b, 0x07, (byte) 0xa7, (byte) 0xc8, (byte) 0xee, 0x0a, 0x6d, 0x70,
        (byte) 0x9e, 0x02, (byte) 0xfc, (byte) 0xe1, (byte) 0xcd, (byte) 0xf7, (byte) 0xe2, (byte) 0xec,
        (byte) 0xc0, 0x34, 0x04, (byte) 0xcd, 0x28, 0x34, 0x2f, 0x61,
        (byte) 0x91, 0x72, (byte) 0xfe, (byte) 0x9c, (byte) 0xe9, (byte) 0x85, (byte) 0x83, (byte) 0xff,
        (byte) 0x8e, 0x4f, 0x12, 0x32, (byte) 0xee, (byte) 0xf2, (byte) 0x81, (byte) 0x83,
        (byte) 0xc3, (byte) 0xfe, 0x3b, 0x1b, 0x4c, 0x6f, (byte) 0xad, 0x73,
        0x3b, (byte) 0xb5, (byte) 0xfc, (byte) 0xbc, 0x2e, (byte) 0xc2, 0x20, 0x05,
        (byte) 0xc5, (byte) 0x8e, (byte) 0xf1, (byte) 0x83, 0x7d, 0x16, (byte) 0x83, (byte) 0xb2,
        (byte) 0xc6, (byte) 0xf3, 0x4a, 0x26, (byte) 0xc1, (byte) 0xb2, (byte) 0xef, (byte) 0xfa,
        (byte) 0x88, 0x6b, 0x42, 0x38, 0x61, 0x28, 0x5c, (byte) 0x97,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff
    };
    static final short SECRET_BYTES = 32;

    private final RSAPrivateKey key;
    private final Cipher rsa;
    private final RandomData random;

    Ffdhe(RandomData random) {
        this.random = random;
        key = (RSAPrivateKey) KeyBuilder.buildKey(KeyBuilder.TYPE_RSA_PRIVATE, KeyBuilder.LENGTH_RSA_2048, false);
        rsa = Cipher.getInstance(Cipher.ALG_RSA_NOPAD, false);
    }

    /**
     * 1 &lt; y &lt; p-1 (RFC 7919 §5.1), for a 256-byte big-endian y.
     */
    static boolean validPeer(byte[] b, short off) {
        // y > 1: some byte before the last is non-zero, or the last is > 1
        boolean big = false;
        for (short i = 0; i < 255; i++) {
            if (b[(short) (off + i)] != 0) {
                big = true;
            }
        }
        if (!big && (b[(short) (off + 255)] & 0xFF) <= 1) {
            return false;
        }
        // y < p - 1: compare with p - 1 (p is odd, so p - 1 differs from p in the last byte only)
        for (short i = 0; i < 256; i++) {
            short x = (short) (b[(short) (off + i)] & 0xFF);
            short q = (short) (P[i] & 0xFF);
            if (i == 255) {
                q = (short) (q - 1);
            }
            if (x != q) {
                return x < q;
            }
        }
        return false;
    }

    /**
     * Draws x, writes the card's public value g^x mod p at out[yOff..+256) and the shared secret
     * peer^x mod p in place of the peer's value (left-padded to 256 bytes, RFC 8446 §7.4.1). x passes through
     * scratch[sOff..+32), which is zeroed. The peer value must have passed {@link #validPeer}.
     */
    void agree(byte[] peer, short peerOff, byte[] out, short yOff, byte[] scratch, short sOff) {
        short n = IoseConsts.DH_BYTES;
        random.generateData(scratch, sOff, SECRET_BYTES);
        key.setModulus(P, (short) 0, n);
        key.setExponent(scratch, sOff, SECRET_BYTES);
        Util.arrayFillNonAtomic(scratch, sOff, SECRET_BYTES, (byte) 0);
        Util.arrayFillNonAtomic(out, yOff, n, (byte) 0);
        out[(short) (yOff + n - 1)] = 2;
        power(out, yOff);
        power(peer, peerOff);
        key.clearKey();
    }

    /**
     * b[off..+256) := b[off..+256)^x mod p, left-padded. MODE_DECRYPT: the raw RSA private operation takes a full
     * 256-byte block (in MODE_ENCRYPT jcardsim takes 255 bytes at most) and may answer fewer bytes (leading zeros
     * dropped). The cipher is initialised each time: jcardsim 2.2.2 does not reset its input buffer after doFinal.
     */
    private void power(byte[] b, short off) {
        short n = IoseConsts.DH_BYTES;
        rsa.init(key, Cipher.MODE_DECRYPT);
        short len = rsa.doFinal(b, off, n, b, off);
        if (len < n) {
            Util.arrayCopyNonAtomic(b, off, b, (short) (off + n - len), len);
            Util.arrayFillNonAtomic(b, off, (short) (n - len), (byte) 0);
        }
    }
}
