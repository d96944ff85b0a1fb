package org.recsec.record.coap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.recsec.record.base.RecSecException;
import org.recsec.record.internal.wire.Bytes;

/** One test per message format error of RFC 7252 §3 and §4.1: each is MALFORMED. */
class CoapCodecMalformedTest {

    private static void rejected(String hex) {
        byte[] b = Bytes.fromHex(hex);
        RecSecException e = assertThrows(RecSecException.class, () -> CoapCodec.decode(b, 0, b.length), hex);
        assertEquals(RecSecException.Reason.MALFORMED, e.reason(), hex);
    }

    private static void bodyRejected(String hex) {
        byte[] b = Bytes.fromHex(hex);
        RecSecException e = assertThrows(RecSecException.class, () -> CoapCodec.decodeBody(b, 0, b.length), hex);
        assertEquals(RecSecException.Reason.MALFORMED, e.reason(), hex);
    }

    @Test
    void shorterThanHeader() {
        rejected("");
        rejected("40");
        rejected("4001");
        rejected("40017d");
    }

    @Test
    void versionOtherThanOne() {
        rejected("00017d34");
        rejected("80017d34");
        rejected("c0017d34");
    }

    @Test
    void reservedTokenLength() {
        for (int tkl = 9; tkl <= 15; tkl++) {
            rejected(String.format("%02x017d34", 0x40 | tkl) + "00".repeat(tkl));
        }
    }

    @Test
    void tokenOverrun() {
        rejected("42017d34" + "01");
        rejected("48017d34" + "01020304050607");
    }

    @Test
    void reservedDeltaNibble() {
        rejected("40017d34" + "f0");
        rejected("40017d34" + "f1" + "00");
        bodyRejected("f0");
    }

    @Test
    void reservedLengthNibble() {
        rejected("40017d34" + "0f");
        rejected("40017d34" + "bf" + "00");
        bodyRejected("1f");
    }

    @Test
    void extendedDeltaOverrun() {
        rejected("40017d34" + "d0");
        rejected("40017d34" + "e0");
        rejected("40017d34" + "e000");
        bodyRejected("e000");
    }

    @Test
    void extendedLengthOverrun() {
        rejected("40017d34" + "0d");
        rejected("40017d34" + "0e00");
        rejected("40017d34" + "de00"); // delta extension present, length extension missing
        bodyRejected("0d");
    }

    @Test
    void optionNumberPast65535() {
        rejected("40017d34" + "e0fef3");            // one delta of 65536
        rejected("40017d34" + "e0ffff");            // 65535 + 269, the largest 14-form delta
        rejected("40017d34" + "e0fef2" + "10");     // 65535, then delta 1
        bodyRejected("e0fef2" + "d000");            // 65535, then delta 13
    }

    @Test
    void optionValueOverrun() {
        rejected("40017d34" + "03" + "6162");
        rejected("40017d34" + "0d00" + "00".repeat(12));
        rejected("40017d34" + "0e0000" + "00".repeat(268));
        bodyRejected("0e001f" + "00".repeat(299));
    }

    @Test
    void payloadMarkerWithEmptyPayload() {
        rejected("40017d34" + "ff");
        rejected("40017d34" + "b161" + "ff");
        rejected("41017d34" + "20" + "ff");
        bodyRejected("ff");
        bodyRejected("b161ff");
    }

    @Test
    void emptyMessageWithAnythingAfterTheMessageId() {
        rejected("41007d34" + "20");          // token
        rejected("40007d34" + "b161");        // option
        rejected("40007d34" + "ff01");        // payload
        rejected("60007d34" + "00");          // one stray byte
    }

    /** The header nibble is never read as a marker once inside an option value: 0xff inside a value is data. */
    @Test
    void markerByteInsideValueIsNotAMarker() throws RecSecException {
        byte[] b = Bytes.fromHex("40017d34" + "01ff");
        assertEquals(1, CoapCodec.decode(b, 0, b.length).options().size());
    }
}
