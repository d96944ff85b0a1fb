package org.recsec.se.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The ATR codec (ISO/IEC 7816-3 §8.2) and the SEN in the historical bytes. */
class AtrTest {

    @Test
    void jcardsimsDefaultAtrParsesAndCarriesNoSen() throws Exception {
        Atr a = Atr.parse(VpcdClient.ATR);
        assertEquals("JCOP31V232", new String(a.historical(), StandardCharsets.US_ASCII));
        assertEquals(Optional.empty(), a.sen());
        assertArrayEquals(VpcdClient.ATR, Atr.t1(a.historical()), "t1() rebuilds the same ATR, TCK included");
    }

    @Test
    void senRoundTripsThroughTheHistoricalBytes() throws Exception {
        for (String sen : List.of("k", "pcsc-keystore", "se1.grid", "ABCDEFGHIJKLM")) {
            byte[] h = Atr.senHistoricalBytes(sen).orElseThrow();
            assertEquals(0x80, h[0] & 0xFF, "category indicator: COMPACT-TLV follows");
            assertEquals(0x50 | sen.length(), h[1] & 0xFF, "tag 5 (card issuer's data), length");
            byte[] atr = Atr.t1(h);
            assertTrue(atr.length <= 33);
            assertEquals(Optional.of(sen), Atr.parse(atr).sen(), sen);
        }
    }

    @Test
    void senThatDoesNotFitIsLeftOut() {
        for (String sen : List.of("", "abcdefghijklmn", "a b", "sé", "a_b")) {
            assertEquals(Optional.empty(), Atr.senHistoricalBytes(sen), sen);
        }
    }

    @Test
    void historicalBytesOfAnotherShapeCarryNoSen() throws Exception {
        for (String hist : List.of("", "80", "8051", "805241", "00523132", "8062616263", "80516141", "80512a")) {
            byte[] h = HexFormat.of().parseHex(hist);
            assertEquals(Optional.empty(), Atr.parse(Atr.t1(h)).sen(), hist);
        }
    }

    @Test
    void onlyT0NeedsNoTck() throws Exception {
        // TS, T0 = 0x12 (TB1, K = 2), TB1, two historical bytes, no TCK
        Atr a = Atr.parse(HexFormat.of().parseHex("3b12000102"));
        assertArrayEquals(new byte[] {1, 2}, a.historical());
        // T=0 announced explicitly by TD1, still no TCK
        assertArrayEquals(new byte[] {7}, Atr.parse(HexFormat.of().parseHex("3b810007")).historical());
    }

    @Test
    void malformedAtrsAreRefusedTyped() {
        byte[] good = Atr.t1(Atr.senHistoricalBytes("pcsc-keystore").orElseThrow());
        List<byte[]> bad = List.of(new byte[0], new byte[] {0x3B}, new byte[34],
                Arrays.copyOf(good, good.length - 1), Arrays.copyOf(good, good.length + 1),
                HexFormat.of().parseHex("3bf018"), HexFormat.of().parseHex("3b8001"),
                HexFormat.of().parseHex("3b12000102ff"));
        for (byte[] b : bad) {
            assertThrows(Atr.MalformedAtrException.class, () -> Atr.parse(b), HexFormat.of().formatHex(b));
        }
        assertThrows(Atr.MalformedAtrException.class, () -> Atr.parse(null));
        // every single-bit flip is caught (TS, the announced length, or TCK), except 3B -> 3F: the other
        // convention's TS, valid on its own
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                if (i == 0 && bit == 2) {
                    continue;
                }
                byte[] f = good.clone();
                f[i] ^= (byte) (1 << bit);
                assertThrows(Atr.MalformedAtrException.class, () -> Atr.parse(f), "byte " + i + " bit " + bit);
            }
        }
    }
}
