package org.recsec.applet;

import javacard.framework.Util;
import javacardx.crypto.Cipher;

/**
 * AES_128_CCM_8 for TLS 1.2 and DTLS 1.2 records (RFC 6655 §3, CCM per RFC 3610 / NIST SP 800-38C) built on the
 * card's AES block cipher in ECB mode. Nonce = fixed IV(4) ‖ explicit nonce(8); AAD = seq_num(8) ‖ type ‖ version ‖
 * plaintext length (RFC 5246 §6.2.3.3; in DTLS seq_num is epoch ‖ sequence_number, RFC 6347 §4.1.2.1). Records are
 * processed in place: header (5 for TLS, 13 for DTLS) ‖ explicit nonce(8) ‖ text ‖ tag(8); type and version are
 * the header's first three bytes in both.
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
     * Seals the record at rec[off] with a header of hdr bytes: the header and explicit nonce are written by the
     * caller, the plaintext of length len sits at off+hdr+8; seq[seqOff..+8) is the record's 64-bit sequence number
     * for the AAD. Encrypts in place and appends the tag.
     */
    void seal(Cipher aes, byte[] iv, short ivOff, byte[] rec, short off, short hdr, byte[] seq, short seqOff,
            short len) {
        short p = (short) (off + hdr + Consts.EXPLICIT_NONCE);
        mac(aes, iv, ivOff, rec, off, hdr, seq, seqOff, len);
        // tag = T XOR S0, written after the plaintext before the text is overwritten by ciphertext
        counter(iv, ivOff, rec, (short) (off + hdr), (short) 0);
        aes.doFinal(c, Consts.C_CTR, (short) 16, c, Consts.C_KS);
        for (short i = 0; i < Consts.TAG; i++) {
            rec[(short) (p + len + i)] = (byte) (c[(short) (Consts.C_MAC + i)] ^ c[(short) (Consts.C_KS + i)]);
        }
        ctr(aes, iv, ivOff, rec, (short) (off + hdr), len);
        Util.arrayFillNonAtomic(c, (short) 0, Consts.CCM_SIZE, (byte) 0);
    }

    /**
     * Opens the record at rec[off] whose text (without tag) has length len: decrypts in place and checks the tag.
     * On a wrong tag the decrypted bytes are zeroed and false returned.
     */
    boolean open(Cipher aes, byte[] iv, short ivOff, byte[] rec, short off, short hdr, byte[] seq, short seqOff,
            short len) {
        short p = (short) (off + hdr + Consts.EXPLICIT_NONCE);
        ctr(aes, iv, ivOff, rec, (short) (off + hdr), len);
        mac(aes, iv, ivOff, rec, off, hdr, seq, seqOff, len);
        counter(iv, ivOff, rec, (short) (off + hdr), (short) 0);
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
    private void mac(Cipher aes, byte[] iv, short ivOff, byte[] rec, short off, short hdr, byte[] seq, short seqOff,
            short len) {
        // B0 = flags ‖ nonce ‖ len(3)
        c[Consts.C_BLOCK] = B0_FLAGS;
        nonce(iv, ivOff, rec, (short) (off + hdr), (short) (Consts.C_BLOCK + 1));
        c[(short) (Consts.C_BLOCK + 13)] = 0;
        Util.setShort(c, (short) (Consts.C_BLOCK + 14), len);
        aes.doFinal(c, Consts.C_BLOCK, (short) 16, c, Consts.C_MAC);
        // AAD block: len(2) = 13 ‖ seq_num(8) ‖ type(1) ‖ version(2) ‖ length(2) ‖ zero pad(1)
        Util.setShort(c, Consts.C_BLOCK, (short) 13);
        Util.arrayCopyNonAtomic(seq, seqOff, c, (short) (Consts.C_BLOCK + 2), (short) 8);
        c[(short) (Consts.C_BLOCK + 10)] = rec[off];
        c[(short) (Consts.C_BLOCK + 11)] = rec[(short) (off + 1)];
        c[(short) (Consts.C_BLOCK + 12)] = rec[(short) (off + 2)];
        Util.setShort(c, (short) (Consts.C_BLOCK + 13), len);
        c[(short) (Consts.C_BLOCK + 15)] = 0;
        chain(aes);
        short p = (short) (off + hdr + Consts.EXPLICIT_NONCE);
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

    /** CTR mode with counters 1, 2, ... over the text after the explicit nonce at rec[at], in place. */
    private void ctr(Cipher aes, byte[] iv, short ivOff, byte[] rec, short at, short len) {
        short p = (short) (at + Consts.EXPLICIT_NONCE);
        short end = (short) (p + len);
        short i = 1;
        while (p < end) {
            counter(iv, ivOff, rec, at, i);
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

    /** A_i = flags ‖ nonce ‖ i(3); the explicit nonce is at rec[at]. */
    private void counter(byte[] iv, short ivOff, byte[] rec, short at, short i) {
        c[Consts.C_CTR] = CTR_FLAGS;
        nonce(iv, ivOff, rec, at, (short) (Consts.C_CTR + 1));
        c[(short) (Consts.C_CTR + 13)] = 0;
        Util.setShort(c, (short) (Consts.C_CTR + 14), i);
    }

    /** nonce = fixed IV(4) ‖ explicit nonce(8) from rec[explicitAt]; written at c[at]. */
    private void nonce(byte[] iv, short ivOff, byte[] rec, short explicitAt, short at) {
        Util.arrayCopyNonAtomic(iv, ivOff, c, at, Consts.FIXED_IV);
        Util.arrayCopyNonAtomic(rec, explicitAt, c, (short) (at + Consts.FIXED_IV), Consts.EXPLICIT_NONCE);
    }
}
