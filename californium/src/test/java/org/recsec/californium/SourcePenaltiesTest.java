package org.recsec.californium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** The penalty box's accounting: per exact source, per second of an injected clock, in a bounded table. */
class SourcePenaltiesTest {
    private final RecSecCaliforniumTest.MutableClock clock = new RecSecCaliforniumTest.MutableClock();
    private final LongAdder ofConfig = new LongAdder();

    private static InetAddress v4(int a) throws Exception {
        return InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
    }

    @Test
    void aSourcePastTheLimitIsPenalizedForTwoSecondsItsNeighboursNever() throws Exception {
        SourcePenalties p = new SourcePenalties(3, 64, clock, 1, ofConfig);
        InetAddress host = v4(0x0a000001);
        for (int i = 0; i < 3; i++) {
            p.failed(host, 5000);
        }
        assertFalse(p.penalized(host, 5000), "at the limit, not past it");
        p.failed(host, 5000);
        assertTrue(p.penalized(host, 5000));
        assertFalse(p.penalized(host, 5001), "another port of the same host");
        assertFalse(p.penalized(v4(0x0a000002), 5000), "another host, same port");
        p.countDrop();
        assertEquals(1, p.dropped());
        assertEquals(1, ofConfig.sum(), "the config-wide counter the operator reads");
        clock.advance(Duration.ofSeconds(1));
        p.failed(host, 5000); // a failure counted during the penalty does not shorten it
        assertTrue(p.penalized(host, 5000), "the next second too");
        clock.advance(Duration.ofSeconds(1));
        assertFalse(p.penalized(host, 5000), "then it ends");
    }

    @Test
    void manySourcesNeverGrowTheTableNorFreeAPenalizedSource() throws Exception {
        SourcePenalties p = new SourcePenalties(2, 1000, clock, 7, ofConfig);
        assertEquals(1024, p.capacity());
        InetAddress flooder = v4(0xc0a80001);
        for (int i = 0; i < 3; i++) {
            p.failed(flooder, 4000);
        }
        assertTrue(p.penalized(flooder, 4000));
        for (int i = 0; i < 200_000; i++) {
            p.failed(v4(0x0b000000 + i), 1 + i % 60_000);
        }
        assertTrue(p.tracked() <= p.capacity(), "bounded: " + p.tracked());
        assertTrue(p.penalized(flooder, 4000), "spoofed sources do not evict a penalized one");
        for (int i = 0; i < 200_000; i += 997) {
            assertFalse(p.penalized(v4(0x0b000000 + i), 1 + i % 60_000), "one failure each: none penalized");
        }
    }

    @Test
    void noLimitMeansNoPenaltyBox() throws Exception {
        SourcePenalties p = new SourcePenalties(0, 16, clock, 3, ofConfig);
        for (int i = 0; i < 100; i++) {
            p.failed(v4(1), 1);
        }
        assertFalse(p.penalized(v4(1), 1));
        assertEquals(0, p.tracked());
    }
}
