package org.recsec.sim.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;

/**
 * Property 5: client → forwarding proxy → server with loss, duplication and reordering up to 20% on every link
 * (each direction drawn independently), CON retransmission at the client and at the proxy, deduplication at the
 * proxy and the server, outer Block2 on some responses.
 */
class LossyLinkProperties {

    @Property(tries = 200)
    void everyCompletedExchangeCompletesOnceWithItsOwnResponse(
            @ForAll long seed, @ForAll CipherSuite suite,
            @ForAll @DoubleRange(min = 0, max = 0.2) double loss, @ForAll @DoubleRange(min = 0, max = 0.2) double dup,
            @ForAll @DoubleRange(min = 0, max = 0.2) double reorder, @ForAll @LongRange(min = 1, max = 200) long maxDelay,
            @ForAll @Size(min = 1, max = 6) List<@Size(max = 1500) byte[]> payloads,
            @ForAll @IntRange(min = 4, max = 10) int blockExponent) throws RecSecException {
        Topology t = new Topology(seed, new LinkProfile(loss, dup, reorder, 1, maxDelay), suite);
        SimServer server = t.server(HostileProperties::answer);
        t.proxy().maxBlockBytes(1 << blockExponent);
        SimClient client = t.client();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            tokens.add(client.request(Topology.SERVER_ID, Topology.PROXY, new CoapMessage(CoapMessage.TYPE_CON, 0x02,
                    0, new byte[0], ForwardingProxyTest.viaProxy(CoapOption.ofUint(Scenario.TEST_ID, i)),
                    payloads.get(i)), true));
        }
        assertTrue(t.net.runUntilIdle(4 * CoapTiming.EXCHANGE_LIFETIME_MILLIS), "the network went quiet");

        Map<Integer, Integer> atServer = new HashMap<>();
        for (SimServer.Received r : server.received()) {
            atServer.merge(Scenario.idOf(r.request()), 1, Integer::sum);
        }
        atServer.forEach((id, n) -> assertEquals(1, n, "request " + id + " reached the application twice"));
        assertTrue(server.refusals().isEmpty(), () -> "a retransmission was refused: " + server.refusals());
        assertTrue(client.refusals().isEmpty(), () -> "a duplicate response was refused: " + client.refusals());
        Map<String, Integer> deliveries = new HashMap<>();
        for (SimClient.Delivery d : client.deliveries()) {
            deliveries.merge(d.token(), 1, Integer::sum);
            int i = tokens.indexOf(d.token());
            assertArrayEquals(HostileProperties.reversed(payloads.get(i)), d.response().payload());
        }
        int completed = 0;
        for (int i = 0; i < tokens.size(); i++) {
            SimClient.Outcome o = client.outcomes().get(tokens.get(i));
            assertNotNull(o, "every exchange ends");
            boolean done = o.kind() == SimClient.Outcome.Kind.COMPLETED;
            completed += done ? 1 : 0;
            assertEquals(done ? 1 : 0, deliveries.getOrDefault(tokens.get(i), 0).intValue(), "exchange " + i);
            if (done) {
                assertEquals(1, atServer.getOrDefault(i, 0).intValue(), "completed without reaching the server");
            }
        }
        Statistics.label("completed").collect(completed == tokens.size() ? "all" : completed == 0 ? "none" : "some");
    }
}
