package org.recsec.record.internal.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

/**
 * The shared body of the AEADs the JCE implements itself (AES-GCM, ChaCha20-Poly1305): one {@link Cipher} per
 * thread and transformation, shared by every key (SA) the thread uses and initialised per call with the key and the
 * message's nonce, so the memory per SA does not grow with the number of threads.
 */
abstract class JceAead implements Aead {
    private static final byte[] NO_TRAILER = new byte[0];
    private final SecretKeySpec key;
    private final int tagSizeBytes;
    private static final ThreadLocal<Map<String, Slot>> CIPHERS = ThreadLocal.withInitial(HashMap::new);
    private final String transformation;

    JceAead(SecretBytes key, String keyAlgorithm, String transformation, int tagSizeBytes) {
        byte[] k = key.toByteArray();
        this.key = new SecretKeySpec(k, keyAlgorithm);
        Arrays.fill(k, (byte) 0);
        this.tagSizeBytes = tagSizeBytes;
        this.transformation = transformation;
        slot(); // fail at construction, not at the first record, when the JCE lacks the transformation
    }

    /**
     * This thread's ciphers of one transformation: one for sealing, one for opening, so that the JCE's refusal to
     * initialise one object twice in a row with the same key and nonce (its guard against nonce reuse) never
     * confuses the two ends of an SA that run in one process, and still stops one instance from sealing twice
     * under one nonce.
     */
    private static final class Slot {
        final Cipher enc;
        final Cipher dec;
        /** The instance whose encryption {@link #enc} holds last. */
        JceAead lastSealer;

        Slot(String transformation) {
            try {
                enc = Cipher.getInstance(transformation);
                dec = Cipher.getInstance(transformation);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JCE lacks " + transformation, e);
            }
        }
    }

    private Slot slot() {
        return CIPHERS.get().computeIfAbsent(transformation, Slot::new);
    }

    private Cipher cipher() {
        return slot().dec;
    }

    /**
     * The sealing cipher initialised for {@code nonce}. Another instance (another SA, or the same key used by a test
     * twice) may have sealed under the same key and nonce just before on this thread: the cipher then steps through
     * another nonce first. The same instance asking twice has a bug, and gets IllegalStateException.
     */
    private Cipher sealer(byte[] nonce, AlgorithmParameterSpec spec) {
        Slot slot = slot();
        Cipher c = slot.enc;
        try {
            try {
                c.init(Cipher.ENCRYPT_MODE, key, spec);
            } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
                if (slot.lastSealer == this) {
                    throw e;
                }
                byte[] other = nonce.clone();
                other[0] ^= 1;
                c.init(Cipher.ENCRYPT_MODE, key, params(other));
                c.init(Cipher.ENCRYPT_MODE, key, spec);
            }
        } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
            // The JCE refuses to encrypt twice in a row under one key and nonce; a caller that does so has a bug.
            throw new IllegalStateException("JCE refused the key or nonce (nonce reuse?)", e);
        }
        slot.lastSealer = this;
        return c;
    }

    /**
     * The JCE's ChaCha20 refuses to be initialised twice in a row with one key and nonce even for decryption. A
     * record may legitimately be opened twice (a forged copy fails, then the genuine one arrives), so on that
     * refusal we step the cipher through another nonce first; decrypting under a repeated nonce reveals nothing.
     */
    private void initDecrypt(Cipher c, byte[] nonce, AlgorithmParameterSpec spec) throws GeneralSecurityException {
        try {
            c.init(Cipher.DECRYPT_MODE, key, spec);
        } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
            byte[] other = nonce.clone();
            other[0] ^= 1;
            c.init(Cipher.DECRYPT_MODE, key, params(other));
            c.init(Cipher.DECRYPT_MODE, key, spec);
        }
    }

    /** The JCE parameters for one nonce; throws IllegalArgumentException for an unsupported nonce length. */
    abstract AlgorithmParameterSpec params(byte[] nonce);

    @Override
    public final int tagSizeBytes() {
        return tagSizeBytes;
    }

    @Override
    public final int seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff) {
        AlgorithmParameterSpec spec = params(nonce);
        Bytes.checkRange(in, inOff, inLen);
        Bytes.checkRange(out, outOff, inLen);
        Bytes.checkRange(out, outOff + inLen, tagSizeBytes);
        Cipher c = sealer(nonce, spec);
        try {
            c.updateAAD(aad);
            return c.doFinal(in, inOff, inLen, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AEAD failed", e);
        }
    }

    /** The JCE streams both parts through one operation: update for the head, doFinal for the body. */
    @Override
    public final int seal(byte[] nonce, byte[] aad, byte[] head, int headOff, int headLen, byte[] body, int bodyOff,
                          int bodyLen, byte[] out, int outOff) {
        return seal(nonce, aad, head, headOff, headLen, body, bodyOff, bodyLen, NO_TRAILER, 0, out, outOff);
    }

    /** As the two-part seal, with one more update for the body when a trailer follows it. */
    @Override
    public final int seal(byte[] nonce, byte[] aad, byte[] head, int headOff, int headLen, byte[] body, int bodyOff,
                          int bodyLen, byte[] trailer, int trailerLen, byte[] out, int outOff) {
        AlgorithmParameterSpec spec = params(nonce);
        Bytes.checkRange(head, headOff, headLen);
        Bytes.checkRange(body, bodyOff, bodyLen);
        Bytes.checkRange(trailer, 0, trailerLen);
        Bytes.checkRange(out, outOff, headLen + bodyLen + trailerLen + tagSizeBytes);
        Cipher c = sealer(nonce, spec);
        try {
            c.updateAAD(aad);
            int n = c.update(head, headOff, headLen, out, outOff);
            if (trailerLen == 0) {
                return n + c.doFinal(body, bodyOff, bodyLen, out, outOff + n);
            }
            n += c.update(body, bodyOff, bodyLen, out, outOff + n);
            return n + c.doFinal(trailer, 0, trailerLen, out, outOff + n);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AEAD failed", e);
        }
    }

    @Override
    public final int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws RecSecException {
        AlgorithmParameterSpec spec = params(nonce);
        Bytes.checkRange(in, inOff, inLen);
        if (inLen < tagSizeBytes) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "ciphertext shorter than the tag");
        }
        int ptLen = inLen - tagSizeBytes;
        Bytes.checkRange(out, outOff, ptLen);
        Cipher c = cipher();
        try {
            initDecrypt(c, nonce, spec);
            c.updateAAD(aad);
            return c.doFinal(in, inOff, inLen, out, outOff);
        } catch (AEADBadTagException e) {
            // The JCE verifies before it releases plaintext; wipe anyway so no provider can leave any behind.
            Arrays.fill(out, outOff, outOff + ptLen, (byte) 0);
            throw new RecSecException(RecSecException.Reason.AUTH_FAILED, "AEAD tag does not verify");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AEAD failed", e);
        }
    }
}
