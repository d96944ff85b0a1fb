package org.recsec.applet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Host-side reference crypto, independent of the applet: P_SHA256 on Bouncy Castle's HMac (RFC 5246 §5), the PSK
 * key schedule (RFC 4279 §2, RFC 5246 §6.3, §8.1), and DTLS 1.2 AES_128_CCM_8 records on BC's CCMBlockCipher.
 */
final class HostCrypto {

    private HostCrypto() {
    }

    static byte[] hmac(byte[] key, byte[]... parts) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        for (byte[] p : parts) {
            mac.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        mac.doFinal(out, 0);
        return out;
    }

    static byte[] prf(byte[] secret, String label, byte[] seed, int length) {
        byte[] labelSeed = concat(label.getBytes(StandardCharsets.US_ASCII), seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] a = labelSeed;
        while (out.size() < length) {
            a = hmac(secret, a);
            out.writeBytes(hmac(secret, a, labelSeed));
        }
        return java.util.Arrays.copyOf(out.toByteArray(), length);
    }

    static byte[] pskPremaster(byte[] psk) {
        int n = psk.length;
        byte[] pms = new byte[4 + 2 * n];
        pms[0] = (byte) (n >> 8);
        pms[1] = (byte) n;
        pms[2 + n] = (byte) (n >> 8);
        pms[3 + n] = (byte) n;
        System.arraycopy(psk, 0, pms, 4 + n, n);
        return pms;
    }

    /** client_write_key ‖ server_write_key ‖ client_write_IV ‖ server_write_IV (40 bytes). */
    static byte[] keyBlock(byte[] psk, byte[] clientRandom, byte[] serverRandom) {
        byte[] master = prf(pskPremaster(psk), "master secret", concat(clientRandom, serverRandom), 48);
        return prf(master, "key expansion", concat(serverRandom, clientRandom), 40);
    }

    /** Opens a whole DTLS 1.2 AES_128_CCM_8 record; throws on a wrong tag. */
    static byte[] openRecord(byte[] key, byte[] iv4, byte[] rec) throws InvalidCipherTextException {
        int textLen = rec.length - 13 - 8 - 8;
        byte[] nonce = concat(iv4, java.util.Arrays.copyOfRange(rec, 13, 21));
        byte[] aad = aad(rec, textLen);
        CCMBlockCipher ccm = new CCMBlockCipher(AESEngine.newInstance());
        ccm.init(false, new AEADParameters(new KeyParameter(key), 64, nonce, aad));
        byte[] out = new byte[textLen];
        int n = ccm.processBytes(rec, 21, textLen + 8, out, 0);
        ccm.doFinal(out, n);
        return out;
    }

    /** Seals a record of the given type, epoch and 48-bit sequence number, explicit nonce = epoch ‖ seq. */
    static byte[] sealRecord(byte[] key, byte[] iv4, int type, int epoch, long seq, byte[] plaintext)
            throws InvalidCipherTextException {
        byte[] rec = new byte[13 + 8 + plaintext.length + 8];
        rec[0] = (byte) type;
        rec[1] = (byte) 0xFE;
        rec[2] = (byte) 0xFD;
        rec[3] = (byte) (epoch >> 8);
        rec[4] = (byte) epoch;
        for (int i = 0; i < 6; i++) {
            rec[5 + i] = (byte) (seq >>> (8 * (5 - i)));
        }
        int len = 8 + plaintext.length + 8;
        rec[11] = (byte) (len >> 8);
        rec[12] = (byte) len;
        System.arraycopy(rec, 3, rec, 13, 8);
        byte[] nonce = concat(iv4, java.util.Arrays.copyOfRange(rec, 13, 21));
        CCMBlockCipher ccm = new CCMBlockCipher(AESEngine.newInstance());
        ccm.init(true, new AEADParameters(new KeyParameter(key), 64, nonce, aad(rec, plaintext.length)));
        int n = ccm.processBytes(plaintext, 0, plaintext.length, rec, 21);
        ccm.doFinal(rec, 21 + n);
        return rec;
    }

    private static byte[] aad(byte[] rec, int textLen) {
        byte[] aad = new byte[13];
        System.arraycopy(rec, 3, aad, 0, 8);
        aad[8] = rec[0];
        aad[9] = rec[1];
        aad[10] = rec[2];
        aad[11] = (byte) (textLen >> 8);
        aad[12] = (byte) textLen;
        return aad;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
