package org.recsec.record.coap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionClassTest {

    /** RFC 8613 §4.1 Figure 5, row by row (number, name, E column, U column), written out from the RFC. */
    private static final Object[][] FIGURE_5 = {
        {1, "If-Match", true, false},
        {3, "Uri-Host", false, true},
        {4, "ETag", true, false},
        {5, "If-None-Match", true, false},
        {6, "Observe", true, true},
        {7, "Uri-Port", false, true},
        {8, "Location-Path", true, false},
        {9, "OSCORE", false, true},
        {11, "Uri-Path", true, false},
        {12, "Content-Format", true, false},
        {14, "Max-Age", true, true},
        {15, "Uri-Query", true, false},
        {17, "Accept", true, false},
        {20, "Location-Query", true, false},
        {23, "Block2", true, true},
        {27, "Block1", true, true},
        {28, "Size2", true, true},
        {35, "Proxy-Uri", false, true},
        {39, "Proxy-Scheme", false, true},
        {60, "Size1", true, true},
        {258, "No-Response", true, true},
    };

    /** Later registrations: RFC 9175 (Echo, Request-Tag), RFC 8768 (Hop-Limit), RFC 9177, RFC 9668, and ours. */
    private static final Map<Integer, OptionClass> LATER = Map.of(
            252, OptionClass.E, 292, OptionClass.E, 16, OptionClass.U, 19, OptionClass.EU, 31, OptionClass.EU,
            21, OptionClass.U, 65001, OptionClass.U, 65002, OptionClass.E);

    @Test
    void figure5() {
        for (Object[] row : FIGURE_5) {
            boolean e = (Boolean) row[2];
            boolean u = (Boolean) row[3];
            OptionClass expected = e && u ? OptionClass.EU : e ? OptionClass.E : OptionClass.U;
            OptionClass actual = OptionClass.of((Integer) row[0]);
            assertEquals(expected, actual, (String) row[1]);
            assertEquals(e, actual.inner(), (String) row[1]);
            assertEquals(u, actual.outer(), (String) row[1]);
        }
    }

    @Test
    void laterOptions() {
        LATER.forEach((n, c) -> assertEquals(c, OptionClass.of(n), "option " + n));
    }

    /** RFC 8613 §4.1: anything the table does not name is E, whatever its critical/unsafe bits say. */
    @Test
    void unknownOptionsAreE() {
        java.util.Set<Integer> known = new java.util.HashSet<>(LATER.keySet());
        for (Object[] row : FIGURE_5) {
            known.add((Integer) row[0]);
        }
        for (int n = 0; n <= 0xffff; n++) {
            if (!known.contains(n)) {
                assertEquals(OptionClass.E, OptionClass.of(n), "option " + n);
            }
        }
    }
}
