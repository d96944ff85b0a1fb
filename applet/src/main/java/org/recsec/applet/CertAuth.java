package org.recsec.applet;

import javacard.framework.ISOException;
import javacard.framework.Util;
import javacard.security.MessageDigest;
import javacardx.crypto.Cipher;

/**
 * Certificate mode of the handshake (TLS_DHE_RSA_WITH_AES_128_CCM_8, RFC 6655; RFC 5246 §7.4.2-§7.4.8): checks the
 * server's certificate against the trust anchor, checks the ServerKeyExchange signature, runs the ffdhe2048
 * (RFC 7919) exchange on the RSA engine, reads the CertificateRequest and signs the CertificateVerify with the
 * card's own RSA-2048 key. Signatures are RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2), padded and checked here
 * on raw RSA.
 *
 * <p>X.509 (RFC 5280) is read only as far as needed: the first certificate of the server's chain must carry a
 * sha256WithRSAEncryption signature that the anchor's RSA-2048 key verifies, and an RSA-2048 subject key. Names,
 * validity dates (the card has no clock), extensions and any further certificates of the chain are not checked.
 */
final class CertAuth {

    private final Transients t;
    private final Persistent p;
    private final Crypto k;

    CertAuth(Transients t, Persistent p, Crypto k) {
        this.t = t;
        this.p = p;
        this.k = k;
    }

    /** True when the card has a key pair, its certificate and a trust anchor. */
    boolean ready() {
        return p.keyGenerated && p.certComplete && p.anchorComplete;
    }

    // ---- DER ------------------------------------------------------------------------------------------------------

    /**
     * The TLV at b[off] must have the given tag and fit before end; returns the value's offset and leaves its
     * length at vars[V_DER_LEN]. Definite lengths of up to two bytes only.
     */
    short tlv(byte[] b, short off, short end, byte tag) {
        if ((short) (end - off) < 2 || b[off] != tag) {
            fail();
        }
        short len = (short) (b[(short) (off + 1)] & 0xFF);
        short h = 2;
        if (len == 0x81) {
            if ((short) (end - off) < 3) {
                fail();
            }
            len = (short) (b[(short) (off + 2)] & 0xFF);
            h = 3;
        } else if (len == 0x82) {
            if ((short) (end - off) < 4) {
                fail();
            }
            len = Util.getShort(b, (short) (off + 2));
            h = 4;
        } else if (len > 0x7F) {
            fail();
        }
        if (len < 0 || len > (short) (end - off - h)) {
            fail();
        }
        t.setShort(Consts.V_DER_LEN, len);
        return (short) (off + h);
    }

    /** Offset just after the TLV at b[off] (checked as by {@link #tlv}) whatever its tag. */
    short skip(byte[] b, short off, short end) {
        short v = tlv(b, off, end, b[off]);
        return (short) (v + t.getShort(Consts.V_DER_LEN));
    }

    /** Total length (header included) of the DER element starting at b[off], or -1 if the header is incomplete. */
    static short derTotal(byte[] b, short off, short avail) {
        if (avail < 2) {
            return -1;
        }
        short len = (short) (b[(short) (off + 1)] & 0xFF);
        if (len < 0x80) {
            return (short) (2 + len);
        }
        if (len == 0x81) {
            return avail < 3 ? -1 : (short) (3 + (b[(short) (off + 2)] & 0xFF));
        }
        if (len == 0x82) {
            if (avail < 4) {
                return -1;
            }
            short l = Util.getShort(b, (short) (off + 2));
            return l < 0 || l > (short) (Consts.MAX_CERT - 4) ? Consts.MAX_CERT : (short) (4 + l);
        }
        return Consts.MAX_CERT;
    }

    /**
     * Reads Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } at b[off..end) (exactly)
     * and puts the subject's RSA-2048 public key into {@code peerKey}, after checking the signature with the key in
     * peerKey first when {@code verify}. Returns the offset of the 256-byte modulus in b.
     */
    short readCertificate(byte[] b, short off, short end, boolean verify) {
        short cv = tlv(b, off, end, (byte) 0x30);
        if ((short) (cv + t.getShort(Consts.V_DER_LEN)) != end) {
            fail();
        }
        short tbs = cv;
        short tbsValue = tlv(b, tbs, end, (byte) 0x30);
        short tbsEnd = (short) (tbsValue + t.getShort(Consts.V_DER_LEN));
        // signatureAlgorithm: sha256WithRSAEncryption (parameters NULL or absent)
        short alg = tlv(b, tbsEnd, end, (byte) 0x30);
        short algEnd = (short) (alg + t.getShort(Consts.V_DER_LEN));
        if (!startsWith(b, alg, algEnd, Consts.OID_SHA256_RSA)) {
            fail();
        }
        short sig = tlv(b, algEnd, end, (byte) 0x03);
        if (t.getShort(Consts.V_DER_LEN) != (short) (Consts.RSA_BYTES + 1) || b[sig] != 0
                || (short) (sig + 1 + Consts.RSA_BYTES) != end) {
            fail();
        }
        if (verify) {
            MessageDigest md = k.prf.digest();
            md.reset();
            md.doFinal(b, tbs, (short) (tbsEnd - tbs), t.hs, Consts.H_HASH);
            verify(b, (short) (sig + 1), t.hs, Consts.H_HASH);
        }
        // TBSCertificate: [0] version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
        short q = tbsValue;
        if (q < tbsEnd && b[q] == (byte) 0xA0) {
            q = skip(b, q, tbsEnd);
        }
        for (short i = 0; i < 5; i++) {
            if (q >= tbsEnd) {
                fail();
            }
            q = skip(b, q, tbsEnd);
        }
        short spki = tlv(b, q, tbsEnd, (byte) 0x30);
        short spkiEnd = (short) (spki + t.getShort(Consts.V_DER_LEN));
        short algId = tlv(b, spki, spkiEnd, (byte) 0x30);
        if (!startsWith(b, algId, (short) (algId + t.getShort(Consts.V_DER_LEN)), Consts.OID_RSA)) {
            fail();
        }
        short bits = tlv(b, (short) (algId + t.getShort(Consts.V_DER_LEN)), spkiEnd, (byte) 0x03);
        short bitsEnd = (short) (bits + t.getShort(Consts.V_DER_LEN));
        if (bits >= bitsEnd || b[bits] != 0) {
            fail();
        }
        short seq = tlv(b, (short) (bits + 1), bitsEnd, (byte) 0x30);
        short seqEnd = (short) (seq + t.getShort(Consts.V_DER_LEN));
        short n = tlv(b, seq, seqEnd, (byte) 0x02);
        short nLen = t.getShort(Consts.V_DER_LEN);
        // a 2048-bit modulus: 257 bytes with the leading zero of a positive INTEGER
        if (nLen != (short) (Consts.RSA_BYTES + 1) || b[n] != 0 || (b[(short) (n + 1)] & 0x80) == 0) {
            fail();
        }
        short e = tlv(b, (short) (n + nLen), seqEnd, (byte) 0x02);
        short eLen = t.getShort(Consts.V_DER_LEN);
        if (eLen < 1 || eLen > 4 || (short) (e + eLen) != seqEnd) {
            fail();
        }
        k.peerKey.setModulus(b, (short) (n + 1), Consts.RSA_BYTES);
        k.peerKey.setExponent(b, e, eLen);
        return (short) (n + 1);
    }

    private static boolean startsWith(byte[] b, short off, short end, byte[] prefix) {
        short n = (short) prefix.length;
        return (short) (end - off) >= n && Util.arrayCompare(b, off, prefix, (short) 0, n) == 0;
    }

    // ---- RSA ------------------------------------------------------------------------------------------------------

    /**
     * in[inOff..+256)^d mod n with the key's exponent and modulus, right-aligned into big[0..256). MODE_DECRYPT:
     * jcardsim's encrypt mode takes at most 255 input bytes and its decrypt mode drops leading zero bytes, which
     * are put back here (a card answers 256 bytes and this is a no-op).
     */
    private void modexp(javacard.security.Key key, byte[] in, short inOff) {
        byte[] m = t.big;
        k.rsa.init(key, Cipher.MODE_DECRYPT);
        short n = k.rsa.doFinal(in, inOff, Consts.RSA_BYTES, m, (short) 0);
        if (n < 0 || n > Consts.RSA_BYTES) {
            fail();
        }
        short shift = (short) (Consts.RSA_BYTES - n);
        if (shift > 0) {
            Util.arrayCopyNonAtomic(m, (short) 0, m, shift, n);
            Util.arrayFillNonAtomic(m, (short) 0, shift, (byte) 0);
        }
    }

    /** EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of the SHA-256 hash at h[hOff] into big[0..256). */
    private void encode(byte[] h, short hOff) {
        byte[] m = t.big;
        short di = (short) (Consts.RSA_BYTES - Consts.SHA256 - Consts.DIGEST_INFO_SHA256.length);
        m[0] = 0;
        m[1] = 1;
        Util.arrayFillNonAtomic(m, (short) 2, (short) (di - 3), (byte) 0xFF);
        m[(short) (di - 1)] = 0;
        Util.arrayCopyNonAtomic(Consts.DIGEST_INFO_SHA256, (short) 0, m, di, (short) Consts.DIGEST_INFO_SHA256.length);
        Util.arrayCopyNonAtomic(h, hOff, m, (short) (Consts.RSA_BYTES - Consts.SHA256), Consts.SHA256);
    }

    /** Checks the 256-byte signature at s[sOff] over the hash at h[hOff] with peerKey; 6A80 if it does not verify. */
    void verify(byte[] s, short sOff, byte[] h, short hOff) {
        byte[] m = t.big;
        modexp(k.peerKey, s, sOff);
        byte diff = 0;
        short di = (short) (Consts.RSA_BYTES - Consts.SHA256 - Consts.DIGEST_INFO_SHA256.length);
        diff |= m[0];
        diff |= (byte) (m[1] ^ 1);
        for (short i = 2; i < (short) (di - 1); i++) {
            diff |= (byte) (m[i] ^ (byte) 0xFF);
        }
        diff |= m[(short) (di - 1)];
        if (Util.arrayCompare(m, di, Consts.DIGEST_INFO_SHA256, (short) 0, (short) Consts.DIGEST_INFO_SHA256.length)
                != 0 || Util.arrayCompare(m, (short) (Consts.RSA_BYTES - Consts.SHA256), h, hOff, Consts.SHA256) != 0
                || diff != 0) {
            Util.arrayFillNonAtomic(m, (short) 0, Consts.RSA_BYTES, (byte) 0);
            fail();
        }
        Util.arrayFillNonAtomic(m, (short) 0, Consts.RSA_BYTES, (byte) 0);
    }

    /** Signs the SHA-256 hash at h[hOff] with the card's private key; 256 bytes at out[outOff]. */
    void sign(byte[] h, short hOff, byte[] out, short outOff) {
        encode(h, hOff);
        modexp(p.privateKey(), t.big, (short) 0);
        Util.arrayCopyNonAtomic(t.big, (short) 0, out, outOff, Consts.RSA_BYTES);
        Util.arrayFillNonAtomic(t.big, (short) 0, Consts.RSA_BYTES, (byte) 0);
    }

    // ---- handshake messages ---------------------------------------------------------------------------------------

    /**
     * Certificate (RFC 5246 §7.4.2): certificate_list&lt;0..2^24-1&gt; of ASN.1Cert&lt;1..2^24-1&gt;. The first
     * certificate must verify under the trust anchor's key; its key becomes the server key.
     */
    void serverCertificate(byte[] io, short body, short mlen) {
        short end = (short) (body + mlen);
        if (mlen < 6 || io[body] != 0 || Util.getShort(io, (short) (body + 1)) != (short) (mlen - 3)
                || io[(short) (body + 3)] != 0) {
            fail();
        }
        short certLen = Util.getShort(io, (short) (body + 4));
        short cert = (short) (body + 6);
        if (certLen < 0 || certLen > (short) (end - cert)) {
            fail();
        }
        readCertificate(p.anchor, (short) 0, p.anchorLength, false);
        readCertificate(io, cert, (short) (cert + certLen), true);
    }

    /**
     * ServerKeyExchange for DHE_RSA (RFC 5246 §7.4.3): dh_p, dh_g, dh_Ys, then a SignatureAndHashAlgorithm and a
     * signature over client_random ‖ server_random ‖ params. p must be ffdhe2048 and g 2; 1 &lt; Ys &lt; p-1. Then
     * x is drawn, Z = Ys^x mod p gives the master secret (RFC 5246 §8.1.2: leading zeros of Z stripped), and
     * Yc = g^x mod p waits in big for the ClientKeyExchange.
     */
    void serverKeyExchange(byte[] io, short body, short mlen) {
        short end = (short) (body + mlen);
        short q = body;
        // dh_p
        if ((short) (end - q) < 2 || Util.getShort(io, q) != Consts.RSA_BYTES
                || (short) (end - q - 2) < Consts.RSA_BYTES
                || Util.arrayCompare(io, (short) (q + 2), Ffdhe2048.P, (short) 0, Consts.RSA_BYTES) != 0) {
            fail();
        }
        q = (short) (q + 2 + Consts.RSA_BYTES);
        // dh_g
        if ((short) (end - q) < 3 || Util.getShort(io, q) != 1 || io[(short) (q + 2)] != Ffdhe2048.G) {
            fail();
        }
        q = (short) (q + 3);
        // dh_Ys, left-padded to 256 bytes into big
        if ((short) (end - q) < 2) {
            fail();
        }
        short ysLen = Util.getShort(io, q);
        if (ysLen < 1 || ysLen > Consts.RSA_BYTES || ysLen > (short) (end - q - 2)) {
            fail();
        }
        short ys = (short) (q + 2);
        q = (short) (ys + ysLen);
        short paramsEnd = q;
        // signature
        if ((short) (end - q) < 4 || Util.getShort(io, q) != Consts.SIG_RSA_SHA256
                || Util.getShort(io, (short) (q + 2)) != Consts.RSA_BYTES
                || (short) (end - q - 4) != Consts.RSA_BYTES) {
            fail();
        }
        MessageDigest md = k.prf.digest();
        md.reset();
        md.update(t.hs, Consts.H_CLIENT_RANDOM, Consts.RANDOM_LENGTH);
        md.update(t.hs, Consts.H_SERVER_RANDOM, Consts.RANDOM_LENGTH);
        md.doFinal(io, body, (short) (paramsEnd - body), t.hs, Consts.H_HASH);
        verify(io, (short) (q + 4), t.hs, Consts.H_HASH);

        byte[] m = t.big;
        Util.arrayFillNonAtomic(m, (short) 0, Consts.RSA_BYTES, (byte) 0);
        Util.arrayCopyNonAtomic(io, ys, m, (short) (Consts.RSA_BYTES - ysLen), ysLen);
        if (!inRange(m)) {
            fail();
        }
        try {
            // x: DH_EXPONENT random bytes, the key object's modulus is p
            k.dhKey.setModulus(Ffdhe2048.P, (short) 0, Consts.RSA_BYTES);
            k.random.generateData(t.hs, Consts.H_PMS, Consts.DH_EXPONENT);
            t.hs[Consts.H_PMS] |= (byte) 0x80;
            k.dhKey.setExponent(t.hs, Consts.H_PMS, Consts.DH_EXPONENT);
            Util.arrayFillNonAtomic(t.hs, Consts.H_PMS, Consts.DH_EXPONENT, (byte) 0);
            modexp(k.dhKey, m, (short) 0);
            short z = 0;
            while (z < (short) (Consts.RSA_BYTES - 1) && m[z] == 0) {
                z++;
            }
            k.prf.prf(m, z, (short) (Consts.RSA_BYTES - z), Consts.LABEL_MASTER_SECRET, t.hs,
                    Consts.H_CLIENT_RANDOM, Consts.RANDOM_LENGTH, t.hs, Consts.H_SERVER_RANDOM, Consts.RANDOM_LENGTH,
                    t.hs, Consts.H_MASTER, Consts.MASTER_SECRET);
            Util.arrayFillNonAtomic(m, (short) 0, Consts.RSA_BYTES, (byte) 0);
            m[(short) (Consts.RSA_BYTES - 1)] = Ffdhe2048.G;
            modexp(k.dhKey, m, (short) 0);
        } finally {
            // x never outlives the two exponentiations, even when one of them fails
            k.dhKey.clearKey();
        }
    }

    /** 1 &lt; y &lt; p - 1 for the 256-byte big-endian y (RFC 7919 §5.1); p ends in 0xFF, so p - 1 ends in 0xFE. */
    private static boolean inRange(byte[] y) {
        short last = (short) (Consts.RSA_BYTES - 1);
        // y > 1
        byte high = 0;
        for (short i = 0; i < last; i++) {
            high |= y[i];
        }
        if (high == 0 && (y[last] & 0xFF) <= 1) {
            return false;
        }
        // y < p - 1
        for (short i = 0; i < Consts.RSA_BYTES; i++) {
            short a = (short) (y[i] & 0xFF);
            short b = (short) (Ffdhe2048.P[i] & 0xFF);
            if (i == last) {
                b = (short) (b - 1);
            }
            if (a != b) {
                return a < b;
            }
        }
        return false;
    }

    /**
     * CertificateRequest (RFC 5246 §7.4.4): certificate_types must include rsa_sign and
     * supported_signature_algorithms rsa_pkcs1_sha256, the only signature the card makes; the CA names are ignored.
     */
    void certificateRequest(byte[] io, short body, short mlen) {
        short end = (short) (body + mlen);
        short n = (short) (io[body] & 0xFF);
        short q = (short) (body + 1);
        if (mlen < 1 || n < 1 || n > (short) (end - q)) {
            fail();
        }
        boolean rsaSign = false;
        for (short i = 0; i < n; i++) {
            rsaSign |= io[(short) (q + i)] == Consts.CERT_TYPE_RSA_SIGN;
        }
        q = (short) (q + n);
        if ((short) (end - q) < 2) {
            fail();
        }
        short algs = Util.getShort(io, q);
        q = (short) (q + 2);
        if (algs < 2 || (algs & 1) != 0 || algs > (short) (end - q)) {
            fail();
        }
        boolean sha256 = false;
        for (short i = 0; i < algs; i = (short) (i + 2)) {
            sha256 |= Util.getShort(io, (short) (q + i)) == Consts.SIG_RSA_SHA256;
        }
        q = (short) (q + algs);
        if ((short) (end - q) < 2 || Util.getShort(io, q) != (short) (end - q - 2) || !rsaSign || !sha256) {
            fail();
        }
        t.vars[Consts.V_CLIENT_AUTH] = 1;
    }

    private static void fail() {
        ISOException.throwIt(Consts.SW_WRONG_DATA);
    }
}
