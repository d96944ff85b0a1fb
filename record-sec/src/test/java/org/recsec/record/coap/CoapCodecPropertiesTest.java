package org.recsec.record.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.recsec.record.base.RecSecException;

/** Round trips, truncations and garbage for {@link CoapCodec}. */
class CoapCodecPropertiesTest {

    @Provide
    Arbitrary<CoapMessage> messages() {
        return CoapGenerators.messages();
    }

    @Provide
    Arbitrary<List<CoapOption>> options() {
        return CoapGenerators.options();
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return CoapGenerators.payloads();
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300);
    }

    @Property(tries = 300)
    void decodeInvertsEncodeAndReencodeIsByteExact(@ForAll("messages") CoapMessage m) throws RecSecException {
        byte[] wire = CoapCodec.encode(m);
        CoapMessage back = CoapCodec.decode(wire, 0, wire.length);
        assertEquals(m, back);
        assertArrayEquals(wire, CoapCodec.encode(back));
    }

    @Property(tries = 100)
    void decodeHonoursOffsetAndLength(@ForAll("messages") CoapMessage m) throws RecSecException {
        byte[] wire = CoapCodec.encode(m);
        byte[] framed = new byte[wire.length + 7];
        Arrays.fill(framed, (byte) 0xff); // garbage around the datagram must not be read
        System.arraycopy(wire, 0, framed, 3, wire.length);
        assertEquals(m, CoapCodec.decode(framed, 3, wire.length));
    }

    @Property(tries = 300)
    void bodyRoundTrips(@ForAll("options") List<CoapOption> options, @ForAll("payloads") byte[] payload)
            throws RecSecException {
        byte[] wire = CoapCodec.encodeBody(options, payload);
        CoapCodec.Body body = CoapCodec.decodeBody(wire, 0, wire.length);
        assertEquals(options, body.options());
        assertArrayEquals(payload, body.payload());
        assertArrayEquals(wire, CoapCodec.encodeBody(body.options(), body.payload()));
    }

    /** Every prefix (the datagram fed one byte at a time) is refused or is itself a valid, shorter message. */
    @Property(tries = 100)
    void everyTruncationIsRefusedOrAShorterValidMessage(@ForAll("messages") CoapMessage m) {
        byte[] wire = CoapCodec.encode(m);
        for (int n = 0; n < wire.length; n++) {
            byte[] prefix = Arrays.copyOf(wire, n);
            CoapMessage shorter;
            try {
                shorter = CoapCodec.decode(prefix, 0, n);
            } catch (RecSecException e) {
                assertEquals(RecSecException.Reason.MALFORMED, e.reason());
                continue;
            }
            assertArrayEquals(prefix, CoapCodec.encode(shorter), "prefix " + n);
        }
    }

    @Property(tries = 100)
    void everyBodyTruncationIsRefusedOrAShorterValidBody(@ForAll("options") List<CoapOption> options,
                                                          @ForAll("payloads") byte[] payload) {
        byte[] wire = CoapCodec.encodeBody(options, payload);
        for (int n = 0; n < wire.length; n++) {
            CoapCodec.Body shorter;
            try {
                shorter = CoapCodec.decodeBody(wire, 0, n);
            } catch (RecSecException e) {
                assertEquals(RecSecException.Reason.MALFORMED, e.reason());
                continue;
            }
            assertArrayEquals(Arrays.copyOf(wire, n), CoapCodec.encodeBody(shorter.options(), shorter.payload()),
                    "prefix " + n);
        }
    }

    /**
     * Random bytes: only MALFORMED ever escapes, and whatever decodes re-encodes to the very same bytes, which holds
     * because the 13/14 extended forms give every delta and length exactly one encoding.
     */
    @Property(tries = 1000)
    void garbageIsRefusedOrReencodesExactly(@ForAll("garbage") byte[] b) {
        try {
            CoapMessage m = CoapCodec.decode(b, 0, b.length);
            assertArrayEquals(b, CoapCodec.encode(m));
        } catch (RecSecException e) {
            assertEquals(RecSecException.Reason.MALFORMED, e.reason());
        }
        try {
            CoapCodec.Body body = CoapCodec.decodeBody(b, 0, b.length);
            assertArrayEquals(b, CoapCodec.encodeBody(body.options(), body.payload()));
        } catch (RecSecException e) {
            assertEquals(RecSecException.Reason.MALFORMED, e.reason());
        }
    }

    /** Garbage that starts like a real header (version 1, small TKL, non-zero code), so option parsing is reached. */
    @Property(tries = 1000)
    void headerPrefixedGarbageIsRefusedOrReencodesExactly(@ForAll("garbage") byte[] tail) {
        byte[] b = new byte[4 + tail.length];
        b[0] = 0x40;
        b[1] = 0x01;
        System.arraycopy(tail, 0, b, 4, tail.length);
        try {
            CoapMessage m = CoapCodec.decode(b, 0, b.length);
            assertArrayEquals(b, CoapCodec.encode(m));
        } catch (RecSecException e) {
            assertEquals(RecSecException.Reason.MALFORMED, e.reason());
        }
    }
}
