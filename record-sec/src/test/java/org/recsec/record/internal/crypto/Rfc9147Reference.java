package org.recsec.record.internal.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * A second implementation of the RFC 9147 record rules the compact profile uses, written from the RFCs on Bouncy
 * Castle's raw engines (HKDF, AES, ChaCha20, CCM/GCM/ChaCha20-Poly1305) and sharing no code with
 * {@link CompactRecordCipher}. Test code only; slow and simple on purpose.
 */
public final class Rfc9147Reference {
    private Rfc9147Reference() {
    }

    /** TLS 1.3 suite code point → key length, tag length, AEAD family. */
    record Suite(int code, int keyLen, int tagLen, String aead) {
        static Suite of(int code) {
            return switch (code) {
                case 0x1301 -> new Suite(code, 16, 16, "gcm");
                case 0x1303 -> new Suite(code, 32, 16, "chacha");
                case 0x1304 -> new Suite(code, 16, 16, "ccm");
                case 0x1305 -> new Suite(code, 16, 8, "ccm");
                default -> throw new IllegalArgumentException("suite " + Integer.toHexString(code));
            };
        }
    }

    /** RFC 8446 §7.1 HkdfLabel with RFC 9147's "dtls13" prefix, expanded by BC's HKDF with extraction skipped. */
    static byte[] expandLabel(byte[] secret, String label, int length) {
        byte[] full = ("dtls13" + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + full.length + 1];
        info[0] = (byte) (length >> 8);
        info[1] = (byte) length;
        info[2] = (byte) full.length;
        System.arraycopy(full, 0, info, 3, full.length);
        info[info.length - 1] = 0; // empty context
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(HKDFParameters.skipExtractParameters(secret, info));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }

    private static AEADCipher aead(Suite s) {
        return switch (s.aead()) {
            case "gcm" -> GCMBlockCipher.newInstance(AESEngine.newInstance());
            case "ccm" -> CCMBlockCipher.newInstance(AESEngine.newInstance());
            default -> new ChaCha20Poly1305();
        };
    }

    private static byte[] nonce(byte[] iv, long seq) {
        byte[] n = iv.clone();
        for (int i = 0; i < 8; i++) {
            n[11 - i] ^= (byte) (seq >>> (8 * i));
        }
        return n;
    }

    /** RFC 9147 §4.2.3 mask from the first 16 bytes of ciphertext. */
    static byte[] mask(Suite s, byte[] snKey, byte[] sample) {
        byte[] out = new byte[16];
        if (s.aead().equals("chacha")) {
            ChaCha7539Engine e = new ChaCha7539Engine();
            e.init(true, new ParametersWithIV(new KeyParameter(snKey), Arrays.copyOfRange(sample, 4, 16)));
            long counter = (sample[0] & 0xffL) | (sample[1] & 0xffL) << 8 | (sample[2] & 0xffL) << 16
                    | (sample[3] & 0xffL) << 24;
            e.seekTo(counter * 64);
            e.processBytes(new byte[16], 0, 16, out, 0);
        } else {
            org.bouncycastle.crypto.BlockCipher e = AESEngine.newInstance();
            e.init(true, new KeyParameter(snKey));
            e.processBlock(sample, 0, out, 0);
        }
        return out;
    }

    /** One whole record: unified header 001 0 S 0 EE, encrypted sequence number, AEAD(content ‖ type ‖ zeros). */
    public static byte[] seal(int suiteCode, byte[] secret, int seqBytes, int epoch, long seq, int type, byte[] content,
                       byte[] extraAad) throws InvalidCipherTextException {
        Suite s = Suite.of(suiteCode);
        byte[] key = expandLabel(secret, "key", s.keyLen());
        byte[] iv = expandLabel(secret, "iv", 12);
        byte[] sn = expandLabel(secret, "sn", s.keyLen());
        int hdr = 1 + seqBytes;
        byte[] header = new byte[hdr];
        header[0] = (byte) (0b0010_0000 | (seqBytes == 2 ? 0b1000 : 0) | (epoch & 3));
        for (int i = 0; i < seqBytes; i++) {
            header[hdr - 1 - i] = (byte) (seq >>> (8 * i));
        }
        int innerLen = content.length + 1;
        while (innerLen + s.tagLen() < 16) {
            innerLen++;
        }
        byte[] inner = Arrays.copyOf(content, innerLen);
        inner[content.length] = (byte) type;
        AEADCipher c = aead(s);
        byte[] aad = concat(header, extraAad);
        c.init(true, new AEADParameters(new KeyParameter(key), s.tagLen() * 8, nonce(iv, seq), aad));
        byte[] ct = new byte[c.getOutputSize(inner.length)];
        int n = c.processBytes(inner, 0, inner.length, ct, 0);
        c.doFinal(ct, n);
        byte[] m = mask(s, sn, Arrays.copyOf(ct, 16));
        for (int i = 1; i < hdr; i++) {
            header[i] ^= m[i - 1];
        }
        return concat(header, ct);
    }

    /** Type and content of a record, the sequence number reconstructed near {@code expectedNext} (§4.2.2). */
    public record Opened(long seq, int type, byte[] content) {
    }

    public static Opened open(int suiteCode, byte[] secret, byte[] record, long expectedNext, byte[] extraAad)
            throws InvalidCipherTextException {
        Suite s = Suite.of(suiteCode);
        byte[] key = expandLabel(secret, "key", s.keyLen());
        byte[] iv = expandLabel(secret, "iv", 12);
        byte[] sn = expandLabel(secret, "sn", s.keyLen());
        int seqBytes = (record[0] & 0b1000) != 0 ? 2 : 1;
        int hdr = 1 + seqBytes;
        byte[] m = mask(s, sn, Arrays.copyOfRange(record, hdr, hdr + 16));
        byte[] header = Arrays.copyOf(record, hdr);
        long low = 0;
        for (int i = 1; i < hdr; i++) {
            header[i] ^= m[i - 1];
            low = low << 8 | (header[i] & 0xff);
        }
        // Among the values with these low bits, the one nearest the expected next number.
        long span = 1L << (8 * seqBytes);
        long best = -1;
        for (long k = (expectedNext >> (8 * seqBytes)) - 1; k <= (expectedNext >> (8 * seqBytes)) + 1; k++) {
            long cand = k * span + low;
            if (cand >= 0 && (best < 0 || Math.abs(cand - expectedNext) < Math.abs(best - expectedNext))) {
                best = cand;
            }
        }
        AEADCipher c = aead(s);
        c.init(false, new AEADParameters(new KeyParameter(key), s.tagLen() * 8, nonce(iv, best),
                concat(header, extraAad)));
        byte[] pt = new byte[c.getOutputSize(record.length - hdr)];
        int n = c.processBytes(record, hdr, record.length - hdr, pt, 0);
        n += c.doFinal(pt, n);
        int end = n;
        while (end > 0 && pt[end - 1] == 0) {
            end--;
        }
        return new Opened(best, pt[end - 1] & 0xff, Arrays.copyOf(pt, end - 1));
    }

    static byte[] concat(byte[] a, byte[] b) {
        if (b == null) {
            return a.clone();
        }
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
