package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.vectors.SpecVectors;

/** HKDF-SHA256 against Wycheproof (which includes RFC 5869 A.1-A.3) and against Bouncy Castle. */
class HkdfSha256Test {

    @Test
    void wycheproofValidPassAndTooLongIsRejected() {
        JsonNode file = SpecVectors.load("external/wycheproof/hkdf_sha256_test.json");
        int valid = 0;
        int invalid = 0;
        for (JsonNode group : file.get("testGroups")) {
            for (JsonNode t : group.get("tests")) {
                String id = "tcId " + t.get("tcId").asInt();
                byte[] ikm = Bytes.fromHex(t.get("ikm").asText());
                byte[] salt = Bytes.fromHex(t.get("salt").asText());
                byte[] info = Bytes.fromHex(t.get("info").asText());
                int size = t.get("size").asInt();
                if (t.get("result").asText().equals("valid")) {
                    assertArrayEquals(Bytes.fromHex(t.get("okm").asText()), HkdfSha256.derive(ikm, salt, info, size),
                            id);
                    valid++;
                } else {
                    assertTrue(size > HkdfSha256.MAX_OUTPUT_BYTES, id + " is invalid for another reason");
                    assertThrows(IllegalArgumentException.class, () -> HkdfSha256.derive(ikm, salt, info, size), id);
                    invalid++;
                }
            }
        }
        assertEquals(83, valid);
        assertEquals(3, invalid);
    }

    @Test
    void maximalOutputIsAllowedAndOneMoreIsNot() {
        byte[] ikm = new byte[16];
        assertEquals(255 * 32, HkdfSha256.derive(ikm, new byte[0], new byte[0], 255 * 32).length);
        assertThrows(IllegalArgumentException.class, () -> HkdfSha256.derive(ikm, new byte[0], new byte[0], 255 * 32 + 1));
        assertThrows(IllegalArgumentException.class, () -> HkdfSha256.derive(ikm, new byte[0], new byte[0], -1));
    }

    @Property(tries = 200)
    void agreesWithBouncyCastle(@ForAll @Size(max = 80) byte[] ikm, @ForAll @Size(max = 80) byte[] salt,
                                @ForAll @Size(max = 80) byte[] info, @ForAll @IntRange(max = 600) int length) {
        HKDFBytesGenerator bc = new HKDFBytesGenerator(new SHA256Digest());
        bc.init(new HKDFParameters(ikm, salt, info));
        byte[] expected = new byte[length];
        bc.generateBytes(expected, 0, length);
        assertArrayEquals(expected, HkdfSha256.derive(ikm, salt, info, length));
    }
}
