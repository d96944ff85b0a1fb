package org.recsec.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.recsec.record.EchoFreshness;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * RFC 9175 Echo against a proxy that holds requests back (the door-lock attack, RFC 9175 §2 and the paper's
 * Fig. 13): client → {@link DelayingProxy} → server, in virtual time. The actuator "lock" needs freshness. The
 * proxy holds either the first request (no Echo yet) or its repetition with the Echo, for any delay.
 */
class EchoFreshnessProperties {
    private static final String MITM = "mitm";
    private static final int CODE_PUT = 0x03;
    private static final int CODE_CHANGED = 0x44;
    /** Margin around the lifetime for the few milliseconds of link latency between issuing and arriving. */
    private static final long SLACK_MILLIS = 100;

    private record Execution(long atMillis, long echoIssuedMillis) {
    }

    private static final class Run {
        final Topology t;
        final SimClient client;
        final SimServer server;
        final DelayingProxy proxy;
        final List<Execution> executions = new ArrayList<>();
        final String token;

        Run(long seed, long lifetimeMillis, int heldIndex, long delayMillis, boolean freshness)
                throws RecSecException {
            t = new Topology(seed, LinkProfile.PERFECT);
            client = t.client();
            server = t.server(req -> {
                CoapOption echo = req.option(OptionNumbers.ECHO).orElse(null);
                // the first 8 bytes of our Echo values are the issue time (EchoFreshness)
                long issued = echo == null ? -1 : ByteBuffer.wrap(echo.value()).getLong();
                executions.add(new Execution(t.net.nowMillis(), issued));
                return new CoapMessage(CoapMessage.TYPE_ACK, CODE_CHANGED, 0, new byte[0], List.of(), new byte[0]);
            });
            if (freshness) {
                InstantSource virtual = () -> Instant.ofEpochMilli(t.net.nowMillis());
                server.requireFreshness(m -> isLock(m),
                        EchoFreshness.create(Duration.ofMillis(lifetimeMillis), virtual, seeded(seed)));
            }
            proxy = new DelayingProxy(t.net, MITM, Topology.CLIENT, Topology.SERVER).hold(heldIndex, delayMillis);
            CoapMessage put = new CoapMessage(CoapMessage.TYPE_CON, CODE_PUT, 0, new byte[0],
                    List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "lock")), "open".getBytes());
            token = client.request(Topology.SERVER_ID, MITM, put, true);
            t.net.runUntilIdle(CoapTiming.EXCHANGE_LIFETIME_MILLIS * 2);
        }
    }

    private static boolean isLock(CoapMessage m) {
        CoapOption path = m.option(OptionNumbers.URI_PATH).orElse(null);
        return path != null && path.stringValue().equals("lock");
    }

    private static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The actuator runs at most once, and only while the Echo its request carries is fresh. When the proxy holds
     * the Echo-carrying request for longer than the lifetime, the lock does not move at all; when it holds it for
     * clearly less, or holds only the first request (which just earns a challenge late), it moves exactly once.
     */
    @Property(tries = 200)
    void aHeldBackCommandRunsOnlyWhileItsEchoIsFresh(@ForAll long seed,
                                                     @ForAll @LongRange(min = 500, max = 20_000) long lifetime,
                                                     @ForAll @IntRange(min = 0, max = 1) int heldIndex,
                                                     @ForAll @LongRange(min = 0, max = 60_000) long delay)
            throws RecSecException {
        Run r = new Run(seed, lifetime, heldIndex, delay, true);
        net.jqwik.api.statistics.Statistics.label("held").collect(heldIndex == 0 ? "first request" : "Echo repetition");
        net.jqwik.api.statistics.Statistics.label("executed").collect(r.executions.size());
        assertTrue(r.executions.size() <= 1, "executed " + r.executions.size() + " times");
        for (Execution e : r.executions) {
            assertTrue(e.echoIssuedMillis >= 0, "executed without an Echo");
            long age = e.atMillis - e.echoIssuedMillis;
            assertTrue(age >= 0 && age <= lifetime, "executed with an Echo " + age + " ms old, lifetime " + lifetime);
        }
        assertTrue(r.server.challenges() >= 1, "the first request is always challenged");
        if (heldIndex == 1 && delay > lifetime + SLACK_MILLIS) {
            assertEquals(0, r.executions.size(), "a command held past the Echo lifetime ran");
        }
        if (heldIndex == 0 || delay + SLACK_MILLIS < lifetime) {
            assertEquals(1, r.executions.size(), "a command that stayed fresh did not run");
            assertEquals(SimClient.Outcome.Kind.COMPLETED, r.client.outcomes().get(r.token).kind());
        }
        assertTrue(r.server.refusals().isEmpty(), () -> "record-sec refused " + r.server.refusals());
    }

    /**
     * Why Echo is needed: without it the same held-back command, a genuine record never seen before, passes the
     * replay window and runs however late it arrives.
     */
    @Property(tries = 50)
    void withoutFreshnessAHeldBackCommandRunsLate(@ForAll long seed,
                                                  @ForAll @LongRange(min = 0, max = 60_000) long delay)
            throws RecSecException {
        Run r = new Run(seed, 1000, 0, delay, false);
        assertEquals(1, r.executions.size());
        assertTrue(r.executions.get(0).atMillis >= delay);
    }
}
