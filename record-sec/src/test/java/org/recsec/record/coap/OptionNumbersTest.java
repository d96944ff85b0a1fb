package org.recsec.record.coap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.eclipse.californium.core.coap.OptionNumberRegistry;
import org.junit.jupiter.api.Test;

class OptionNumbersTest {

    /** RFC 7252 §5.4.6 bit rules, checked for every number against Californium's independent implementation. */
    @Test
    void bitRulesAgreeWithCaliforniumForEveryNumber() {
        for (int n = 0; n <= 0xffff; n++) {
            assertEquals(OptionNumberRegistry.isCritical(n), OptionNumbers.isCritical(n), "critical " + n);
            assertEquals(OptionNumberRegistry.isUnsafe(n), OptionNumbers.isUnsafe(n), "unsafe " + n);
            assertEquals(OptionNumberRegistry.isNoCacheKey(n), OptionNumbers.isNoCacheKey(n), "nocachekey " + n);
        }
    }

    /** RFC 7252 §5.10 Table 4 columns C, U, N for a few rows, written out. */
    @Test
    void table4Rows() {
        assertTrue(OptionNumbers.isCritical(OptionNumbers.URI_HOST));
        assertTrue(OptionNumbers.isUnsafe(OptionNumbers.URI_HOST));
        assertFalse(OptionNumbers.isCritical(OptionNumbers.ETAG));
        assertFalse(OptionNumbers.isUnsafe(OptionNumbers.ETAG));
        assertTrue(OptionNumbers.isNoCacheKey(OptionNumbers.SIZE1)); // Table 4: Size1 is N
        assertFalse(OptionNumbers.isNoCacheKey(OptionNumbers.MAX_AGE));
    }

    /** Record-Security must be critical and safe to forward (a proxy forwards it, an unaware server refuses). */
    @Test
    void recordSecurityIsCriticalAndSafeToForward() {
        assertTrue(OptionNumbers.isCritical(OptionNumbers.RECORD_SECURITY));
        assertFalse(OptionNumbers.isUnsafe(OptionNumbers.RECORD_SECURITY));
        assertFalse(OptionNumbers.isNoCacheKey(OptionNumbers.RECORD_SECURITY));
    }

    /** The registered numbers, compared with Californium's constants where it has them. */
    @Test
    void numbersMatchCalifornium() {
        Map<Integer, Integer> pairs = Map.ofEntries(
                Map.entry(OptionNumbers.IF_MATCH, OptionNumberRegistry.IF_MATCH),
                Map.entry(OptionNumbers.URI_HOST, OptionNumberRegistry.URI_HOST),
                Map.entry(OptionNumbers.ETAG, OptionNumberRegistry.ETAG),
                Map.entry(OptionNumbers.IF_NONE_MATCH, OptionNumberRegistry.IF_NONE_MATCH),
                Map.entry(OptionNumbers.OBSERVE, OptionNumberRegistry.OBSERVE),
                Map.entry(OptionNumbers.URI_PORT, OptionNumberRegistry.URI_PORT),
                Map.entry(OptionNumbers.LOCATION_PATH, OptionNumberRegistry.LOCATION_PATH),
                Map.entry(OptionNumbers.OSCORE, OptionNumberRegistry.OSCORE),
                Map.entry(OptionNumbers.URI_PATH, OptionNumberRegistry.URI_PATH),
                Map.entry(OptionNumbers.CONTENT_FORMAT, OptionNumberRegistry.CONTENT_FORMAT),
                Map.entry(OptionNumbers.MAX_AGE, OptionNumberRegistry.MAX_AGE),
                Map.entry(OptionNumbers.URI_QUERY, OptionNumberRegistry.URI_QUERY),
                Map.entry(OptionNumbers.ACCEPT, OptionNumberRegistry.ACCEPT),
                Map.entry(OptionNumbers.LOCATION_QUERY, OptionNumberRegistry.LOCATION_QUERY),
                Map.entry(OptionNumbers.BLOCK2, OptionNumberRegistry.BLOCK2),
                Map.entry(OptionNumbers.BLOCK1, OptionNumberRegistry.BLOCK1),
                Map.entry(OptionNumbers.SIZE2, OptionNumberRegistry.SIZE2),
                Map.entry(OptionNumbers.PROXY_URI, OptionNumberRegistry.PROXY_URI),
                Map.entry(OptionNumbers.PROXY_SCHEME, OptionNumberRegistry.PROXY_SCHEME),
                Map.entry(OptionNumbers.SIZE1, OptionNumberRegistry.SIZE1),
                Map.entry(OptionNumbers.NO_RESPONSE, OptionNumberRegistry.NO_RESPONSE));
        pairs.forEach((ours, cf) -> assertEquals(cf, ours));
        assertEquals(16, OptionNumbers.HOP_LIMIT);   // RFC 8768 §6
        assertEquals(19, OptionNumbers.Q_BLOCK1);    // RFC 9177 §12.1
        assertEquals(31, OptionNumbers.Q_BLOCK2);
        assertEquals(21, OptionNumbers.EDHOC);       // RFC 9668 §8.1
        assertEquals(252, OptionNumbers.ECHO);       // RFC 9175 §6
        assertEquals(292, OptionNumbers.REQUEST_TAG);
    }
}
