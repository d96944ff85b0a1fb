package org.recsec.record.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Options in number order, repeats in the order given (RFC 7252 §3.1), whether or not the caller sorted them. */
class OptionOrderTest {
    private static CoapOption o(int number, int value) {
        return new CoapOption(number, new byte[] {(byte) value});
    }

    @Test
    void anOrderedListIsReadInPlaceAndCopiedOnlyToBeKept() {
        List<CoapOption> ordered = List.of(o(3, 1), o(11, 1), o(11, 2), o(60, 1));
        assertSame(ordered, CoapOption.inNumberOrder(ordered));
        List<CoapOption> kept = CoapOption.sortedCopy(ordered);
        assertNotSame(ordered, kept);
        assertEquals(ordered, kept);
    }

    @Test
    void anUnorderedListIsSortedStablyWithoutTouchingTheCallersList() {
        List<CoapOption> given = new ArrayList<>(List.of(o(60, 1), o(11, 2), o(3, 1), o(11, 1)));
        List<CoapOption> before = List.copyOf(given);
        List<CoapOption> sorted = CoapOption.inNumberOrder(given);
        assertEquals(List.of(o(3, 1), o(11, 2), o(11, 1), o(60, 1)), sorted);
        assertEquals(before, given);
        assertEquals(sorted, CoapOption.sortedCopy(given));
    }

    @Test
    void encodeBodyAndTheMessageAgreeForEitherOrder() {
        List<CoapOption> unordered = List.of(o(60, 1), o(11, 2), o(3, 1), o(11, 1));
        List<CoapOption> ordered = List.of(o(3, 1), o(11, 2), o(11, 1), o(60, 1));
        byte[] payload = {1, 2, 3};
        assertArrayEquals(CoapCodec.encodeBody(ordered, payload), CoapCodec.encodeBody(unordered, payload));
        assertEquals(ordered, new CoapMessage(0, 1, 7, new byte[0], unordered, payload).options());
    }
}
