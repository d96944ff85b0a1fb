package org.recsec.record.internal.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.recsec.record.base.CipherSuite;

/**
 * The dtls12 record rules written out a second time, straight from the RFCs and independent of the main code, on
 * Bouncy Castle's AEAD engines:
 * <ul>
 *   <li>RFC 6347 §4.1: header = type(1) ‖ FE FD ‖ epoch(2) ‖ sequence_number(6) ‖ length(2);</li>
 *   <li>RFC 6347 §4.1.2.1 + RFC 5246 §6.2.3.3: additional_data = seq_num(8) ‖ type ‖ version ‖ length, with
 *   seq_num = epoch ‖ sequence_number and length = plaintext length;</li>
 *   <li>RFC 6655 §3 / RFC 5288 §3: nonce = client_write_IV(4) ‖ nonce_explicit(8), the explicit part sent first in
 *   the fragment (we choose it to be seq_num);</li>
 *   <li>RFC 7905 §2: nonce = IV(12) xor (0x00000000 ‖ seq_num), nothing explicit.</li>
 * </ul>
 */
final class RfcRecordReference {
    private RfcRecordReference() {
    }

    static AEADCipher engine(CipherSuite suite) {
        return switch (suite.aead()) {
            case AES_CCM -> CCMBlockCipher.newInstance(AESEngine.newInstance());
            case AES_GCM -> GCMBlockCipher.newInstance(AESEngine.newInstance());
            case CHACHA20_POLY1305 -> new ChaCha20Poly1305();
        };
    }

    static int tagBytes(CipherSuite suite) {
        return suite == CipherSuite.AES_128_CCM_8 ? 8 : 16;
    }

    static boolean explicit(CipherSuite suite) {
        return suite != CipherSuite.CHACHA20_POLY1305;
    }

    static byte[] seqNum(int epoch, long seq) {
        long v = ((long) epoch << 48) | seq;
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (56 - 8 * i));
        }
        return b;
    }

    static byte[] nonce(CipherSuite suite, byte[] iv, byte[] explicitOrSeqNum) {
        byte[] n = new byte[12];
        if (explicit(suite)) {
            System.arraycopy(iv, 0, n, 0, 4);
            System.arraycopy(explicitOrSeqNum, 0, n, 4, 8);
        } else {
            for (int i = 0; i < 12; i++) {
                n[i] = (byte) (iv[i] ^ (i < 4 ? 0 : explicitOrSeqNum[i - 4]));
            }
        }
        return n;
    }

    static byte[] aad(byte[] seqNum, int type, int plaintextLength) {
        byte[] a = Arrays.copyOf(seqNum, 13);
        a[8] = (byte) type;
        a[9] = (byte) 0xfe;
        a[10] = (byte) 0xfd;
        a[11] = (byte) (plaintextLength >>> 8);
        a[12] = (byte) plaintextLength;
        return a;
    }

    static byte[] seal(CipherSuite suite, byte[] key, byte[] iv, int type, int epoch, long seq, byte[] plaintext)
            throws InvalidCipherTextException {
        byte[] sn = seqNum(epoch, seq);
        AEADCipher c = engine(suite);
        c.init(true, new AEADParameters(new KeyParameter(key), tagBytes(suite) * 8, nonce(suite, iv, sn),
                aad(sn, type, plaintext.length)));
        byte[] ct = new byte[c.getOutputSize(plaintext.length)];
        int n = c.processBytes(plaintext, 0, plaintext.length, ct, 0);
        c.doFinal(ct, n);
        int explicitLen = explicit(suite) ? 8 : 0;
        int fragment = explicitLen + ct.length;
        byte[] rec = new byte[13 + fragment];
        rec[0] = (byte) type;
        rec[1] = (byte) 0xfe;
        rec[2] = (byte) 0xfd;
        System.arraycopy(sn, 0, rec, 3, 8);
        rec[11] = (byte) (fragment >>> 8);
        rec[12] = (byte) fragment;
        System.arraycopy(sn, 0, rec, 13, explicitLen);
        System.arraycopy(ct, 0, rec, 13 + explicitLen, ct.length);
        return rec;
    }

    static byte[] open(CipherSuite suite, byte[] key, byte[] iv, byte[] rec) throws InvalidCipherTextException {
        byte[] sn = Arrays.copyOfRange(rec, 3, 11);
        int explicitLen = explicit(suite) ? 8 : 0;
        byte[] nonceSource = explicit(suite) ? Arrays.copyOfRange(rec, 13, 21) : sn;
        int ctLen = rec.length - 13 - explicitLen;
        AEADCipher c = engine(suite);
        c.init(false, new AEADParameters(new KeyParameter(key), tagBytes(suite) * 8, nonce(suite, iv, nonceSource),
                aad(sn, rec[0] & 0xff, ctLen - tagBytes(suite))));
        byte[] pt = new byte[c.getOutputSize(ctLen)];
        int n = c.processBytes(rec, 13 + explicitLen, ctLen, pt, 0);
        n += c.doFinal(pt, n);
        return Arrays.copyOf(pt, n);
    }
}
