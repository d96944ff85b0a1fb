package org.recsec.applet;

import javacard.framework.Util;
import javacardx.crypto.Cipher;

/**
 * AES_128_CCM_8 for DTLS 1.2 records (RFC 6655 §3, CCM per RFC 3610 / NIST SP 800-38C) built on the card's AES
 * block cipher in ECB mode. Nonce = fixed IV(4) ‖ explicit nonce(8); AAD = epoch ‖ seq ‖ type ‖ version ‖
 * plaintext length (RFC 5246 §6.2.3.3 with the DTLS 64-bit sequence, RFC 6347 §4.1.2.1). Records are processed
 * in place: header(13) ‖ explicit nonce(8) ‖ text ‖ tag(8).
 */
final class RecordAead {

    /** CCM flags of B0: Adata, M = 8 ((8-2)/2 << 3), L = 3 (L-1 = 2). */
    private static final byte B0_FLAGS = (byte) 0x5A;
    /** CCM flags of the counter blocks: L-1 = 2. */
    private static final byte CTR_FLAGS = 0x02;

    private final byte[] c;

    RecordAead(byte[] ccmBuffer) {
        this.c = ccmBuffer;
    }

    /**
     * Seals the record at rec[off]: the header and explicit nonce are written by the caller, the plaintext of
     * length len sits at off+21; encrypts it in place and appends the tag.
     */
    void seal(Cipher aes, byte[] iv, short ivOff, byte[] rec, short off, short len) {
        short p = (short) (off + Consts.RECORD_PLAINTEXT);
        mac(aes, iv, ivOff, rec, off, len);
        // tag = T XOR S0, written after the plaintext before the text is overwritten by ciphertext
        counter(iv, ivOff, rec, off, (short) 0);
        aes.doFinal(c, Consts.C_CTR, (short) 16, c, Consts.C_KS);
        for (short i = 0; i < Consts.TAG; i++) {
            rec[(short) (p + len + i)] = (byte) (c[(short) (Consts.C_MAC + i)] ^ c[(short) (Consts.C_KS + i)]);
        }
        ctr(aes, iv, ivOff, rec, off, len);
        Util.arrayFillNonAtomic(c, (short) 0, Consts.CCM_SIZE, (byte) 0);
    }

    /**
     * Opens the record at rec[off] whose text (without tag) has length len: decrypts in place and checks the tag.
     * On a wrong tag the decrypted bytes are zeroed and false returned.
     */
    boolean open(Cipher aes, byte[] iv, short ivOff, byte[] rec, short off, short len) {
        short p = (short) (off + Consts.RECORD_PLAINTEXT);
        ctr(aes, iv, ivOff, rec, off, len);
        mac(aes, iv, ivOff, rec, off, len);
        counter(iv, ivOff, rec, off, (short) 0);
        aes.doFinal(c, Consts.C_CTR, (short) 16, c, Consts.C_KS);
        byte diff = 0;
        for (short i = 0; i < Consts.TAG; i++) {
            diff |= (byte) (rec[(short) (p + len + i)] ^ c[(short) (Consts.C_MAC + i)] ^ c[(short) (Consts.C_KS + i)]);
        }
        Util.arrayFillNonAtomic(c, (short) 0, Consts.CCM_SIZE, (byte) 0);
        if (diff != 0) {
            Util.arrayFillNonAtomic(rec, p, len, (byte) 0);
            return false;
        }
        return true;
    }

    /** CBC-MAC over B0, the AAD block and the zero-padded plaintext; T is left in c[C_MAC..+16). */
    private void mac(Cipher aes, byte[] iv, short ivOff, byte[] rec, short off, short len) {
        // B0 = flags ‖ nonce ‖ len(3)
        c[Consts.C_BLOCK] = B0_FLAGS;
        nonce(iv, ivOff, rec, off, (short) (Consts.C_BLOCK + 1));
        c[(short) (Consts.C_BLOCK + 13)] = 0;
        Util.setShort(c, (short) (Consts.C_BLOCK + 14), len);
        aes.doFinal(c, Consts.C_BLOCK, (short) 16, c, Consts.C_MAC);
        // AAD block: len(2) = 13 ‖ epoch+seq(8) ‖ type(1) ‖ version(2) ‖ length(2) ‖ zero pad(1)
        Util.setShort(c, Consts.C_BLOCK, (short) 13);
        Util.arrayCopyNonAtomic(rec, (short) (off + 3), c, (short) (Consts.C_BLOCK + 2), (short) 8);
        c[(short) (Consts.C_BLOCK + 10)] = rec[off];
        c[(short) (Consts.C_BLOCK + 11)] = rec[(short) (off + 1)];
        c[(short) (Consts.C_BLOCK + 12)] = rec[(short) (off + 2)];
        Util.setShort(c, (short) (Consts.C_BLOCK + 13), len);
        c[(short) (Consts.C_BLOCK + 15)] = 0;
        chain(aes);
        short p = (short) (off + Consts.RECORD_PLAINTEXT);
        short end = (short) (p + len);
        while (p < end) {
            short n = (short) (end - p);
            if (n > 16) {
                n = 16;
            }
            Util.arrayFillNonAtomic(c, Consts.C_BLOCK, (short) 16, (byte) 0);
            Util.arrayCopyNonAtomic(rec, p, c, Consts.C_BLOCK, n);
            chain(aes);
            p = (short) (p + n);
        }
    }

    /** X = E(X XOR block). */
    private void chain(Cipher aes) {
        for (short i = 0; i < 16; i++) {
            c[(short) (Consts.C_BLOCK + i)] ^= c[(short) (Consts.C_MAC + i)];
        }
        aes.doFinal(c, Consts.C_BLOCK, (short) 16, c, Consts.C_MAC);
    }

    /** CTR mode with counters 1, 2, ... over the text, in place. */
    private void ctr(Cipher aes, byte[] iv, short ivOff, byte[] rec, short off, short len) {
        short p = (short) (off + Consts.RECORD_PLAINTEXT);
        short end = (short) (p + len);
        short i = 1;
        while (p < end) {
            counter(iv, ivOff, rec, off, i);
            aes.doFinal(c, Consts.C_CTR, (short) 16, c, Consts.C_KS);
            short n = (short) (end - p);
            if (n > 16) {
                n = 16;
            }
            for (short k = 0; k < n; k++) {
                rec[(short) (p + k)] ^= c[(short) (Consts.C_KS + k)];
            }
            p = (short) (p + n);
            i++;
        }
    }

    /** A_i = flags ‖ nonce ‖ i(3). */
    private void counter(byte[] iv, short ivOff, byte[] rec, short off, short i) {
        c[Consts.C_CTR] = CTR_FLAGS;
        nonce(iv, ivOff, rec, off, (short) (Consts.C_CTR + 1));
        c[(short) (Consts.C_CTR + 13)] = 0;
        Util.setShort(c, (short) (Consts.C_CTR + 14), i);
    }

    /** nonce = fixed IV(4) ‖ explicit nonce(8) from the record. */
    private void nonce(byte[] iv, short ivOff, byte[] rec, short off, short at) {
        Util.arrayCopyNonAtomic(iv, ivOff, c, at, Consts.FIXED_IV);
        Util.arrayCopyNonAtomic(rec, (short) (off + Consts.RECORD_HEADER), c, (short) (at + Consts.FIXED_IV),
                Consts.EXPLICIT_NONCE);
    }
}
