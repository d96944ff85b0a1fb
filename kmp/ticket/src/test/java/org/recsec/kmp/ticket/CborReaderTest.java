package org.recsec.kmp.ticket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import org.junit.jupiter.api.Test;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.kmp.ticket.internal.CborReader;
import org.recsec.kmp.ticket.internal.CborValue;
import org.recsec.record.internal.wire.Bytes;

/** The strictness rules of CborReader, one refusal each, and acceptance checked against Jackson's CBOR parser. */
class CborReaderTest {

    static void refused(String hex) {
        TicketException e = assertThrows(TicketException.class, () -> CborReader.decode(Bytes.fromHex(hex)), hex);
        assertEquals(TicketException.Reason.MALFORMED_CBOR, e.reason(), hex);
    }

    @Test
    void strictnessRules() {
        refused(""); // nothing
        refused("0000"); // trailing bytes
        refused("5f4101ff"); // indefinite byte string
        refused("9f01ff"); // indefinite array
        refused("bf0101ff"); // indefinite map
        refused("ff"); // lone break
        refused("1817"); // 23 in two bytes: not shortest
        refused("190017"); // not shortest
        refused("5800"); // empty bstr with a one-byte length
        refused("1b8000000000000000"); // 2^63: outside long
        refused("3b8000000000000000"); // -2^63-1
        refused("1c"); // reserved additional information
        refused("f8ff"); // simple value 255
        refused("f0"); // simple value 16
        refused("a201010101"); // duplicate key
        refused("a2616101616101"); // duplicate text key
        refused("a1400101"); // bstr key
        refused("a1f401"); // false as key
        refused("62c328"); // invalid UTF-8
        refused("5a7fffffff00"); // length far beyond the input
        refused("9bffffffffffffffff00"); // count beyond the input, no allocation
        refused("bb7fffffffffffffff00"); // map count beyond the input
        refused("9a7fffffff"); // array count larger than the input left
        refused("18"); // truncated head
        refused("fb41d5"); // truncated float
        refused("c1"); // tag without content
    }

    @Test
    void depthIsCapped() throws Exception {
        String ok = "81".repeat(CborReader.MAX_DEPTH) + "00";
        CborReader.decode(Bytes.fromHex(ok));
        refused("81".repeat(CborReader.MAX_DEPTH + 1) + "00");
        refused("c1".repeat(CborReader.MAX_DEPTH + 1) + "00");
        // a deep input far beyond the cap fails fast, without a StackOverflowError
        refused("81".repeat(100_000) + "00");
    }

    @Test
    void valuesDecode() throws Exception {
        assertEquals(new CborValue.Int(Long.MAX_VALUE), CborReader.decode(Bytes.fromHex("1b7fffffffffffffff")));
        assertEquals(new CborValue.Int(Long.MIN_VALUE), CborReader.decode(Bytes.fromHex("3b7fffffffffffffff")));
        assertEquals(new CborValue.Int(-65537), CborReader.decode(Bytes.fromHex("3a00010000")));
        assertEquals(new CborValue.Float(1.5), CborReader.decode(Bytes.fromHex("f93e00")));
        assertEquals(new CborValue.Float(65504.0), CborReader.decode(Bytes.fromHex("f97bff")));
        assertEquals(new CborValue.Float(5.960464477539063e-8), CborReader.decode(Bytes.fromHex("f90001")));
        assertEquals(new CborValue.Float(100000.0), CborReader.decode(Bytes.fromHex("fa47c35000")));
        assertEquals(new CborValue.Simple(22), CborReader.decode(Bytes.fromHex("f6")));
        assertEquals(new CborValue.Text("\u00fc"), CborReader.decode(Bytes.fromHex("62c3bc")));
    }

    /** Whatever we accept, Jackson's independent CBOR parser reads as the same JSON-able tree. */
    @Test
    void acceptedInputsMatchJackson() throws Exception {
        CBORMapper jackson = new CBORMapper();
        String[] samples = {
            Rfc8392VectorsTest.V.get("claims_set").get("hex").asText(),
            "a30161616178820102636b6579a0",
            "83f4f5f6",
            "a20a3a0001000020f93e00",
        };
        for (String hex : samples) {
            CborValue ours = CborReader.decode(Bytes.fromHex(hex));
            JsonNode theirs = jackson.readTree(Bytes.fromHex(hex));
            assertEquals(theirs.toString(), ClaimsJsonProbe.plain(ours), hex);
        }
    }
}
