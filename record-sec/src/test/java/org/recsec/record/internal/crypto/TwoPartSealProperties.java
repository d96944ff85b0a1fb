package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.RecordCipher;

/**
 * Sealing head ‖ body in two parts (or head ‖ body ‖ trailer in three) gives exactly the record that sealing the
 * joined plaintext gives.
 */
class TwoPartSealProperties {

    @Property(tries = 400)
    void twoPartSealEqualsJoinedSeal(@ForAll CipherSuite suite, @ForAll @IntRange(min = 0, max = 70) int headLen,
                                     @ForAll @IntRange(min = 0, max = 2100) int bodyLen, @ForAll long seed)
            throws RecSecException {
        Random rnd = new Random(seed);
        byte[] key = new byte[suite.keySizeBytes()];
        byte[] iv = new byte[suite.ivSizeBytes()];
        rnd.nextBytes(key);
        rnd.nextBytes(iv);
        byte[] joined = new byte[headLen + bodyLen];
        rnd.nextBytes(joined);
        // The parts sit at offsets inside larger arrays, as the inner header and a payload do.
        byte[] head = new byte[headLen + 5];
        byte[] body = new byte[bodyLen + 3];
        System.arraycopy(joined, 0, head, 2, headLen);
        System.arraycopy(joined, headLen, body, 1, bodyLen);
        long seq = rnd.nextLong() & 0xffff_ffff_ffffL;
        // Two instances: the JCE refuses to seal twice in a row under one nonce on one Cipher (GCM, ChaCha).
        RecordCipher a = RecordCiphers.dtls12(suite, SecretBytes.copyOf(key), iv);
        RecordCipher b = RecordCiphers.dtls12(suite, SecretBytes.copyOf(key), iv);
        byte[] expected = a.seal(23, 1, seq, joined, 0, joined.length);
        byte[] got = b.seal(23, 1, seq, head, 2, headLen, body, 1, bodyLen);
        assertArrayEquals(expected, got, suite + " head " + headLen + " body " + bodyLen);
        assertArrayEquals(joined, a.open(got, 0, got.length));
    }

    @Property(tries = 200)
    void rawCcmTwoPartSealEqualsJoinedSeal(@ForAll @IntRange(min = 0, max = 40) int headLen,
                                           @ForAll @IntRange(min = 0, max = 5000) int bodyLen,
                                           @ForAll @IntRange(min = 0, max = 300) int aadLen, @ForAll long seed) {
        Random rnd = new Random(seed);
        byte[] key = new byte[16];
        rnd.nextBytes(key);
        byte[] nonce = new byte[12];
        rnd.nextBytes(nonce);
        byte[] aad = new byte[aadLen];
        rnd.nextBytes(aad);
        byte[] msg = new byte[headLen + bodyLen];
        rnd.nextBytes(msg);
        AesCcm ccm = new AesCcm(SecretBytes.copyOf(key), 8);
        byte[] expected = new byte[msg.length + 8];
        ccm.seal(nonce, aad, msg, 0, msg.length, expected, 0);
        byte[] got = new byte[msg.length + 8];
        ccm.seal(nonce, aad, Arrays.copyOf(msg, headLen), 0, headLen, msg, headLen, bodyLen, got, 0);
        assertArrayEquals(expected, got);
        // And once more on the same thread: the CBC cipher was left ready for the next message.
        byte[] again = new byte[msg.length + 8];
        ccm.seal(nonce, aad, msg, 0, msg.length, again, 0);
        assertArrayEquals(expected, again);
    }

    /** Every AEAD's three-part seal (a record's head, its payload in place, type and padding) as the joined one. */
    @Property(tries = 300)
    void threePartSealEqualsJoinedSeal(@ForAll @IntRange(min = 0, max = 2) int kind,
                                       @ForAll @IntRange(min = 0, max = 40) int headLen,
                                       @ForAll @IntRange(min = 0, max = 2100) int bodyLen,
                                       @ForAll @IntRange(min = 0, max = 17) int trailerLen,
                                       @ForAll @IntRange(min = 0, max = 40) int aadLen, @ForAll long seed)
            throws RecSecException {
        Random rnd = new Random(seed);
        byte[] key = new byte[kind == 2 ? 32 : 16];
        rnd.nextBytes(key);
        byte[] nonce = new byte[12];
        rnd.nextBytes(nonce);
        byte[] aad = new byte[aadLen];
        rnd.nextBytes(aad);
        byte[] msg = new byte[headLen + bodyLen + trailerLen];
        rnd.nextBytes(msg);
        // Two instances: the JCE refuses to seal twice in a row under one nonce on one Cipher (GCM, ChaCha).
        Aead a = aead(kind, key);
        Aead b = aead(kind, key);
        int tag = a.tagSizeBytes();
        byte[] expected = new byte[msg.length + tag];
        a.seal(nonce, aad, msg, 0, msg.length, expected, 0);
        byte[] head = new byte[headLen + 3];
        System.arraycopy(msg, 0, head, 3, headLen);
        byte[] body = new byte[bodyLen + 2];
        System.arraycopy(msg, headLen, body, 1, bodyLen);
        byte[] trailer = Arrays.copyOfRange(msg, headLen + bodyLen, msg.length + 4); // longer than trailerLen
        byte[] got = new byte[msg.length + tag + 5];
        int n = b.seal(nonce, aad, head, 3, headLen, body, 1, bodyLen, trailer, trailerLen, got, 5);
        assertEquals(msg.length + tag, n);
        assertArrayEquals(expected, Arrays.copyOfRange(got, 5, got.length), kind + " " + headLen + "/" + bodyLen + "/"
                + trailerLen);
        byte[] back = new byte[msg.length];
        a.open(nonce, aad, expected, 0, expected.length, back, 0);
        assertArrayEquals(msg, back);
    }

    private static Aead aead(int kind, byte[] key) {
        return switch (kind) {
            case 0 -> new AesCcm(SecretBytes.copyOf(key), 8);
            case 1 -> new AesGcm(SecretBytes.copyOf(key), 16);
            default -> new ChaCha20Poly1305(SecretBytes.copyOf(key));
        };
    }
}
