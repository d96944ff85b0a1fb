package org.recsec.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimNetworkTest {

    /** What arrives where and when, as text, after 200 datagrams over a bad link. */
    private static List<String> trace(long seed) {
        SimNetwork net = new SimNetwork(seed, new LinkProfile(0.2, 0.2, 0.2, 1, 50));
        List<String> got = new ArrayList<>();
        net.attach("b", d -> got.add(net.nowMillis() + ":" + d.bytes()[0]));
        for (int i = 0; i < 200; i++) {
            int n = i;
            net.schedule(i, () -> net.send("a", "b", new byte[] {(byte) n}));
        }
        assertTrue(net.runUntilIdle(10_000));
        return got;
    }

    @Test
    void aSeedReplaysTheRunExactly() {
        List<String> first = trace(42);
        List<String> replay = trace(42);
        assertEquals(first, replay, "same seed, same run");
        assertNotEquals(first, trace(43), "another seed, another run");
    }

    @Test
    void lossDuplicationAndReorderingHappenAtRoughlyTheirRates() {
        SimNetwork net = new SimNetwork(7, new LinkProfile(0.2, 0.1, 0.3, 1, 10));
        List<Integer> got = new ArrayList<>();
        net.attach("b", d -> got.add(d.bytes()[0] & 0xff | (d.bytes()[1] & 0xff) << 8));
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            int k = i;
            net.schedule(i * 100L, () -> net.send("a", "b", new byte[] {(byte) k, (byte) (k >>> 8)}));
        }
        net.runUntilIdle(Long.MAX_VALUE / 4);
        long distinct = got.stream().distinct().count();
        assertEquals(0.8, distinct / (double) n, 0.02, "loss");
        assertEquals(0.1, (got.size() - distinct) / (double) distinct, 0.02, "duplicates");
        assertEquals(n, net.sentCount());
        assertEquals(got.size(), net.deliveredCount());
    }

    @Test
    void reorderingLetsALaterDatagramOvertake() {
        SimNetwork net = new SimNetwork(1, new LinkProfile(0, 0, 0.5, 5, 5));
        List<Integer> got = new ArrayList<>();
        net.attach("b", d -> got.add((int) d.bytes()[0]));
        for (int i = 0; i < 50; i++) {
            net.send("a", "b", new byte[] {(byte) i});
        }
        net.runUntilIdle(1_000);
        assertEquals(50, got.size());
        List<Integer> sorted = new ArrayList<>(got);
        sorted.sort(null);
        assertNotEquals(sorted, got);
    }

    @Test
    void tapsSeeDatagramsThatAreThenLostAndTimeOnlyMovesWithEvents() {
        SimNetwork net = new SimNetwork(3, new LinkProfile(1.0, 0, 0, 1, 1));
        List<Datagram> tapped = new ArrayList<>();
        net.addTap(tapped::add);
        List<Datagram> delivered = new ArrayList<>();
        net.attach("b", delivered::add);
        net.send("a", "b", new byte[] {1});
        assertTrue(net.runUntilIdle(1_000));
        assertEquals(1, tapped.size());
        assertTrue(delivered.isEmpty());
        assertEquals(0, net.nowMillis());

        boolean[] ran = new boolean[2];
        net.schedule(500, () -> ran[0] = true);
        SimNetwork.Timer cancelled = net.schedule(100, () -> ran[1] = true);
        cancelled.cancel();
        assertFalse(net.runUntilIdle(400), "the 500 ms event lies past the limit");
        assertFalse(ran[0]);
        assertTrue(net.runUntilIdle(400));
        assertTrue(ran[0]);
        assertFalse(ran[1]);
        assertEquals(500, net.nowMillis());
    }
}
