package org.recsec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The overhead table against sizes derived by hand from the wire formats, so a bug in how Overhead measures (or
 * in either stack's serialization) shows up.
 *
 * <p>record-sec request: record header 13 + explicit nonce 8 + CCM_8 tag 8 (RFC 6347 §4.1, RFC 6655 §3), inner
 * version and code 2 bytes (docs/DESIGN.md), Record-Security option 65001 with a two-byte SPI: 1 header byte + 2 bytes
 * of extended delta (delta above 268, RFC 7252 §3.1) + 2 value bytes = 5, and one more payload marker (outer before
 * the record; a GET had none, a POST's moves inside) = 37. The response adds the inner Request-Sequence option
 * 65002 (delta from Content-Format 12: 1 + 2 extended bytes) with the 7-byte uint {@code 1 << 48 | 1} = 10 → 47.
 *
 * <p>OSCORE request: OSCORE option 9 (1 header byte; value flags, 1-byte Partial IV, 1-byte kid = 3), tag 8,
 * inner code 1, one more payload marker = 14 (RFC 8613 §6.1, §5.3). Response without Partial IV: empty OSCORE
 * option 1, tag 8, inner code 1, marker 1 = 11.
 */
class OverheadTest {

    @Test
    void tableMatchesTheWireFormats() throws Exception {
        Overhead.Row[] rows = Overhead.rows();
        assertEquals(4, rows.length);
        for (int i = 0; i < 3; i++) {
            assertEquals(37, rows[i].recsecOverhead(), rows[i].message());
            assertEquals(14, rows[i].oscoreOverhead(), rows[i].message());
        }
        assertEquals(47, rows[3].recsecOverhead(), rows[3].message());
        // dtls12-cid (RFC 9146): dtls12 + the 4-byte CID (the SPI) + the inner content type = 42 and 52.
        for (int i = 0; i < 3; i++) {
            assertEquals(42, rows[i].cidOverhead(), rows[i].message());
        }
        assertEquals(52, rows[3].cidOverhead(), rows[3].message());
        // Compact (docs/profiles.md): record 12 (11 with an 8-bit seq) + inner code 1 + Record-Security with a
        // two-byte SPI 5 + outer payload marker 1 = 19 (18); a response's option is empty (header 1 + extended delta
        // 2 = 3: it names its SA by the request) = 17 (16); the binding costs no byte.
        for (int i = 0; i < 3; i++) {
            assertEquals(19, rows[i].compactOverhead(), rows[i].message());
            assertEquals(18, rows[i].compact8Overhead(), rows[i].message());
        }
        assertEquals(17, rows[3].compactOverhead(), rows[3].message());
        assertEquals(16, rows[3].compact8Overhead(), rows[3].message());
        assertEquals(11, rows[3].oscoreOverhead(), rows[3].message());
        // GET: 4 header + 8 token + Uri-Path "sensors" (1 + 7) and "temp" (1 + 4) = 25.
        assertEquals(25, rows[0].plainBytes());
        // POST64: 25 + Content-Format 42 (1 + 1) + marker + 64 = 92.
        assertEquals(92, rows[1].plainBytes());
    }
}
