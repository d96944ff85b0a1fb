package org.recsec.wireshark;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
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
 * Protected CoAP messages of every recsec record profile, built from the RFCs with Bouncy Castle's raw engines,
 * independently of record-sec (and of the Lua code under test): the plugin must read what these write.
 *
 * <ul>
 *   <li>dtls12: RFC 6347 §4.1 record; AES suites nonce = salt ‖ explicit (epoch ‖ seq), ChaCha20 nonce = iv xor
 *   (0000 ‖ epoch ‖ seq) (RFC 7905); AAD = epoch ‖ seq ‖ type ‖ version ‖ length (RFC 5246 §6.2.3.3).</li>
 *   <li>dtls12-cid: RFC 9146 tls12_cid record (type 25), CID = the SPI's 4 bytes, DTLSInnerPlaintext = content ‖
 *   type ‖ zeros, AAD of RFC 9146 §5.</li>
 *   <li>compact: RFC 9147 §4 unified header 001CSLEE with C=0, L=0, 8- or 16-bit sequence number encrypted with the
 *   sn key (§4.2.3), nonce = iv xor seq (RFC 8446 §5.3), AAD = header with the plain sequence number; key, iv and
 *   sn key = HKDF-Expand-Label(secret, "key"|"iv"|"sn", "", n) with the "dtls13" prefix (RFC 9147 §5.9).</li>
 * </ul>
 */
final class Records {
    enum Suite12 {
        C0A8("c0a8", 16, 4, 8, 8), C0A4("c0a4", 16, 4, 16, 8), A8("00a8", 16, 4, 16, 8), CCAB("ccab", 32, 12, 16, 0);

        final String code;
        final int keyBytes;
        final int ivBytes;
        final int tagBytes;
        final int explicitBytes;

        Suite12(String code, int keyBytes, int ivBytes, int tagBytes, int explicitBytes) {
            this.code = code;
            this.keyBytes = keyBytes;
            this.ivBytes = ivBytes;
            this.tagBytes = tagBytes;
            this.explicitBytes = explicitBytes;
        }

        AEADCipher aead() {
            return switch (this) {
                case C0A8, C0A4 -> CCMBlockCipher.newInstance(AESEngine.newInstance());
                case A8 -> GCMBlockCipher.newInstance(AESEngine.newInstance());
                case CCAB -> new ChaCha20Poly1305();
            };
        }
    }

    enum Suite13 {
        S1305("1305", 16, 8), S1304("1304", 16, 16), S1301("1301", 16, 16), S1303("1303", 32, 16);

        final String code;
        final int keyBytes;
        final int tagBytes;

        Suite13(String code, int keyBytes, int tagBytes) {
            this.code = code;
            this.keyBytes = keyBytes;
            this.tagBytes = tagBytes;
        }

        AEADCipher aead() {
            return switch (this) {
                case S1305, S1304 -> CCMBlockCipher.newInstance(AESEngine.newInstance());
                case S1301 -> GCMBlockCipher.newInstance(AESEngine.newInstance());
                case S1303 -> new ChaCha20Poly1305();
            };
        }
    }

    private Records() {
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] seal(AEADCipher c, byte[] key, int tagBytes, byte[] nonce, byte[] aad, byte[] pt) {
        c.init(true, new AEADParameters(new KeyParameter(key), tagBytes * 8, nonce, aad));
        byte[] out = new byte[c.getOutputSize(pt.length)];
        int n = c.processBytes(pt, 0, pt.length, out, 0);
        try {
            c.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** dtls12 (or, with {@code cid}, dtls12-cid) record of {@code content} (inner type 23). */
    static byte[] dtls12(Suite12 s, byte[] key, byte[] iv, int epoch, long seq, byte[] cid, byte[] content) {
        byte[] pt = content;
        if (cid != null) {
            pt = Arrays.copyOf(content, content.length + 1 + 3); // content ‖ 23 ‖ 3 zero bytes of padding
            pt[content.length] = 23;
        }
        byte[] seqNum = concat(u(epoch, 2), u(seq, 6));
        byte[] nonce = new byte[12];
        if (s.explicitBytes > 0) {
            System.arraycopy(iv, 0, nonce, 0, 4);
            System.arraycopy(seqNum, 0, nonce, 4, 8);
        } else {
            System.arraycopy(iv, 0, nonce, 0, 12);
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] ^= seqNum[i];
            }
        }
        byte[] version = {(byte) 0xfe, (byte) 0xfd};
        byte[] aad = cid == null
                ? concat(seqNum, new byte[] {23}, version, u(pt.length, 2))
                : concat(hex("ffffffffffffffff"), new byte[] {25, (byte) cid.length, 25}, version, seqNum, cid,
                        u(pt.length, 2));
        byte[] ct = seal(s.aead(), key, s.tagBytes, nonce, aad, pt);
        byte[] explicit = s.explicitBytes > 0 ? seqNum : new byte[0];
        int fragment = explicit.length + ct.length;
        return concat(new byte[] {(byte) (cid == null ? 23 : 25)}, version, seqNum, cid == null ? new byte[0] : cid,
                u(fragment, 2), explicit, ct);
    }

    /** HKDF-Expand-Label(secret, label, "", length) with the DTLS 1.3 prefix (RFC 8446 §7.1, RFC 9147 §5.9). */
    static byte[] expandLabel(byte[] secret, String label, int length) {
        byte[] full = ("dtls13" + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = concat(u(length, 2), new byte[] {(byte) full.length}, full, new byte[] {0});
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(HKDFParameters.skipExtractParameters(secret, info));
        byte[] out = new byte[length];
        g.generateBytes(out, 0, length);
        return out;
    }

    /** compact record: unified header (C=0, L=0), encrypted 8/16-bit seq, AEAD of content ‖ 23 ‖ zeros. */
    static byte[] compact(Suite13 s, byte[] secret, int epoch, long seq, int seqBits, byte[] content) {
        byte[] key = expandLabel(secret, "key", s.keyBytes);
        byte[] iv = expandLabel(secret, "iv", 12);
        byte[] snKey = expandLabel(secret, "sn", s.keyBytes);
        int seqBytes = seqBits / 8;
        byte[] header = concat(new byte[] {(byte) (0x20 | (seqBytes == 2 ? 0x08 : 0) | (epoch & 3))},
                u(seq & (seqBytes == 2 ? 0xffff : 0xff), seqBytes));
        // RFC 9147 §4.2.3: at least 16 bytes of ciphertext for the mask
        int padding = Math.max(0, 16 - s.tagBytes - content.length - 1);
        byte[] pt = Arrays.copyOf(content, content.length + 1 + padding);
        pt[content.length] = 23;
        byte[] nonce = iv.clone();
        byte[] seq64 = u(seq, 8);
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] ^= seq64[i];
        }
        byte[] ct = seal(s.aead(), key, s.tagBytes, nonce, header, pt);
        byte[] mask = new byte[16];
        if (s == Suite13.S1303) {
            ChaCha7539Engine e = new ChaCha7539Engine();
            e.init(true, new ParametersWithIV(new KeyParameter(snKey), Arrays.copyOfRange(ct, 4, 16)));
            long counter = (ct[0] & 0xffL) | (ct[1] & 0xffL) << 8 | (ct[2] & 0xffL) << 16 | (ct[3] & 0xffL) << 24;
            e.seekTo(counter * 64);
            e.processBytes(new byte[16], 0, 16, mask, 0);
        } else {
            AESEngine e = (AESEngine) AESEngine.newInstance();
            e.init(true, new KeyParameter(snKey));
            e.processBlock(ct, 0, mask, 0);
        }
        byte[] wire = header.clone();
        for (int i = 0; i < seqBytes; i++) {
            wire[1 + i] ^= mask[i];
        }
        return concat(wire, ct);
    }

    /** The inner plaintext of recsec: 000000VV ‖ code ‖ Content-Format: text/plain ‖ 0xFF ‖ text. */
    static byte[] innerPlaintext(int code, String text) {
        return concat(new byte[] {1, (byte) code, (byte) 0xc0, (byte) 0xff}, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The compact profile's inner plaintext: {@link #innerPlaintext} without the {@code 000000VV} byte. */
    static byte[] compactInnerPlaintext(int code, String text) {
        byte[] full = innerPlaintext(code, text);
        return java.util.Arrays.copyOfRange(full, 1, full.length);
    }

    /** An outer CoAP message: CON/ACK, code, mid, 2-byte token, Record-Security = minimal uint SPI, the record. */
    static byte[] outer(boolean request, int mid, long spi, byte[] record) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(request ? 0x42 : 0x62); // version 1, CON or ACK, TKL 2
        o.write(request ? 0x02 : 0x44); // POST or 2.04
        o.write(mid >> 8);
        o.write(mid);
        o.write(0x5a);
        o.write(0x17);
        byte[] spiBytes = minimal(spi);
        // option 65001: delta 14 (extended 2 bytes: 65001 - 269), length
        o.write(0xe0 | spiBytes.length);
        o.write((65001 - 269) >> 8);
        o.write((65001 - 269) & 0xff);
        o.writeBytes(spiBytes);
        o.write(0xff);
        o.writeBytes(record);
        return o.toByteArray();
    }

    static byte[] minimal(long v) {
        int n = 0;
        while (n < 8 && (v >>> (8 * n)) != 0) {
            n++;
        }
        return u(v, n);
    }

    static byte[] u(long v, int bytes) {
        byte[] b = new byte[bytes];
        for (int i = bytes - 1; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
