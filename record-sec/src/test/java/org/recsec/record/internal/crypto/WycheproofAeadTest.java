package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.vectors.SpecVectors;

/**
 * Wycheproof AEAD vectors (C2SP/wycheproof, Apache-2.0; see spec-vectors/vectors/external/wycheproof/README.txt):
 * every valid case must seal to the expected ciphertext ‖ tag and open back; every invalid case must be refused,
 * at construction (unsupported key or tag size), with IllegalArgumentException for an unsupported nonce length,
 * or by {@code open} with a RecSecException.
 */
class WycheproofAeadTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aesCcm() {
        int valid = run("external/wycheproof/aes_ccm_test.json",
                (key, tagBytes) -> new AesCcm(SecretBytes.copyOf(key), tagBytes));
        assertEquals(405, valid, "every valid CCM case runs (all key, nonce and tag sizes are supported)");
    }

    @Test
    void aesGcm() {
        int valid = run("external/wycheproof/aes_gcm_test.json",
                (key, tagBytes) -> new AesGcm(SecretBytes.copyOf(key), tagBytes));
        assertEquals(229, valid, "every valid GCM case runs");
    }

    @Test
    void chaCha20Poly1305() {
        int valid = run("external/wycheproof/chacha20_poly1305_test.json", (key, tagBytes) -> {
            if (tagBytes != 16) {
                throw new IllegalArgumentException("tag");
            }
            return new ChaCha20Poly1305(SecretBytes.copyOf(key));
        });
        assertEquals(256, valid, "every valid ChaCha20-Poly1305 case runs");
    }

    /** Returns the number of valid cases that ran. */
    private static int run(String file, BiFunction<byte[], Integer, Aead> factory) {
        JsonNode root = SpecVectors.load(file);
        int valid = 0;
        int invalid = 0;
        for (JsonNode group : root.get("testGroups")) {
            int tagBytes = group.get("tagSize").asInt() / 8;
            for (JsonNode t : group.get("tests")) {
                String id = file + " tcId " + t.get("tcId").asInt() + " (" + t.get("comment").asText() + ")";
                byte[] key = HEX.parseHex(t.get("key").asText());
                byte[] iv = HEX.parseHex(t.get("iv").asText());
                byte[] aad = HEX.parseHex(t.get("aad").asText());
                byte[] msg = HEX.parseHex(t.get("msg").asText());
                byte[] ctTag = concat(HEX.parseHex(t.get("ct").asText()), HEX.parseHex(t.get("tag").asText()));
                String result = t.get("result").asText();
                if ("valid".equals(result)) {
                    checkValid(id, factory, key, tagBytes, iv, aad, msg, ctTag);
                    valid++;
                } else if ("invalid".equals(result)) {
                    checkInvalid(id, factory, key, tagBytes, iv, aad, ctTag);
                    invalid++;
                } else {
                    fail(id + ": unexpected result " + result);
                }
            }
        }
        assertTrue(invalid > 0, file + " has invalid cases");
        return valid;
    }

    private static void checkValid(String id, BiFunction<byte[], Integer, Aead> factory, byte[] key, int tagBytes,
                                   byte[] iv, byte[] aad, byte[] msg, byte[] ctTag) {
        Aead aead;
        try {
            aead = factory.apply(key, tagBytes);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(id + ": valid parameters refused: " + e.getMessage(), e);
        }
        byte[] out = new byte[msg.length + tagBytes + 3];
        assertEquals(ctTag.length, aead.seal(iv, aad, msg, 0, msg.length, out, 3), id);
        assertArrayEquals(ctTag, java.util.Arrays.copyOfRange(out, 3, out.length), id + ": seal");
        byte[] pt = new byte[msg.length + 1];
        try {
            assertEquals(msg.length, aead.open(iv, aad, ctTag, 0, ctTag.length, pt, 1), id);
        } catch (RecSecException e) {
            throw new AssertionError(id + ": valid case refused by open: " + e.reason(), e);
        }
        assertArrayEquals(msg, java.util.Arrays.copyOfRange(pt, 1, pt.length), id + ": open");
    }

    private static void checkInvalid(String id, BiFunction<byte[], Integer, Aead> factory, byte[] key, int tagBytes,
                                     byte[] iv, byte[] aad, byte[] ctTag) {
        Aead aead;
        try {
            aead = factory.apply(key, tagBytes);
        } catch (IllegalArgumentException e) {
            return; // parameters refused at construction
        }
        byte[] pt = new byte[Math.max(0, ctTag.length - tagBytes)];
        try {
            aead.open(iv, aad, ctTag, 0, ctTag.length, pt, 0);
            fail(id + ": invalid case accepted");
        } catch (IllegalArgumentException e) {
            // unsupported nonce length
        } catch (RecSecException e) {
            assertTrue(e.reason() == RecSecException.Reason.AUTH_FAILED
                    || e.reason() == RecSecException.Reason.MALFORMED, id + ": " + e.reason());
            assertArrayEquals(new byte[pt.length], pt, id + ": no plaintext left after a refused open");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
