package org.recsec.applet;

import javacard.framework.Util;
import javacard.security.MessageDigest;

/**
 * HMAC-SHA256 (RFC 2104) on the card's SHA-256 and the TLS 1.2 PRF P_SHA256 (RFC 5246 §5) on top of it. Built on
 * MessageDigest rather than Signature.ALG_HMAC_SHA_256 because the PRF's secrets (a PSK premaster secret may exceed
 * 64 bytes) and its many-part inputs (A(i) ‖ label ‖ seed) fit a digest's update() without concatenation buffers.
 */
final class Prf {

    private final MessageDigest md;
    private final byte[] w;

    Prf(MessageDigest md, byte[] hmacBuffer) {
        this.md = md;
        this.w = hmacBuffer;
    }

    /** The SHA-256 engine under the HMAC, lent for plain hashes (certificate and ServerKeyExchange signatures). */
    MessageDigest digest() {
        return md;
    }

    /** Sets the HMAC key; a key longer than the 64-byte block is replaced by its hash (RFC 2104 §2). */
    void setKey(byte[] key, short off, short len) {
        Util.arrayFillNonAtomic(w, Consts.M_KEY, Consts.HMAC_BLOCK, (byte) 0);
        md.reset();
        if (len > Consts.HMAC_BLOCK) {
            md.doFinal(key, off, len, w, Consts.M_KEY);
        } else {
            Util.arrayCopyNonAtomic(key, off, w, Consts.M_KEY, len);
        }
    }

    /** Starts one HMAC: feeds key XOR ipad. */
    void start() {
        pad((byte) 0x36);
        md.reset();
        md.update(w, Consts.M_PAD, Consts.HMAC_BLOCK);
    }

    void update(byte[] b, short off, short len) {
        if (len > 0) {
            md.update(b, off, len);
        }
    }

    /** Finishes the HMAC started by {@link #start()}; writes 32 bytes at out[outOff]. */
    void finish(byte[] out, short outOff) {
        md.doFinal(w, (short) 0, (short) 0, w, Consts.M_INNER);
        pad((byte) 0x5C);
        md.reset();
        md.update(w, Consts.M_PAD, Consts.HMAC_BLOCK);
        md.doFinal(w, Consts.M_INNER, Consts.SHA256, out, outOff);
    }

    private void pad(byte p) {
        for (short i = 0; i < Consts.HMAC_BLOCK; i++) {
            w[(short) (Consts.M_PAD + i)] = (byte) (w[(short) (Consts.M_KEY + i)] ^ p);
        }
    }

    /**
     * PRF(secret, label, seed1 ‖ seed2) truncated to outLen bytes (RFC 5246 §5: P_SHA256). The output may not overlap
     * the secret's HMAC buffer; it may overlap the secret itself, which has been copied into the HMAC key by then.
     */
    void prf(byte[] secret, short sOff, short sLen, byte[] label, byte[] seed1, short s1Off, short s1Len,
            byte[] seed2, short s2Off, short s2Len, byte[] out, short outOff, short outLen) {
        setKey(secret, sOff, sLen);
        // A(1) = HMAC(secret, label ‖ seed)
        start();
        update(label, (short) 0, (short) label.length);
        update(seed1, s1Off, s1Len);
        update(seed2, s2Off, s2Len);
        finish(w, Consts.M_A);
        short done = 0;
        while (done < outLen) {
            start();
            update(w, Consts.M_A, Consts.SHA256);
            update(label, (short) 0, (short) label.length);
            update(seed1, s1Off, s1Len);
            update(seed2, s2Off, s2Len);
            finish(w, Consts.M_OUT);
            short n = (short) (outLen - done);
            if (n > Consts.SHA256) {
                n = Consts.SHA256;
            }
            Util.arrayCopyNonAtomic(w, Consts.M_OUT, out, (short) (outOff + done), n);
            done = (short) (done + n);
            if (done < outLen) {
                // A(i+1) = HMAC(secret, A(i))
                start();
                update(w, Consts.M_A, Consts.SHA256);
                finish(w, Consts.M_A);
            }
        }
        Util.arrayFillNonAtomic(w, (short) 0, Consts.HMAC_SIZE, (byte) 0);
    }

    /**
     * The default KDF of RFC 5295 §3.1.2, PRF+ on HMAC-SHA-256: writes the first outLen bytes of
     * T1 ‖ T2 ‖ ... to out[outOff], where S = label ‖ 0x00 ‖ data ‖ uint16(outLen), T1 = HMAC(key, S ‖ 0x01) and
     * Ti = HMAC(key, T(i-1) ‖ S ‖ i). The output may not overlap the data; outLen is at most 255 × 32.
     */
    void prfPlus(byte[] key, short kOff, short kLen, byte[] label, byte[] data, short dOff, short dLen,
            byte[] out, short outOff, short outLen) {
        setKey(key, kOff, kLen);
        short done = 0;
        byte i = 1;
        while (done < outLen) {
            start();
            if (i != 1) {
                update(w, Consts.M_A, Consts.SHA256);
            }
            update(label, (short) 0, (short) label.length);
            w[Consts.M_OUT] = 0;
            update(w, Consts.M_OUT, (short) 1);
            update(data, dOff, dLen);
            Util.setShort(w, Consts.M_OUT, outLen);
            w[(short) (Consts.M_OUT + 2)] = i;
            update(w, Consts.M_OUT, (short) 3);
            finish(w, Consts.M_A);
            short n = (short) (outLen - done);
            if (n > Consts.SHA256) {
                n = Consts.SHA256;
            }
            Util.arrayCopyNonAtomic(w, Consts.M_A, out, (short) (outOff + done), n);
            done = (short) (done + n);
            i++;
        }
        Util.arrayFillNonAtomic(w, (short) 0, Consts.HMAC_SIZE, (byte) 0);
    }
}
