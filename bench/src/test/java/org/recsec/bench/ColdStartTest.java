package org.recsec.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ColdStart's child measures real exchanges: for every stack, both requests get the resource's answer through the
 * stack's security ({@link ColdStart#once} throws on a missing or wrong response), and the split it reports is
 * ordered (the first response comes after the endpoints were started). Runs in this JVM, so it is not a cold start.
 */
class ColdStartTest {
    @ParameterizedTest
    @ValueSource(strings = {"plain", "recsec", "oscore", "dtls"})
    void everyStackAnswersTwice(String stack) throws Exception {
        long before = System.currentTimeMillis();
        ColdStart.Split s = ColdStart.once(stack);
        assertTrue(s.setupMs() > 0 && s.firstMs() > 0 && s.secondMs() > 0, s.toString());
        assertTrue(s.firstAtMillis() >= before, s.toString());
    }
}
