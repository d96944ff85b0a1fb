package org.recsec.kmp.eap.testutil;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A second implementation of the RFC 5295 §3.1.2 default KDF, written from the RFC text for the tests (Bouncy
 * Castle's lightweight HMac instead of the JCA one the production code uses, whole-string concatenation
 * instead of streaming):
 * "S = key label + "\0" + optional data + length", "PRF+(K, S) = T1 | T2 | ...",
 * "T1 = prf(K, S | 0x01)", "Tn = prf(K, Tn-1 | S | n)", prf = HMAC-SHA-256, length 2 octets, network order.
 */
public final class Rfc5295Reference {
    private Rfc5295Reference() {
    }

    public static byte[] kdf(byte[] k, String label, byte[] optionalData, int length) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        s.write(0);
        s.writeBytes(optionalData);
        s.write(length / 256);
        s.write(length % 256);
        byte[] sBytes = s.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] prev = new byte[0];
        for (int n = 1; out.size() < length; n++) {
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            in.writeBytes(prev);
            in.writeBytes(sBytes);
            in.write(n);
            prev = hmac(k, in.toByteArray());
            out.writeBytes(prev);
        }
        byte[] all = out.toByteArray();
        byte[] r = new byte[length];
        System.arraycopy(all, 0, r, 0, length);
        return r;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        mac.update(data, 0, data.length);
        byte[] out = new byte[32];
        mac.doFinal(out, 0);
        return out;
    }
}
