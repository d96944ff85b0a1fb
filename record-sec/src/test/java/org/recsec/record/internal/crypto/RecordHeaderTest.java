package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.RecSecException;

/** RecordHeader (RFC 6347 §4.1) lives in org.recsec.record; its tests sit here with the record profile's. */
class RecordHeaderTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void parsesAndWritesTheRfcLayout() throws RecSecException {
        byte[] rec = HEX.parseHex("17fefd0001123456789abc0003aabbcc");
        RecordHeader h = RecordHeader.parse(rec, 0, rec.length);
        assertEquals(new RecordHeader(23, 0xfefd, 1, 0x123456789abcL, 3), h);
        byte[] out = new byte[15];
        h.writeTo(out, 2);
        assertArrayEquals(HEX.parseHex("000017fefd0001123456789abc0003"), out);
        RecordHeader max = new RecordHeader(255, 0xfefd, 0xffff, RecordHeader.MAX_SEQ, 0);
        byte[] m = new byte[13];
        max.writeTo(m, 0);
        assertEquals(max, RecordHeader.parse(m, 0, 13));
    }

    @Test
    void strict() {
        byte[] rec = HEX.parseHex("17fefd0001123456789abc0003aabbcc");
        assertMalformed(rec, 0, 12);
        assertMalformed(rec, 0, 15); // short fragment
        assertMalformed(HEX.parseHex("17fefd0001123456789abc0003aabbccdd"), 0, 17); // trailing byte
        assertMalformed(HEX.parseHex("17feff0001123456789abc0003aabbcc"), 0, 16); // DTLS 1.0
        assertMalformed(HEX.parseHex("170303000112345678"), 0, 9);
        assertMalformed(new byte[0], 0, 0);
        assertThrows(IndexOutOfBoundsException.class, () -> RecordHeader.parse(rec, 4, 13));
    }

    /** Every split of a valid record into a shorter prefix is refused: the length must match exactly. */
    @Test
    void everyPrefixRefused() {
        byte[] rec = HEX.parseHex("17fefd0001123456789abc0003aabbcc");
        for (int n = 0; n < rec.length; n++) {
            assertMalformed(rec, 0, n);
        }
    }

    @Test
    void constructorChecksWidths() {
        assertThrows(IllegalArgumentException.class, () -> new RecordHeader(256, 0xfefd, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RecordHeader(23, 0x10000, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RecordHeader(23, 0xfefd, -1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RecordHeader(23, 0xfefd, 0, 1L << 48, 0));
        assertThrows(IllegalArgumentException.class, () -> new RecordHeader(23, 0xfefd, 0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new RecordHeader(23, 0xfefd, 0, 0, 0x10000));
    }

    private static void assertMalformed(byte[] b, int off, int len) {
        RecSecException e = assertThrows(RecSecException.class, () -> RecordHeader.parse(b, off, len), "len " + len);
        assertEquals(RecSecException.Reason.MALFORMED, e.reason());
    }
}
