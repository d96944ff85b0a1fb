package org.recsec.km.fuzz;

import org.recsec.testsupport.FuzzSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.record.internal.wire.Bytes;

/**
 * Coverage-guided fuzzing of {@link PfKeyMessage#decode}. Its Javadoc promises a total, strict decoder: either a
 * {@link PfKeyException} with EINVAL or EMSGSIZE, or a message that encodes back to exactly the input when it holds
 * no unknown extension type (unknown ones are skipped, so the encoding is then shorter). The errno reply built
 * for a refused input must itself be a valid message, and no key byte may show in {@code toString}.
 */
class PfKeyFuzzTest {

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void decode(byte[] input) throws PfKeyException {
        PfKeyMessage m;
        try {
            m = PfKeyMessage.decode(input);
        } catch (PfKeyException e) {
            assertTrue(e.errno() == PfKey.EINVAL || e.errno() == PfKey.EMSGSIZE, e::getMessage);
            PfKeyMessage reply = PfKeyMessage.errorReplyFor(input, 0, input.length, e.errno());
            assertEquals(e.errno(), PfKeyMessage.decode(reply.encode()).errno(), "errno reply decodes");
            return;
        }
        byte[] encoded = m.encode();
        if (extensionCount(input) == m.extensions().size()) {
            assertArrayEquals(input, encoded, "decode-then-encode is byte-exact");
        } else {
            assertTrue(encoded.length < input.length, "only unknown extensions are dropped");
        }
        assertArrayEquals(encoded, PfKeyMessage.decode(encoded).encode(), "the encoding decodes to itself");
        PfKeyMessage reply = m.errorReply(PfKey.EINVAL);
        assertEquals(PfKey.BASE_HEADER_BYTES, reply.encode().length);
        assertFalse(m.withoutKeys().has(PfKey.SADB_EXT_KEY_ENCRYPT));
        String text = m.toString();
        // Identities are the sender's own text and are shown: a fuzzer can write the key's hex into one.
        for (int type : new int[] {PfKey.SADB_EXT_IDENTITY_SRC, PfKey.SADB_EXT_IDENTITY_DST}) {
            Optional<PfKeyExtension.Identity> id = m.ext(type, PfKeyExtension.Identity.class);
            if (id.isPresent()) {
                text = text.replace(id.get().value(), "");
            }
        }
        for (int type : new int[] {PfKey.SADB_EXT_KEY_AUTH, PfKey.SADB_EXT_KEY_ENCRYPT}) {
            Optional<PfKeyExtension.Key> k = m.ext(type, PfKeyExtension.Key.class);
            if (k.isPresent() && k.get().key().length() >= 4) {
                assertFalse(text.toLowerCase().contains(Bytes.toHex(k.get().key().toByteArray())),
                        "key bytes in toString");
            }
        }
    }

    /** Extensions in an input that decoded: walks the length fields the decoder already checked. */
    static int extensionCount(byte[] b) {
        int n = 0;
        for (int p = PfKey.BASE_HEADER_BYTES; p < b.length; p += Bytes.readUint16Be(b, p) * 8) {
            n++;
        }
        return n;
    }
}
