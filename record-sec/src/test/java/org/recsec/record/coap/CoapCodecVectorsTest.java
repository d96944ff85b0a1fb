package org.recsec.record.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.RecSecException;
import org.recsec.record.internal.wire.Bytes;

/**
 * Byte vectors written out by hand from the RFC 7252 §3 / §3.1 layout (the Appendix A exchanges, and every
 * delta/length form at its boundaries), decoded to the expected fields and encoded back to the same bytes.
 */
class CoapCodecVectorsTest {

    private static CoapMessage decodeHex(String hex) throws RecSecException {
        byte[] b = Bytes.fromHex(hex);
        CoapMessage m = CoapCodec.decode(b, 0, b.length);
        assertArrayEquals(b, CoapCodec.encode(m), "re-encode of " + hex);
        return m;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** RFC 7252 Appendix A, Figure 16: CON GET, MID 0x7d34, no token, Uri-Path "temperature" (delta 11, len 11). */
    @Test
    void getTemperature() throws RecSecException {
        CoapMessage m = decodeHex("40017d34" + "bb" + "74656d7065726174757265");
        assertEquals(1, m.version());
        assertEquals(CoapMessage.TYPE_CON, m.type());
        assertEquals(0x01, m.code());
        assertEquals(0x7d34, m.messageId());
        assertEquals(0, m.tokenLength());
        assertEquals(List.of(new CoapOption(OptionNumbers.URI_PATH, ascii("temperature"))), m.options());
        assertEquals(0, m.payloadLength());
    }

    /** RFC 7252 Appendix A, Figure 16: the piggybacked ACK 2.05 with payload "22.3 C". */
    @Test
    void contentResponse() throws RecSecException {
        CoapMessage m = decodeHex("60457d34" + "ff" + "32322e332043");
        assertEquals(CoapMessage.TYPE_ACK, m.type());
        assertEquals((2 << 5) | 5, m.code());
        assertEquals(List.of(), m.options());
        assertArrayEquals(ascii("22.3 C"), m.payload());
    }

    /** RFC 7252 Appendix A, Figure 17: the same GET with a one-byte token 0x20. */
    @Test
    void getWithToken() throws RecSecException {
        CoapMessage m = decodeHex("41017d35" + "20" + "bb" + "74656d7065726174757265");
        assertArrayEquals(new byte[] {0x20}, m.token());
        assertEquals(0x7d35, m.messageId());
    }

    @Test
    void emptyAck() throws RecSecException {
        CoapMessage m = decodeHex("60001234");
        assertEquals(CoapMessage.TYPE_ACK, m.type());
        assertEquals(0, m.code());
        assertEquals(0x1234, m.messageId());
    }

    @Test
    void eightByteToken() throws RecSecException {
        CoapMessage m = decodeHex("58450001" + "0102030405060708");
        assertEquals(CoapMessage.TYPE_NON, m.type());
        assertArrayEquals(Bytes.fromHex("0102030405060708"), m.token());
    }

    /** Repeated Uri-Path: the second one has delta 0. */
    @Test
    void repeatedOption() throws RecSecException {
        CoapMessage m = decodeHex("40010001" + "b161" + "0162");
        assertEquals(List.of(new CoapOption(11, ascii("a")), new CoapOption(11, ascii("b"))), m.options());
    }

    /** Delta 12 fits the nibble; 13 is nibble 13 with extension 0; 268 is extension 0xff. */
    @Test
    void deltaExtendedOneByte() throws RecSecException {
        assertEquals(List.of(new CoapOption(12, new byte[0])), decodeHex("40010001" + "c0").options());
        assertEquals(List.of(new CoapOption(13, new byte[0])), decodeHex("40010001" + "d000").options());
        assertEquals(List.of(new CoapOption(20, new byte[] {0x07})), decodeHex("40010001" + "d10707").options());
        assertEquals(List.of(new CoapOption(268, new byte[0])), decodeHex("40010001" + "d0ff").options());
    }

    /** 269 is nibble 14 with extension 0x0000; 65535 is 0xfef2 + 269. Record-Security 65001 = 0xfcdc + 269. */
    @Test
    void deltaExtendedTwoBytes() throws RecSecException {
        assertEquals(List.of(new CoapOption(269, new byte[0])), decodeHex("40010001" + "e00000").options());
        assertEquals(List.of(new CoapOption(65535, new byte[0])), decodeHex("40010001" + "e0fef2").options());
        assertEquals(List.of(new CoapOption(OptionNumbers.RECORD_SECURITY, Bytes.fromHex("1234"))),
                decodeHex("40010001" + "e2fcdc" + "1234").options());
        // a one-byte delta after a two-byte one: 269 then 269 + 13 + 1
        assertEquals(List.of(new CoapOption(269, new byte[0]), new CoapOption(283, new byte[0])),
                decodeHex("40010001" + "e00000" + "d001").options());
    }

    @Test
    void lengthExtendedForms() throws RecSecException {
        String v13 = "aa".repeat(13);
        assertEquals(13, decodeHex("40010001" + "0d00" + v13).options().get(0).length());
        assertEquals(268, decodeHex("40010001" + "0dff" + "bb".repeat(268)).options().get(0).length());
        assertEquals(269, decodeHex("40010001" + "0e0000" + "cc".repeat(269)).options().get(0).length());
        CoapOption o = decodeHex("40010001" + "0e001f" + "dd".repeat(300)).options().get(0);
        assertEquals(300, o.length());
        assertArrayEquals(Bytes.fromHex("dd".repeat(300)), o.value());
    }

    /** Both nibbles extended in one header byte: delta bytes come before length bytes (RFC 7252 §3.1). */
    @Test
    void deltaAndLengthBothExtended() throws RecSecException {
        CoapOption o = decodeHex("40010001" + "ed" + "0001" + "02" + "ee".repeat(15)).options().get(0);
        assertEquals(270, o.number());
        assertEquals(15, o.length());
    }

    @Test
    void encodeWritesTheSameBytesFromFields() {
        CoapMessage m = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 0x7d34, new byte[0],
                List.of(new CoapOption(OptionNumbers.URI_PATH, ascii("temperature"))), new byte[0]);
        assertEquals("40017d34bb74656d7065726174757265", Bytes.toHex(CoapCodec.encode(m)));
    }

    @Test
    void bodyVectors() throws RecSecException {
        // Content-Format 0 (empty uint), then Uri-Path "x" given out of order, then payload "hi"
        byte[] body = CoapCodec.encodeBody(
                List.of(new CoapOption(12, ascii("x")), new CoapOption(11, ascii("a")), new CoapOption(11,
                        ascii("b"))), ascii("hi"));
        assertEquals("b161" + "0162" + "1178" + "ff" + "6869", Bytes.toHex(body));
        CoapCodec.Body back = CoapCodec.decodeBody(body, 0, body.length);
        assertEquals(List.of(new CoapOption(11, ascii("a")), new CoapOption(11, ascii("b")),
                new CoapOption(12, ascii("x"))), back.options());
        assertArrayEquals(ascii("hi"), back.payload());
        assertEquals(0, CoapCodec.encodeBody(List.of(), new byte[0]).length);
        assertEquals(new CoapCodec.Body(List.of(), new byte[0]), CoapCodec.decodeBody(new byte[0], 0, 0));
    }

    @Test
    void bodyCopiesArrays() throws RecSecException {
        byte[] payload = ascii("abc");
        CoapCodec.Body body = new CoapCodec.Body(List.of(), payload);
        payload[0] = 'z';
        body.payload()[1] = 'z';
        assertArrayEquals(ascii("abc"), body.payload());
    }

    @Test
    void callerRangeBugIsUnchecked() {
        byte[] b = new byte[8];
        assertThrows(IndexOutOfBoundsException.class, () -> CoapCodec.decode(b, 5, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> CoapCodec.decodeBody(b, -1, 2));
    }
}
