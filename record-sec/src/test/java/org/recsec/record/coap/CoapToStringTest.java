package org.recsec.record.coap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** toString of messages and options shows numbers and lengths, never option values or payloads. */
class CoapToStringTest {
    private static final String SECRET = "door-code-4711";

    @Test
    void optionHidesItsValue() {
        CoapOption o = CoapOption.ofString(OptionNumbers.URI_QUERY, SECRET);
        String s = o.toString();
        assertFalse(s.contains(SECRET) || s.contains(java.util.HexFormat.of().formatHex(o.value())), s);
        assertTrue(s.startsWith(OptionNumbers.URI_QUERY + "("), s);
    }

    @Test
    void messageHidesOptionValuesAndPayload() {
        CoapMessage m = new CoapMessage(CoapMessage.TYPE_CON, 0x02, 1, new byte[] {9},
                List.of(CoapOption.ofString(OptionNumbers.URI_QUERY, SECRET)), SECRET.getBytes());
        String s = m + " " + m.options();
        assertFalse(s.contains(SECRET) || s.contains(java.util.HexFormat.of().formatHex(SECRET.getBytes())), s);
    }
}
