package org.recsec.record.fuzz;

import org.recsec.testsupport.FuzzSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;

/**
 * Coverage-guided fuzzing of {@link CoapCodec} (FUZZING.md). The contract from its Javadoc: only
 * {@code RecSecException(MALFORMED)} escapes, output is bounded by the input, and whatever decodes re-encodes to
 * exactly the bytes it came from (every delta and length has one encoding).
 */
class CoapCodecFuzzTest {

    /** A whole datagram (RFC 7252 §3). Seeds: the message-dtls12.json outer messages and the RFC 7252 examples. */
    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void decode(byte[] input) {
        CoapMessage m;
        try {
            m = CoapCodec.decode(input, 0, input.length);
        } catch (RecSecException e) {
            assertEquals(RecSecException.Reason.MALFORMED, e.reason(), e::getMessage);
            return;
        }
        assertTrue(m.tokenLength() + m.payloadLength() + valueBytes(m) <= input.length, "output bounded by input");
        assertArrayEquals(input, CoapCodec.encode(m), "decode-then-encode is byte-exact");
    }

    /** The option-list-plus-payload tail of an inner plaintext (draft-garcia §3). */
    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void decodeBody(byte[] input) {
        CoapCodec.Body body;
        try {
            body = CoapCodec.decodeBody(input, 0, input.length);
        } catch (RecSecException e) {
            assertEquals(RecSecException.Reason.MALFORMED, e.reason(), e::getMessage);
            return;
        }
        assertTrue(body.options().size() <= input.length, "at least one byte per option");
        assertArrayEquals(input, CoapCodec.encodeBody(body.options(), body.payload()),
                "decodeBody-then-encodeBody is byte-exact");
    }

    private static int valueBytes(CoapMessage m) {
        int n = 0;
        for (CoapOption o : m.options()) {
            n += 1 + o.length();
        }
        return n;
    }
}
