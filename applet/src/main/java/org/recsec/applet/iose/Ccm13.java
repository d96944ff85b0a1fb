package org.recsec.applet.iose;

import javacard.framework.Util;
import javacardx.crypto.Cipher;

/**
 * AES-128-CCM with a 16-byte tag (RFC 5116 AEAD_AES_128_CCM, suite 0x1304) or an 8-byte tag (RFC 6655
 * AEAD_AES_128_CCM_8, suite 0x1305) and a 12-byte nonce (NIST SP 800-38C) for the TLS 1.3 record layer
 * (RFC 8446 §5.2–5.3, RFC 8446 §B.4) and for the record SA of {@link RecordSa} (DTLS 1.2, RFC 6655 §3), built on
 * the card's AES-ECB. The nonce is the IV XOR the 64-bit sequence number (TLS 1.3: write IV and record number; DTLS
 * 1.2: salt ‖ 0^8 and the explicit nonce epoch ‖ seq); the additional data (at most 14 bytes: one CCM block) is
 * given by the caller (TLS 1.3: the 5-byte record header; DTLS 1.2: the 13 bytes of RFC 5246 §6.2.3.3). Text is
 * processed in place and the tag follows it.
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

    /** Encrypts rec[p .. +len) in place and writes the tag (tag bytes) after it; aad: aadLen ≤ 14 bytes. */
    void seal(javacard.security.AESKey key, byte[] iv, short ivOff, byte[] seq, short seqOff, byte[] aad, short aadOff,
            short aadLen, byte[] rec, short p, short len, short tag) {
        aes.init(key, Cipher.MODE_ENCRYPT);
        mac(iv, ivOff, seq, seqOff, aad, aadOff, aadLen, rec, p, len, tag);
        counter(iv, ivOff, seq, seqOff, (short) 0);
        aes.doFinal(c, IoseConsts.C_CTR, (short) 16, c, IoseConsts.C_KS);
        for (short i = 0; i < tag; i++) {
            rec[(short) (p + len + i)] = (byte) (c[(short) (IoseConsts.C_MAC + i)] ^ c[(short) (IoseConsts.C_KS + i)]);
        }
        ctr(iv, ivOff, seq, seqOff, rec, p, len);
        Util.arrayFillNonAtomic(c, (short) 0, IoseConsts.CCM_SIZE, (byte) 0);
    }

    /** Decrypts rec[p .. +len) in place and checks the tag that follows; false (and text wiped) if wrong. */
    boolean open(javacard.security.AESKey key, byte[] iv, short ivOff, byte[] seq, short seqOff, byte[] aad,
            short aadOff, short aadLen, byte[] rec, short p, short len, short tag) {
        aes.init(key, Cipher.MODE_ENCRYPT);
        ctr(iv, ivOff, seq, seqOff, rec, p, len);
        mac(iv, ivOff, seq, seqOff, aad, aadOff, aadLen, rec, p, len, tag);
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

    private void mac(byte[] iv, short ivOff, byte[] seq, short seqOff, byte[] aad, short aadOff, short aadLen,
            byte[] rec, short p, short len, short tag) {
        c[IoseConsts.C_BLOCK] = b0Flags(tag);
        nonce(iv, ivOff, seq, seqOff, (short) (IoseConsts.C_BLOCK + 1));
        c[(short) (IoseConsts.C_BLOCK + 13)] = 0;
        Util.setShort(c, (short) (IoseConsts.C_BLOCK + 14), len);
        aes.doFinal(c, IoseConsts.C_BLOCK, (short) 16, c, IoseConsts.C_MAC);
        // AAD block: its length (2) ‖ the additional data ‖ zero padding
        Util.arrayFillNonAtomic(c, IoseConsts.C_BLOCK, (short) 16, (byte) 0);
        Util.setShort(c, IoseConsts.C_BLOCK, aadLen);
        Util.arrayCopyNonAtomic(aad, aadOff, c, (short) (IoseConsts.C_BLOCK + 2), aadLen);
        chain();
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
