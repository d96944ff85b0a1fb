package org.recsec.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * StackBench measures real exchanges: for every stack, its clients get the resource's answer through the whole
 * Californium stack (the loops throw on a missing or wrong response), and each benchmark operation is one completed
 * request. Runs the benchmark directly, without JMH.
 */
class StackBenchTest {
    @ParameterizedTest
    @ValueSource(strings = {"plain", "recsec", "recsec-compact", "oscore", "dtls"})
    void everyStackAnswersThroughItsSecurity(String stack) throws Exception {
        StackBench b = new StackBench();
        b.stack = stack;
        b.clients = 2;
        b.setUp();
        try {
            for (int i = 0; i < 20; i++) {
                assertTrue(b.request() > 0, "a completion carries its latency");
            }
        } finally {
            b.tearDown();
        }
    }
}
