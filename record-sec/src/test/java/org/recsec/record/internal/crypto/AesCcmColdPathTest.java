package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;

/**
 * {@link AesCcm}'s two CTR passes against Bouncy Castle: the JCE's CTR cipher (a key that stays in its thread slot)
 * and the CBC cipher one block per call (a slot that changed hands, a message up to
 * {@link AesCcm#CTR_VIA_CBC_MAX_BYTES}). Every call here is checked on both sides of that limit, with one-, two- and
 * three-part seals and opens, in place and not.
 */
class AesCcmColdPathTest {
    private final Random rnd = new Random(0xcc3);

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] bc(byte[] key, int tag, byte[] nonce, byte[] aad, byte[] msg) throws Exception {
        return AeadDifferentialTest.bc(CCMBlockCipher.newInstance(AESEngine.newInstance()), key, tag, nonce, aad, msg);
    }

    /** Seals and opens {@code msg} every way with {@code ccm} and checks all against {@code expected}. */
    private static void everyWay(AesCcm ccm, byte[] nonce, byte[] aad, byte[] msg, byte[] expected, String what)
            throws RecSecException {
        byte[] out = new byte[expected.length];
        ccm.seal(nonce, aad, msg, 0, msg.length, out, 0);
        assertArrayEquals(expected, out, what + " one part");
        int cut1 = msg.length / 3;
        int cut2 = 2 * msg.length / 3;
        byte[] three = new byte[expected.length];
        ccm.seal(nonce, aad, msg, 0, cut1, msg, cut1, cut2 - cut1, Arrays.copyOfRange(msg, cut2, msg.length),
                msg.length - cut2, three, 0);
        assertArrayEquals(expected, three, what + " three parts");
        byte[] inPlace = Arrays.copyOf(msg, expected.length);
        ccm.seal(nonce, aad, inPlace, 0, msg.length, inPlace, 0);
        assertArrayEquals(expected, inPlace, what + " in place");
        byte[] pt = new byte[msg.length];
        assertEquals(msg.length, ccm.open(nonce, aad, expected, 0, expected.length, pt, 0));
        assertArrayEquals(msg, pt, what + " open");
        byte[] forged = expected.clone();
        forged[rnd(forged.length)] ^= 1;
        assertEquals(RecSecException.Reason.AUTH_FAILED, assertThrows(RecSecException.class,
                () -> ccm.open(nonce, aad, forged, 0, forged.length, new byte[msg.length], 0)).reason(), what);
    }

    private static int rnd(int n) {
        return new Random(n).nextInt(n);
    }

    @Test
    void aFreshInstanceAndAHotOneAgreeWithBouncyCastleOnBothSidesOfTheLimit() throws Exception {
        int[] lengths = {0, 1, 15, 16, 17, 31, 64, 100, AesCcm.CTR_VIA_CBC_MAX_BYTES - 1,
                AesCcm.CTR_VIA_CBC_MAX_BYTES, AesCcm.CTR_VIA_CBC_MAX_BYTES + 1, 300, 1042};
        for (int len : lengths) {
            for (int nonceLen : new int[] {7, 12, 13}) {
                for (int tag : new int[] {4, 8, 16}) {
                    byte[] key = bytes(len % 2 == 0 ? 16 : 32);
                    byte[] nonce = bytes(nonceLen);
                    byte[] aad = bytes(len % 3 == 0 ? 0 : 13);
                    byte[] msg = bytes(len);
                    byte[] expected = bc(key, tag, nonce, aad, msg);
                    String what = "len " + len + " nonce " + nonceLen + " tag " + tag;
                    // fresh: both thread ciphers hold other keys (the first call takes the CBC-only pass)
                    AesCcm ccm = new AesCcm(SecretBytes.copyOf(key), tag);
                    everyWay(ccm, nonce, aad, msg, expected, what + " fresh");
                    // hot: the same instance again, back on the CTR cipher
                    everyWay(ccm, nonce, aad, msg, expected, what + " hot");
                    AesCcm opener = new AesCcm(SecretBytes.copyOf(key), tag);
                    byte[] pt = new byte[len];
                    opener.open(nonce, aad, expected, 0, expected.length, pt, 0);
                    assertArrayEquals(msg, pt, what + " open first");
                }
            }
        }
    }

    @Test
    void keysThatKeepTakingEachOthersSlotsStayCorrect() throws Exception {
        // two instances per slot: between two calls of one, the other takes the thread's ciphers
        int n = 2 * AesCcm.CACHE_SLOTS;
        List<AesCcm> ccms = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] key = bytes(16);
            keys.add(key);
            ccms.add(new AesCcm(SecretBytes.copyOf(key), 8));
        }
        int stolen = 0;
        for (int i = 0; i < n; i++) {
            AesCcm mine = ccms.get(i);
            AesCcm mate = null;
            for (AesCcm c : ccms) {
                if (c != mine && c.slot == mine.slot) {
                    mate = c;
                }
            }
            byte[] nonce = bytes(12);
            byte[] aad = bytes(13);
            byte[] msg = bytes(i % (AesCcm.CTR_VIA_CBC_MAX_BYTES + 40));
            byte[] expected = bc(keys.get(i), 8, nonce, aad, msg);
            if (mate != null) {
                stolen++;
                mate.seal(nonce, aad, msg, 0, msg.length, new byte[expected.length], 0);
            }
            byte[] out = new byte[expected.length];
            mine.seal(nonce, aad, msg, 0, msg.length, out, 0);
            assertArrayEquals(expected, out, "seal " + i);
            if (mate != null) {
                mate.seal(nonce, aad, msg, 0, msg.length, new byte[expected.length], 0);
            }
            byte[] pt = new byte[msg.length];
            mine.open(nonce, aad, out, 0, out.length, pt, 0);
            assertArrayEquals(msg, pt, "open " + i);
        }
        assertTrue(stolen > n / 2, "slots shared: " + stolen);
    }
}
