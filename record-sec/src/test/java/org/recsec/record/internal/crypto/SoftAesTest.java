package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;

/**
 * The plain-Java AES ({@link Aes}) against FIPS 197 Appendix C and the JCE, and {@link AesCcm}'s plain-Java path
 * against its JCE path: an instance's first call on a thread whose slot holds another key (or none) takes the
 * plain-Java path, its second call the JCE one, so the two results of one instance must be the same bytes.
 */
class SoftAesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void fips197AppendixC() {
        byte[] pt = HEX.parseHex("00112233445566778899aabbccddeeff");
        String[][] cases = {
                {"000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"},
                {"000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191"},
                {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                        "8ea2b7ca516745bfeafc49904b496089"},
        };
        for (String[] c : cases) {
            byte[] out = new byte[16];
            Aes.encryptBlock(Aes.expandKey(HEX.parseHex(c[0])), pt, 0, out, 0);
            assertEquals(c[1], HEX.formatHex(out), c[0]);
        }
    }

    @Test
    void randomBlocksMatchTheJce() throws Exception {
        Random r = new Random(19);
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        for (int n = 0; n < 600; n++) {
            byte[] key = new byte[16 + 8 * (n % 3)];
            r.nextBytes(key);
            byte[] in = new byte[16];
            r.nextBytes(in);
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            byte[] ours = in.clone();
            Aes.encryptBlock(Aes.expandKey(key), ours, 0, ours, 0); // in place
            assertArrayEquals(ecb.doFinal(in), ours, "key " + HEX.formatHex(key));
        }
    }

    @Test
    void refusesOtherKeySizes() {
        assertThrows(IllegalArgumentException.class, () -> Aes.expandKey(new byte[20]));
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 8, 16})
    void ccmPlainJavaPathSealsAndOpensAsTheJcePath(int tag) throws Exception {
        Random r = new Random(tag);
        for (int n = 0; n < 300; n++) {
            byte[] key = new byte[16 + 8 * (n % 3)];
            r.nextBytes(key);
            byte[] nonce = new byte[7 + n % 7];
            r.nextBytes(nonce);
            byte[] aad = new byte[n % 5 == 0 ? 0 : r.nextInt(60)];
            r.nextBytes(aad);
            byte[] pt = new byte[r.nextInt(AesCcm.SOFT_MAX_BYTES + 1)];
            r.nextBytes(pt);
            AesCcm ccm = new AesCcm(SecretBytes.copyOf(key), tag);
            byte[] first = new byte[pt.length + tag];
            ccm.seal(nonce, aad, pt, 0, pt.length, first, 0); // plain Java: the slot is not this instance's
            byte[] second = new byte[pt.length + tag];
            ccm.seal(nonce, aad, pt, 0, pt.length, second, 0); // JCE: the instance took the slot over
            assertArrayEquals(second, first, "seal " + n);

            // two parts and a trailer, plain Java (a fresh instance) against the JCE result above
            AesCcm parts = new AesCcm(SecretBytes.copyOf(key), tag);
            int cut = pt.length / 3;
            int trailer = Math.min(2, pt.length - cut);
            byte[] tail = new byte[trailer];
            System.arraycopy(pt, pt.length - trailer, tail, 0, trailer);
            byte[] streamed = new byte[pt.length + tag];
            parts.seal(nonce, aad, pt, 0, cut, pt, cut, pt.length - cut - trailer, tail, trailer, streamed, 0);
            assertArrayEquals(second, streamed, "three-part seal " + n);

            // open: plain Java on a fresh instance, then the JCE on the same one
            AesCcm opener = new AesCcm(SecretBytes.copyOf(key), tag);
            for (int pass = 0; pass < 2; pass++) {
                byte[] back = new byte[pt.length];
                assertEquals(pt.length, opener.open(nonce, aad, first, 0, first.length, back, 0));
                assertArrayEquals(pt, back, "open pass " + pass + " of " + n);
            }
        }
    }

    @Test
    void plainJavaPathRefusesATamperedRecordAndWipesTheOutput() {
        Random r = new Random(3);
        byte[] key = new byte[16];
        r.nextBytes(key);
        byte[] nonce = new byte[12];
        byte[] pt = new byte[64];
        r.nextBytes(pt);
        AesCcm ccm = new AesCcm(SecretBytes.copyOf(key), 8);
        byte[] ct = new byte[72];
        ccm.seal(nonce, new byte[13], pt, 0, 64, ct, 0);
        for (int i : new int[] {0, 63, 64, 71}) {
            byte[] bad = ct.clone();
            bad[i] ^= 1;
            byte[] out = new byte[64];
            AesCcm fresh = new AesCcm(SecretBytes.copyOf(key), 8); // first call: plain Java
            RecSecException e = assertThrows(RecSecException.class,
                    () -> fresh.open(nonce, new byte[13], bad, 0, bad.length, out, 0));
            assertEquals(RecSecException.Reason.AUTH_FAILED, e.reason());
            assertArrayEquals(new byte[64], out, "byte " + i);
        }
    }
}
