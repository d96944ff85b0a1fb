package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javacard.security.AESKey;
import javacard.security.KeyBuilder;
import javacard.security.MessageDigest;
import javacardx.crypto.Cipher;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The card's PRF and CCM classes run on jcardsim's JavaCard API, checked against the published TLS 1.2 PRF vector,
 * Bouncy Castle's TLS PRF and BC's CCMBlockCipher.
 */
class CardCryptoTest {

    private static Prf cardPrf() {
        return new Prf(MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false), new byte[Consts.HMAC_SIZE]);
    }

    private static byte[] cardPrf(byte[] secret, String label, byte[] seed, int n) {
        byte[] out = new byte[n];
        byte[] l = label.getBytes(StandardCharsets.US_ASCII);
        cardPrf().prf(secret, (short) 0, (short) secret.length, l, seed, (short) 0, (short) seed.length, null,
                (short) 0, (short) 0, out, (short) 0, (short) n);
        return out;
    }

    /**
     * The TLS 1.2 P_SHA256 vector posted to the IETF TLS WG list
     * (https://www.ietf.org/mail-archive/web/tls/current/msg03416.html).
     */
    @net.jqwik.api.Example
    void publishedPrfVector() {
        byte[] expected = Hex.bytes("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
                + "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
                + "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701" + "87347b66");
        byte[] got = cardPrf(Hex.bytes("9bbe436ba940f017b17652849a71db35"), "test label",
                Hex.bytes("a0ba9f936cda311827a6f796ffd5198c"), 100);
        assertArrayEquals(expected, got);
        assertArrayEquals(expected, HostCrypto.prf(Hex.bytes("9bbe436ba940f017b17652849a71db35"), "test label",
                Hex.bytes("a0ba9f936cda311827a6f796ffd5198c"), 100), "the tests' own PRF");
    }

    /** Secrets longer than the HMAC block (a 64-byte PSK gives a 132-byte premaster) are hashed first. */
    @Property(tries = 40)
    void prfMatchesBouncyCastle(@ForAll @Size(min = 1, max = 132) byte[] secret,
            @ForAll @Size(max = 80) byte[] seed, @ForAll @IntRange(min = 1, max = 100) int n) {
        byte[] expected = new BcTlsCrypto(new java.security.SecureRandom()).createSecret(secret)
                .deriveUsingPRF(PRFAlgorithm.tls_prf_sha256, "key expansion", seed, n).extract();
        assertArrayEquals(expected, cardPrf(secret, "key expansion", seed, n));
    }

    @Property(tries = 40)
    void ccmMatchesBouncyCastle(@ForAll @Size(16) byte[] key, @ForAll @Size(4) byte[] iv,
            @ForAll @Size(max = 300) byte[] text, @ForAll @IntRange(min = 0, max = 100000) int seq) throws Exception {
        byte[] expected = HostCrypto.sealRecord(key, iv, 23, 1, seq, text);
        byte[] rec = Arrays.copyOf(expected, expected.length);
        // header and explicit nonce as the card writes them, plaintext in place
        System.arraycopy(text, 0, rec, 21, text.length);
        Arrays.fill(rec, 21 + text.length, rec.length, (byte) 0);
        AESKey k = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES, KeyBuilder.LENGTH_AES_128, false);
        k.setKey(key, (short) 0);
        Cipher aes = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_ECB_NOPAD, false);
        aes.init(k, Cipher.MODE_ENCRYPT);
        RecordAead aead = new RecordAead(new byte[Consts.CCM_SIZE]);
        aead.seal(aes, iv, (short) 0, rec, (short) 0, (short) 13, rec, (short) 3, (short) text.length);
        assertArrayEquals(expected, rec);
        assertTrue(aead.open(aes, iv, (short) 0, rec, (short) 0, (short) 13, rec, (short) 3, (short) text.length));
        assertArrayEquals(text, Arrays.copyOfRange(rec, 21, 21 + text.length));
        expected[expected.length - 1] ^= 1;
        assertFalse(aead.open(aes, iv, (short) 0, expected, (short) 0, (short) 13, expected, (short) 3, (short) text.length));
        assertArrayEquals(new byte[text.length], Arrays.copyOfRange(expected, 21, 21 + text.length),
                "a forged record's text is wiped");
    }
}
