package org.recsec.bench;

import org.recsec.record.internal.wire.Bytes;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.crypto.AesCcm;

/**
 * Raw AEAD seal and open with a 13-byte AAD (the size of the DTLS 1.2 record AAD) and a 12-byte nonce: the
 * physical limit the protect/unprotect numbers are read against.
 *
 * <ul>
 *   <li>{@code AES_GCM}: the JCE's AES/GCM/NoPadding, 128-bit key, 16-byte tag.</li>
 *   <li>{@code CHACHA20_POLY1305}: the JCE's ChaCha20-Poly1305, 16-byte tag.</li>
 *   <li>{@code CCM_8}: record-sec's {@link AesCcm} (CBC-MAC and CTR on the JCE's AES), 8-byte tag.</li>
 *   <li>{@code BC_CCM_8}: Bouncy Castle's {@link CCMBlockCipher} on its AES engine, 8-byte tag.</li>
 * </ul>
 *
 * <p>Sizes: 64 and 1024 bytes, and 1042, the inner plaintext of {@link Messages.Kind#POST1024} (version and code,
 * Uri-Path, Content-Format, payload marker, 1024 bytes; checked by a test), so the POST1024 protect can be divided
 * by the seal of exactly the bytes it seals.
 *
 * <p>Every seal uses a fresh nonce (the JCE refuses to encrypt twice under one nonce); open cycles through
 * {@value #OPEN_RING} ciphertexts sealed under distinct nonces (the JCE's ChaCha20 refuses two consecutive
 * decryptions under one nonce too). Each algorithm pays the same nonce bookkeeping.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AeadBench {
    static final int NONCE_BYTES = 12;
    static final int AAD_BYTES = 13;
    static final int OPEN_RING = 256;
    /** Bytes of the record plaintext of a POST1024 request; BenchTest checks it against a real record. */
    public static final String POST1024_PLAINTEXT = "1042";

    @Param({"AES_GCM", "CHACHA20_POLY1305", "CCM_8", "BC_CCM_8"})
    public String aead;

    @Param({"64", "1024", POST1024_PLAINTEXT})
    public int size;

    private Raw raw;
    private byte[] aad;
    private byte[] plaintext;
    private byte[] sealOut;
    private byte[] sealNonce;
    private long counter;
    private byte[][] openNonces;
    private byte[][] ciphertexts;
    private byte[] openOut;
    private int next;

    /** One AEAD behind the same two calls. */
    interface Raw {
        int seal(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws GeneralSecurityException;

        int open(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws GeneralSecurityException;

        int tagBytes();
    }

    @Setup
    public void setUp() throws GeneralSecurityException {
        raw = create(aead);
        aad = new byte[AAD_BYTES];
        for (int i = 0; i < aad.length; i++) {
            aad[i] = (byte) (0xa0 + i);
        }
        plaintext = new byte[size];
        for (int i = 0; i < size; i++) {
            plaintext[i] = (byte) (i * 13 + 1);
        }
        sealOut = new byte[size + raw.tagBytes()];
        sealNonce = new byte[NONCE_BYTES];
        openNonces = new byte[OPEN_RING][];
        ciphertexts = new byte[OPEN_RING][];
        for (int i = 0; i < OPEN_RING; i++) {
            openNonces[i] = nonce(0x8000_0000L + i);
            ciphertexts[i] = new byte[size + raw.tagBytes()];
            raw.seal(openNonces[i], aad, plaintext, size, ciphertexts[i]);
        }
        openOut = new byte[size];
    }

    static byte[] nonce(long counter) {
        byte[] n = new byte[NONCE_BYTES];
        n[0] = 0x51;
        for (int i = 0; i < 8; i++) {
            n[NONCE_BYTES - 1 - i] = (byte) (counter >>> (8 * i));
        }
        return n;
    }

    @Benchmark
    public byte[] seal() throws GeneralSecurityException {
        long c = ++counter;
        for (int i = 0; i < 8; i++) {
            sealNonce[NONCE_BYTES - 1 - i] = (byte) (c >>> (8 * i));
        }
        raw.seal(sealNonce, aad, plaintext, size, sealOut);
        return sealOut;
    }

    @Benchmark
    public byte[] open() throws GeneralSecurityException {
        int i = next;
        next = (i + 1) & (OPEN_RING - 1);
        byte[] ct = ciphertexts[i];
        raw.open(openNonces[i], aad, ct, ct.length, openOut);
        return openOut;
    }

    static Raw create(String name) throws GeneralSecurityException {
        byte[] key16 = new byte[16];
        byte[] key32 = new byte[32];
        for (int i = 0; i < key32.length; i++) {
            key32[i] = (byte) (i + 1);
        }
        System.arraycopy(key32, 0, key16, 0, 16);
        return switch (name) {
            case "AES_GCM" -> new Jce("AES/GCM/NoPadding", new SecretKeySpec(key16, "AES"), 16, false);
            case "CHACHA20_POLY1305" -> new Jce("ChaCha20-Poly1305", new SecretKeySpec(key32, "ChaCha20"), 16, true);
            case "CCM_8" -> new Ours(new AesCcm(SecretBytes.copyOf(key16), 8));
            case "BC_CCM_8" -> new BcCcm(key16, 8);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** A JCE AEAD, initialised per message as a record layer must. */
    static final class Jce implements Raw {
        private final Cipher cipher;
        private final SecretKeySpec key;
        private final int tagBytes;
        private final boolean ivSpec;

        Jce(String transformation, SecretKeySpec key, int tagBytes, boolean ivSpec) throws GeneralSecurityException {
            this.cipher = Cipher.getInstance(transformation);
            this.key = key;
            this.tagBytes = tagBytes;
            this.ivSpec = ivSpec;
        }

        private AlgorithmParameterSpec spec(byte[] nonce) {
            return ivSpec ? new IvParameterSpec(nonce) : new GCMParameterSpec(tagBytes * 8, nonce);
        }

        @Override
        public int seal(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws GeneralSecurityException {
            cipher.init(Cipher.ENCRYPT_MODE, key, spec(nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(in, 0, len, out, 0);
        }

        @Override
        public int open(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws GeneralSecurityException {
            cipher.init(Cipher.DECRYPT_MODE, key, spec(nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(in, 0, len, out, 0);
        }

        @Override
        public int tagBytes() {
            return tagBytes;
        }
    }

    /** record-sec's CCM. */
    static final class Ours implements Raw {
        private final AesCcm ccm;

        Ours(AesCcm ccm) {
            this.ccm = ccm;
        }

        @Override
        public int seal(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) {
            return ccm.seal(nonce, aad, in, 0, len, out, 0);
        }

        @Override
        public int open(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws GeneralSecurityException {
            try {
                return ccm.open(nonce, aad, in, 0, len, out, 0);
            } catch (RecSecException e) {
                throw new GeneralSecurityException(e.reason().toString());
            }
        }

        @Override
        public int tagBytes() {
            return ccm.tagSizeBytes();
        }
    }

    /** Bouncy Castle's CCM on its own AES engine, re-initialised per message. */
    static final class BcCcm implements Raw {
        private final CCMModeCipher ccm = CCMBlockCipher.newInstance(AESEngine.newInstance());
        private final KeyParameter key;
        private final int tagBytes;

        BcCcm(byte[] key, int tagBytes) {
            this.key = new KeyParameter(key);
            this.tagBytes = tagBytes;
        }

        private int run(boolean encrypt, byte[] nonce, byte[] aad, byte[] in, int len, byte[] out)
                throws GeneralSecurityException {
            ccm.init(encrypt, new AEADParameters(key, tagBytes * 8, nonce, aad));
            int n = ccm.processBytes(in, 0, len, out, 0);
            try {
                return n + ccm.doFinal(out, n);
            } catch (InvalidCipherTextException e) {
                throw new GeneralSecurityException("BC CCM tag does not verify", e);
            }
        }

        @Override
        public int seal(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws GeneralSecurityException {
            return run(true, nonce, aad, in, len, out);
        }

        @Override
        public int open(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws GeneralSecurityException {
            return run(false, nonce, aad, in, len, out);
        }

        @Override
        public int tagBytes() {
            return tagBytes;
        }
    }
}
