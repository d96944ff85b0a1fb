package org.recsec.applet.iose;

import javacard.framework.Util;
import javacardx.crypto.Cipher;

/**
 * AES-128-CCM with a 16-byte tag (RFC 5116 AEAD_AES_128_CCM, suite 0x1304) or an 8-byte tag (RFC 6655
 * AEAD_AES_128_CCM_8, suite 0x1305) and a 12-byte nonce (NIST SP 800-38C) for the TLS 1.3 record layer
 * (RFC 8446 §5.2–5.3, RFC 8446 §B.4), built on the card's AES-ECB. The nonce is the write IV XOR the 64-bit record
 * sequence number; the additional data is the 5-byte record header. Records are processed in place:
 * header(5) ‖ text ‖ tag(16).
 */
final class Ccm13 {

    /** B0 flags: Adata 0x40, (M-2)/2 << 3, L-1 = 2 (L = 3). */
    private static byte b0Flags(short tag) {
        return (byte) (0x40 | (((tag - 2) / 2) << 3) | 2);
    }

    private static final byte CTR_FLAGS = 0x02;

    private final byte[] c;
    private final Cipher aes;

    Ccm13(IoseRam ram) {
        c = ram.ccm;
        aes = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_ECB_NOPAD, false);
    }

    /** Encrypts rec[off+5 .. +len) in place and writes the tag (tag bytes) after it. */
    void seal(javacard.security.AESKey key, byte[] iv, short ivOff, byte[] seq, short seqOff, byte[] rec, short off,
            short len, short tag) {
        aes.init(key, Cipher.MODE_ENCRYPT);
        short p = (short) (off + IoseConsts.RECORD_HEADER);
        mac(iv, ivOff, seq, seqOff, rec, off, len, tag);
        counter(iv, ivOff, seq, seqOff, (short) 0);
        aes.doFinal(c, IoseConsts.C_CTR, (short) 16, c, IoseConsts.C_KS);
        for (short i = 0; i < tag; i++) {
            rec[(short) (p + len + i)] = (byte) (c[(short) (IoseConsts.C_MAC + i)] ^ c[(short) (IoseConsts.C_KS + i)]);
        }
        ctr(iv, ivOff, seq, seqOff, rec, p, len);
        Util.arrayFillNonAtomic(c, (short) 0, IoseConsts.CCM_SIZE, (byte) 0);
    }

    /** Decrypts rec[off+5 .. +len) in place and checks the tag that follows; false (and text wiped) if wrong. */
    boolean open(javacard.security.AESKey key, byte[] iv, short ivOff, byte[] seq, short seqOff, byte[] rec, short off,
            short len, short tag) {
        aes.init(key, Cipher.MODE_ENCRYPT);
        short p = (short) (off + IoseConsts.RECORD_HEADER);
        ctr(iv, ivOff, seq, seqOff, rec, p, len);
        mac(iv, ivOff, seq, seqOff, rec, off, len, tag);
        counter(iv, ivOff, seq, seqOff, (short) 0);
        aes.doFinal(c, IoseConsts.C_CTR, (short) 16, c, IoseConsts.C_KS);
        byte diff = 0;
        for (short i = 0; i < tag; i++) {
            diff |= (byte) (rec[(short) (p + len + i)] ^ c[(short) (IoseConsts.C_MAC + i)]
                    ^ c[(short) (IoseConsts.C_KS + i)]);
        }
        Util.arrayFillNonAtomic(c, (short) 0, IoseConsts.CCM_SIZE, (byte) 0);
        if (diff != 0) {
            Util.arrayFillNonAtomic(rec, p, len, (byte) 0);
            return false;
        }
        return true;
    }

    private void mac(byte[] iv, short ivOff, byte[] seq, short seqOff, byte[] rec, short off, short len, short tag) {
        c[IoseConsts.C_BLOCK] = b0Flags(tag);
        nonce(iv, ivOff, seq, seqOff, (short) (IoseConsts.C_BLOCK + 1));
        c[(short) (IoseConsts.C_BLOCK + 13)] = 0;
        Util.setShort(c, (short) (IoseConsts.C_BLOCK + 14), len);
        aes.doFinal(c, IoseConsts.C_BLOCK, (short) 16, c, IoseConsts.C_MAC);
        // AAD block: length 5 ‖ the record header ‖ zero padding
        Util.arrayFillNonAtomic(c, IoseConsts.C_BLOCK, (short) 16, (byte) 0);
        Util.setShort(c, IoseConsts.C_BLOCK, IoseConsts.RECORD_HEADER);
        Util.arrayCopyNonAtomic(rec, off, c, (short) (IoseConsts.C_BLOCK + 2), IoseConsts.RECORD_HEADER);
        chain();
        short p = (short) (off + IoseConsts.RECORD_HEADER);
        short end = (short) (p + len);
        while (p < end) {
            short n = (short) (end - p);
            if (n > 16) {
                n = 16;
            }
            Util.arrayFillNonAtomic(c, IoseConsts.C_BLOCK, (short) 16, (byte) 0);
            Util.arrayCopyNonAtomic(rec, p, c, IoseConsts.C_BLOCK, n);
            chain();
            p = (short) (p + n);
        }
    }

    private void chain() {
        for (short i = 0; i < 16; i++) {
            c[(short) (IoseConsts.C_BLOCK + i)] ^= c[(short) (IoseConsts.C_MAC + i)];
        }
        aes.doFinal(c, IoseConsts.C_BLOCK, (short) 16, c, IoseConsts.C_MAC);
    }

    private void ctr(byte[] iv, short ivOff, byte[] seq, short seqOff, byte[] rec, short p, short len) {
        short end = (short) (p + len);
        short i = 1;
        while (p < end) {
            counter(iv, ivOff, seq, seqOff, i);
            aes.doFinal(c, IoseConsts.C_CTR, (short) 16, c, IoseConsts.C_KS);
            short n = (short) (end - p);
            if (n > 16) {
                n = 16;
            }
            for (short k = 0; k < n; k++) {
                rec[(short) (p + k)] ^= c[(short) (IoseConsts.C_KS + k)];
            }
            p = (short) (p + n);
            i++;
        }
    }

    private void counter(byte[] iv, short ivOff, byte[] seq, short seqOff, short i) {
        c[IoseConsts.C_CTR] = CTR_FLAGS;
        nonce(iv, ivOff, seq, seqOff, (short) (IoseConsts.C_CTR + 1));
        c[(short) (IoseConsts.C_CTR + 13)] = 0;
        Util.setShort(c, (short) (IoseConsts.C_CTR + 14), i);
    }

    /** nonce = iv XOR (0000 ‖ seq64) (RFC 8446 §5.3). */
    private void nonce(byte[] iv, short ivOff, byte[] seq, short seqOff, short at) {
        Util.arrayCopyNonAtomic(iv, ivOff, c, at, IoseConsts.NONCE);
        for (short k = 0; k < 8; k++) {
            c[(short) (at + 4 + k)] ^= seq[(short) (seqOff + k)];
        }
    }
}
