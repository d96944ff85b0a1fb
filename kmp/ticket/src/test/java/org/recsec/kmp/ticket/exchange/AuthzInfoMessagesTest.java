package org.recsec.kmp.ticket.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.recsec.record.internal.wire.Bytes;

/** The request and response maps against Jackson's CBOR encoder and parser (an independent implementation). */
class AuthzInfoMessagesTest {
    private static final CBORMapper CBOR = new CBORMapper();

    @Test
    void requestAsJacksonReadsIt() throws Exception {
        byte[] ticket = Bytes.fromHex("d08343a1010aa0");
        byte[] n1 = Bytes.fromHex("0001020304050607");
        byte[] enc = new AuthzInfoMessages.Request(ticket, n1, 0xfedcba98L).encode();
        JsonNode m = CBOR.readTree(enc);
        assertEquals(3, m.size());
        assertArrayEquals(ticket, m.get("1").binaryValue());
        assertArrayEquals(n1, m.get("40").binaryValue());
        assertEquals(0xfedcba98L, m.get("43").asLong());
        // Exact bytes: {1: h'..', 24 28: h'..', 24 2b: 1a fedcba98}
        assertEquals("a3" + "0147d08343a1010aa0" + "1828480001020304050607" + "182b1afedcba98", Bytes.toHex(enc));
    }

    @Test
    void responseAsJacksonReadsIt() throws Exception {
        byte[] n2 = Bytes.fromHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
        byte[] enc = new AuthzInfoMessages.Response(n2, 300).encode();
        JsonNode m = CBOR.readTree(enc);
        assertArrayEquals(n2, m.get("42").binaryValue());
        assertEquals(300, m.get("44").asInt());
    }

    private static byte[] jackson(long spiKey, long spi, byte[] nonce, boolean withExtra) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
            g.writeStartObject(withExtra ? 3 : 2);
            g.writeFieldId(42);
            g.writeBinary(nonce);
            if (withExtra) {
                g.writeFieldId(99);
                g.writeString("ignored");
            }
            g.writeFieldId(spiKey);
            g.writeNumber(spi);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    @Test
    void decodesWhatJacksonWrites() throws Exception {
        byte[] n2 = new byte[12];
        AuthzInfoMessages.Response r = AuthzInfoMessages.decodeResponse(jackson(44, 70000, n2, true));
        assertEquals(70000, r.serverSpi());
        assertArrayEquals(n2, r.nonce2());
    }

    private static void assertMalformed(byte[] b) {
        assertEquals(TicketExchangeException.Reason.MALFORMED, assertThrows(TicketExchangeException.class,
                () -> AuthzInfoMessages.decodeResponse(b)).reason(), Bytes.toHex(b));
    }

    @Test
    void refusesWhatIsOutOfRangeOrMissing() throws Exception {
        assertMalformed(jackson(45, 70000, new byte[12], false));       // no server SPI
        assertMalformed(jackson(44, 255, new byte[12], false));         // reserved SPI
        assertMalformed(jackson(44, 1L << 32, new byte[12], false));    // beyond uint32
        assertMalformed(jackson(44, -1, new byte[12], false));          // negative
        assertMalformed(jackson(44, 300, new byte[7], false));          // N2 too short
        assertMalformed(jackson(44, 300, new byte[65], false));         // N2 too long
        assertMalformed(Bytes.fromHex("a2182a48000000000000000018" + "2c19012c00"));  // trailing byte
        assertMalformed(Bytes.fromHex("a2182a4800000000000000001" + "82a19012c"));    // key 42 twice
        assertMalformed(Bytes.fromHex("a3182a480000000000000000182c19012c617800"));    // a text key
        assertMalformed(Bytes.fromHex("bf182a480000000000000000182c19012cff"));      // indefinite map
        assertMalformed(Bytes.fromHex("a2182a480000000000000000182c1a0000012c"));    // non-shortest head
        assertMalformed(new byte[AuthzInfoMessages.MAX_RESPONSE_BYTES + 1]);
        // The accepted form of the same response, to show the refusals above are about the one change each.
        assertEquals(300, AuthzInfoMessages.decodeResponse(
                Bytes.fromHex("a2182a480000000000000000182c19012c")).serverSpi());
    }

    @Test
    void toStringShowsNoBytes() {
        byte[] secretish = Bytes.fromHex("5ec5ec5ec5ec5ec5ec5e");
        String s = new AuthzInfoMessages.Request(secretish, secretish, 256).toString()
                + new AuthzInfoMessages.Response(secretish, 256);
        assertFalse(s.toLowerCase().contains("5ec5"), s);
    }
}
