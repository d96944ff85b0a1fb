package org.recsec.kmp.ticket.internal;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.recsec.kmp.ticket.error.TicketException.Reason;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.record.base.SecretBytes;

/**
 * The COSE algorithms a ticket or an RFC 8392 example needs (RFC 9053): AES-CCM-16-64-128 (alg 10, §4.2),
 * HMAC 256/64 (alg 4) and HMAC 256/256 (alg 5, §3.1), ES256 (alg -7, §2.1), over the RFC 9052 to-be-authenticated
 * structures built here. AES-CCM is Bouncy Castle's CCMBlockCipher: tickets are not a hot path.
 */
public final class CoseCrypto {
    /** AES-CCM-16-64-128: 16-byte key, 8-byte tag, 13-byte nonce (L = 2). */
    public static final long ALG_AES_CCM_16_64_128 = 10;
    public static final long ALG_HMAC_256_64 = 4;
    public static final long ALG_HMAC_256_256 = 5;
    public static final long ALG_ES256 = -7;

    public static final int CCM_KEY_BYTES = 16;
    public static final int CCM_TAG_BYTES = 8;
    public static final int CCM_NONCE_BYTES = 13;

    private CoseCrypto() {
    }

    /** Enc_structure {@code ["Encrypt0", protected, external_aad]} (RFC 9052 §5.3), with empty external_aad. */
    public static byte[] encStructure(byte[] protectedBytes) {
        return new CborWriter().arrayHeader(3).text("Encrypt0").bytes(protectedBytes).bytes(new byte[0])
                .toByteArray();
    }

    /** MAC_structure {@code ["MAC0", protected, external_aad, payload]} (RFC 9052 §6.3). */
    public static byte[] macStructure(byte[] protectedBytes, byte[] payload) {
        return new CborWriter().arrayHeader(4).text("MAC0").bytes(protectedBytes).bytes(new byte[0]).bytes(payload)
                .toByteArray();
    }

    /** Sig_structure {@code ["Signature1", protected, external_aad, payload]} (RFC 9052 §4.4). */
    public static byte[] sigStructure(byte[] protectedBytes, byte[] payload) {
        return new CborWriter().arrayHeader(4).text("Signature1").bytes(protectedBytes).bytes(new byte[0])
                .bytes(payload).toByteArray();
    }

    /** AES-CCM-16-64-128 encryption of {@code plaintext} with AAD {@code aad}; returns ciphertext ‖ tag. */
    public static byte[] ccmEncrypt(SecretBytes key, byte[] nonce, byte[] aad, byte[] plaintext) {
        if (key.length() != CCM_KEY_BYTES || nonce.length != CCM_NONCE_BYTES) {
            throw new IllegalArgumentException("AES-CCM-16-64-128 needs a 16-byte key and a 13-byte nonce");
        }
        try {
            return ccm(true, key, nonce, aad, plaintext);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("CCM encryption cannot fail on valid parameters", e);
        }
    }

    /**
     * AES-CCM-16-64-128 decryption of ciphertext ‖ tag.
     *
     * @throws TicketException {@code BAD_KEY} for a key that is not 16 bytes, {@code MALFORMED_CBOR} for a nonce
     *                         that is not 13 bytes or a ciphertext shorter than the tag, {@code BAD_TAG} when the
     *                         tag does not verify
     */
    public static byte[] ccmDecrypt(SecretBytes key, byte[] nonce, byte[] aad, byte[] ciphertext)
            throws TicketException {
        if (key.length() != CCM_KEY_BYTES) {
            throw new TicketException(Reason.BAD_KEY, "AES-CCM-16-64-128 key must be 16 bytes");
        }
        if (nonce == null || nonce.length != CCM_NONCE_BYTES) {
            throw new TicketException(Reason.MALFORMED_CBOR, "AES-CCM-16-64-128 IV must be 13 bytes");
        }
        if (ciphertext.length < CCM_TAG_BYTES) {
            throw new TicketException(Reason.MALFORMED_CBOR, "ciphertext shorter than the tag");
        }
        try {
            return ccm(false, key, nonce, aad, ciphertext);
        } catch (InvalidCipherTextException e) {
            throw new TicketException(Reason.BAD_TAG, "AES-CCM tag does not verify");
        }
    }

    private static byte[] ccm(boolean encrypt, SecretBytes key, byte[] nonce, byte[] aad, byte[] in)
            throws InvalidCipherTextException {
        byte[] k = key.toByteArray();
        try {
            CCMModeCipher ccm = CCMBlockCipher.newInstance(AESEngine.newInstance());
            ccm.init(encrypt, new AEADParameters(new KeyParameter(k), CCM_TAG_BYTES * 8, nonce, aad));
            byte[] out = new byte[ccm.getOutputSize(in.length)];
            int n = ccm.processBytes(in, 0, in.length, out, 0);
            n += ccm.doFinal(out, n);
            return n == out.length ? out : Arrays.copyOf(out, n);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /**
     * Checks a COSE_Mac0 tag: HMAC-SHA256 over the MAC_structure, truncated to 8 bytes (alg 4) or full (alg 5).
     *
     * @throws TicketException {@code UNSUPPORTED_ALG} for another alg, {@code BAD_TAG} when it does not verify
     */
    public static void verifyMac0(CoseMessage m, SecretBytes key) throws TicketException {
        int tagBytes;
        if (m.alg() == ALG_HMAC_256_64) {
            tagBytes = 8;
        } else if (m.alg() == ALG_HMAC_256_256) {
            tagBytes = 32;
        } else {
            throw new TicketException(Reason.UNSUPPORTED_ALG, "COSE_Mac0 alg " + m.alg());
        }
        if (key.length() == 0) {
            throw new TicketException(Reason.BAD_KEY, "empty HMAC key");
        }
        byte[] full = hmacSha256(key, macStructure(m.protectedBytes(), m.content()));
        byte[] expected = Arrays.copyOf(full, tagBytes);
        if (!MessageDigest.isEqual(expected, m.authenticator())) {
            throw new TicketException(Reason.BAD_TAG, "COSE_Mac0 tag does not verify");
        }
    }

    /** HMAC-SHA256 through JCE. */
    public static byte[] hmacSha256(SecretBytes key, byte[] data) {
        byte[] k = key.toByteArray();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(k, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** A P-256 public key from its affine coordinates (COSE_Key kty 2, crv 1: x = -2, y = -3). */
    public static PublicKey p256PublicKey(byte[] x, byte[] y) throws TicketException {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
            ECPoint w = new ECPoint(new BigInteger(1, x), new BigInteger(1, y));
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
        } catch (GeneralSecurityException e) {
            throw new TicketException(Reason.BAD_KEY, "not a P-256 public key");
        }
    }

    /**
     * Checks a COSE_Sign1 ES256 signature (RFC 9053 §2.1): the 64-byte r ‖ s signature is re-encoded as the DER
     * ECDSA-Sig-Value JCE expects, then SHA256withECDSA verifies the Sig_structure.
     *
     * @throws TicketException {@code UNSUPPORTED_ALG} for another alg, {@code BAD_TAG} when it does not verify
     */
    public static void verifySign1(CoseMessage m, PublicKey key) throws TicketException {
        if (m.alg() != ALG_ES256) {
            throw new TicketException(Reason.UNSUPPORTED_ALG, "COSE_Sign1 alg " + m.alg());
        }
        byte[] sig = m.authenticator();
        if (sig.length != 64) {
            throw new TicketException(Reason.BAD_TAG, "ES256 signature is not 64 bytes");
        }
        try {
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(key);
            v.update(sigStructure(m.protectedBytes(), m.content()));
            if (!v.verify(rawToDer(sig))) {
                throw new TicketException(Reason.BAD_TAG, "ES256 signature does not verify");
            }
        } catch (GeneralSecurityException e) {
            throw new TicketException(Reason.BAD_TAG, "ES256 signature does not verify");
        }
    }

    /** r ‖ s (32 bytes each) to DER SEQUENCE { INTEGER r, INTEGER s } (RFC 3279 §2.2.3). */
    static byte[] rawToDer(byte[] sig) {
        byte[] r = derInteger(Arrays.copyOfRange(sig, 0, 32));
        byte[] s = derInteger(Arrays.copyOfRange(sig, 32, 64));
        byte[] out = new byte[2 + r.length + s.length]; // at most 2 + 35 + 35 < 128: short-form length
        out[0] = 0x30;
        out[1] = (byte) (r.length + s.length);
        System.arraycopy(r, 0, out, 2, r.length);
        System.arraycopy(s, 0, out, 2 + r.length, s.length);
        return out;
    }

    private static byte[] derInteger(byte[] unsigned) {
        byte[] v = new BigInteger(1, unsigned).toByteArray(); // minimal two's complement, leading 0 if high bit
        byte[] out = new byte[2 + v.length];
        out[0] = 0x02;
        out[1] = (byte) v.length;
        System.arraycopy(v, 0, out, 2, v.length);
        return out;
    }
}
