package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;

/** Our AEADs against Bouncy Castle's CCMBlockCipher, GCMBlockCipher and ChaCha20Poly1305 on random inputs. */
class AeadDifferentialTest {

    static byte[] bc(AEADCipher c, byte[] key, int tagBytes, byte[] nonce, byte[] aad, byte[] msg) throws Exception {
        c.init(true, new AEADParameters(new KeyParameter(key), tagBytes * 8, nonce, aad));
        byte[] out = new byte[c.getOutputSize(msg.length)];
        int n = c.processBytes(msg, 0, msg.length, out, 0);
        c.doFinal(out, n);
        return out;
    }

    static void roundTrip(String what, Aead ours, byte[] nonce, byte[] aad, byte[] msg, byte[] expected)
            throws RecSecException {
        byte[] out = new byte[expected.length + 5];
        ours.seal(nonce, aad, msg, 0, msg.length, out, 5);
        assertArrayEquals(expected, Arrays.copyOfRange(out, 5, out.length), what + " seal");
        byte[] pt = new byte[msg.length];
        ours.open(nonce, aad, out, 5, expected.length, pt, 0);
        assertArrayEquals(msg, pt, what + " open");
        out[5 + expected.length - 1] ^= (byte) 0x80;
        RecSecException e = assertThrows(RecSecException.class,
                () -> ours.open(nonce, aad, out, 5, expected.length, new byte[msg.length], 0), what);
        assertEquals(RecSecException.Reason.AUTH_FAILED, e.reason(), what);
    }

    @Property(tries = 150)
    void ccmMatchesBc(@ForAll("key16or24or32") byte[] key, @ForAll @IntRange(min = 2, max = 8) int halfTag,
                      @ForAll @IntRange(min = 7, max = 13) int nonceLen, @ForAll("aad") byte[] aad,
                      @ForAll("msg") byte[] msg, @ForAll long seed) throws Exception {
        byte[] nonce = new byte[nonceLen];
        new Random(seed).nextBytes(nonce);
        int tag = 2 * halfTag;
        byte[] expected = bc(CCMBlockCipher.newInstance(AESEngine.newInstance()), key, tag, nonce, aad, msg);
        roundTrip("CCM key " + key.length + " tag " + tag + " nonce " + nonceLen + " len " + msg.length,
                new AesCcm(SecretBytes.copyOf(key), tag), nonce, aad, msg, expected);
    }

    @Property(tries = 100)
    void gcmMatchesBc(@ForAll("key16or24or32") byte[] key, @ForAll @IntRange(min = 12, max = 16) int tag,
                      @ForAll("aad") byte[] aad, @ForAll("msg") byte[] msg, @ForAll long seed) throws Exception {
        byte[] nonce = new byte[12];
        new Random(seed).nextBytes(nonce);
        byte[] expected = bc(GCMBlockCipher.newInstance(AESEngine.newInstance()), key, tag, nonce, aad, msg);
        roundTrip("GCM tag " + tag + " len " + msg.length, new AesGcm(SecretBytes.copyOf(key), tag), nonce, aad,
                msg, expected);
    }

    @Property(tries = 100)
    void chachaMatchesBc(@ForAll("key32") byte[] key, @ForAll("aad") byte[] aad, @ForAll("msg") byte[] msg,
                         @ForAll long seed) throws Exception {
        byte[] nonce = new byte[12];
        new Random(seed).nextBytes(nonce);
        byte[] expected = bc(new ChaCha20Poly1305(), key, 16, nonce, aad, msg);
        roundTrip("ChaCha len " + msg.length, new org.recsec.record.internal.crypto.ChaCha20Poly1305(SecretBytes.copyOf(key)),
                nonce, aad, msg, expected);
    }

    /**
     * The long-AAD encoding (0xFFFE ‖ uint32, RFC 3610 §2.2), messages longer than the CBC-MAC scratch, and AADs at
     * the edge of the 64-byte buffer B0 ‖ l(a) ‖ AAD is assembled in (46 bytes fill it, 47 are fed in pieces).
     */
    @Test
    void ccmLongAadAndLongMessages() throws Exception {
        Random r = new Random(7);
        for (int[] sizes : new int[][] {{0xfeff, 10}, {0xff00, 0}, {70_000, 5000}, {2100, 2047}, {3, 2049},
                {0, 65_535}, {0, 4096}, {46, 20}, {47, 20}, {30, 0}, {47, 0}}) {
            byte[] key = new byte[16];
            byte[] nonce = new byte[13]; // L = 2 allows up to 65535 bytes
            byte[] aad = new byte[sizes[0]];
            byte[] msg = new byte[sizes[1]];
            r.nextBytes(key);
            r.nextBytes(nonce);
            r.nextBytes(aad);
            r.nextBytes(msg);
            byte[] expected = bc(CCMBlockCipher.newInstance(AESEngine.newInstance()), key, 8, nonce, aad, msg);
            roundTrip("CCM aad " + sizes[0] + " msg " + sizes[1], new AesCcm(SecretBytes.copyOf(key), 8), nonce,
                    aad, msg, expected);
        }
    }

    @Test
    void ccmRefusesMessageTooLongForNonce() {
        AesCcm ccm = new AesCcm(SecretBytes.copyOf(new byte[16]), 8);
        byte[] msg = new byte[65_536];
        assertThrows(IllegalArgumentException.class,
                () -> ccm.seal(new byte[13], new byte[0], msg, 0, msg.length, new byte[msg.length + 8], 0));
        assertThrows(IllegalArgumentException.class, () -> new AesCcm(SecretBytes.copyOf(new byte[16]), 7));
        assertThrows(IllegalArgumentException.class, () -> new AesCcm(SecretBytes.copyOf(new byte[16]), 18));
        assertThrows(IllegalArgumentException.class, () -> new AesCcm(SecretBytes.copyOf(new byte[15]), 8));
    }

    /** Sealing and opening in place (same array, same offset) gives the same bytes as separate buffers. */
    @Test
    void inPlace() throws Exception {
        Random r = new Random(3);
        byte[] key = new byte[32];
        r.nextBytes(key);
        SecretBytes k = SecretBytes.copyOf(key);
        List<Supplier<Aead>> aeads = List.of(() -> new AesCcm(k, 16), () -> new AesGcm(k, 16),
                () -> new org.recsec.record.internal.crypto.ChaCha20Poly1305(k));
        for (Supplier<Aead> make : aeads) {
            // A second instance for the in-place seal: the JCE refuses one instance the same nonce twice.
            Aead a = make.get();
            Aead b = make.get();
            for (int len : new int[] {0, 1, 16, 100, 1024, 3000}) {
                byte[] nonce = new byte[12];
                r.nextBytes(nonce);
                byte[] msg = new byte[len];
                r.nextBytes(msg);
                byte[] separate = new byte[len + 16];
                a.seal(nonce, new byte[5], msg, 0, len, separate, 0);
                byte[] buf = Arrays.copyOf(msg, len + 16);
                b.seal(nonce, new byte[5], buf, 0, len, buf, 0);
                assertArrayEquals(separate, buf, a + " in-place seal " + len);
                assertEquals(len, a.open(nonce, new byte[5], buf, 0, len + 16, buf, 0));
                assertArrayEquals(msg, Arrays.copyOf(buf, len), a + " in-place open " + len);
            }
        }
    }

    @Provide
    Arbitrary<byte[]> key16or24or32() {
        return Arbitraries.of(16, 24, 32).flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
    }

    @Provide
    Arbitrary<byte[]> key32() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32);
    }

    @Provide
    Arbitrary<byte[]> aad() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(64);
    }

    @Provide
    Arbitrary<byte[]> msg() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(2048);
    }
}
