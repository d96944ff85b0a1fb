package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsec.record.base.SecretBytes;

/**
 * The AEADs share their JCE objects per thread across keys (so memory per SA does not grow with threads): many keys
 * interleaved on one thread seal exactly what each key sealing alone does, and open each other's records; one
 * instance sealing twice under one nonce is still refused where the JCE guards against it.
 */
class SharedCipherStateTest {
    private static Aead make(String kind, byte[] key) {
        return switch (kind) {
            case "ccm8" -> new AesCcm(SecretBytes.copyOf(key), 8);
            case "gcm" -> new AesGcm(SecretBytes.copyOf(key), 16);
            default -> new ChaCha20Poly1305(SecretBytes.copyOf(key));
        };
    }

    private static int keyLength(String kind) {
        return kind.equals("chacha") ? 32 : 16;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ccm8", "gcm", "chacha"})
    void interleavedKeysSealAsEachAloneAndOpenEachOther(String kind) throws Exception {
        interleave(kind, 5, 40);
    }

    /** More CCM keys than a thread caches cipher pairs for: slots change hands, each key still seals as alone. */
    @Test
    void moreCcmKeysThanCacheSlots() throws Exception {
        interleave("ccm8", 3 * AesCcm.CACHE_SLOTS + 1, 2000);
    }

    private static void interleave(String kind, int keyCount, int rounds) throws Exception {
        Random r = new Random(7);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < keyCount; i++) {
            byte[] k = new byte[keyLength(kind)];
            r.nextBytes(k);
            keys.add(k);
        }
        Function<Integer, Aead> fresh = i -> make(kind, keys.get(i));
        List<Aead> shared = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            shared.add(fresh.apply(i));
        }
        for (int round = 0; round < rounds; round++) {
            int i = r.nextInt(keys.size());
            byte[] nonce = new byte[12];
            r.nextBytes(nonce);
            byte[] aad = new byte[13];
            r.nextBytes(aad);
            byte[] pt = new byte[r.nextInt(100)];
            r.nextBytes(pt);
            Aead a = shared.get(i);
            byte[] ct = new byte[pt.length + a.tagSizeBytes()];
            a.seal(nonce, aad, pt, 0, pt.length, ct, 0);
            // The same record from an instance that never shared its thread state with other keys.
            Aead alone = fresh.apply(i);
            byte[] expected = new byte[ct.length];
            alone.seal(nonce, aad, pt, 0, pt.length, expected, 0);
            assertArrayEquals(expected, ct, "round " + round);
            byte[] back = new byte[pt.length];
            assertEquals(pt.length, shared.get(i).open(nonce, aad, ct, 0, ct.length, back, 0));
            assertArrayEquals(pt, back);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gcm", "chacha"})
    void oneInstanceSealingTwiceUnderOneNonceIsStillRefused(String kind) {
        byte[] key = new byte[keyLength(kind)];
        Aead a = make(kind, key);
        byte[] nonce = new byte[12];
        byte[] out = new byte[32];
        a.seal(nonce, new byte[0], new byte[4], 0, 4, out, 0);
        assertThrows(IllegalStateException.class, () -> a.seal(nonce, new byte[0], new byte[4], 0, 4, out, 0));
    }
}
