package org.recsec.sim.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

class ForwardingProxyTest {
    private static final int GET = 0x01;
    private static final int CONTENT = 0x45;

    static List<CoapOption> viaProxy(CoapOption... more) {
        List<CoapOption> o = new ArrayList<>();
        o.add(CoapOption.ofString(OptionNumbers.PROXY_SCHEME, "coap"));
        o.add(CoapOption.ofString(OptionNumbers.URI_HOST, Topology.SERVER_HOST));
        o.addAll(List.of(more));
        return o;
    }

    static CoapMessage request(int code, List<CoapOption> options, byte[] payload) {
        return new CoapMessage(CoapMessage.TYPE_CON, code, 0, new byte[0], options, payload);
    }

    static CoapMessage response(int code, byte[] payload, CoapOption... options) {
        return new CoapMessage(CoapMessage.TYPE_ACK, code, 0, new byte[0], List.of(options), payload);
    }

    /** Records every datagram some address receives, without answering. */
    static final class Sink implements SimNode {
        final List<CoapMessage> got = new ArrayList<>();

        @Override
        public void receive(Datagram d) {
            CoapMessage m = Wire.decodeOrNull(d.bytes());
            if (m != null) {
                got.add(m);
            }
        }
    }

    @Test
    void forwardsWithNewTokenAndMessageIdAndConsumesProxyScheme() throws RecSecException {
        Topology t = new Topology(1, LinkProfile.PERFECT);
        SimServer server = t.server(r -> response(CONTENT, "hello".getBytes(StandardCharsets.UTF_8)));
        ForwardingProxy proxy = t.proxy();
        SimClient client = t.client();
        List<Datagram> wire = new ArrayList<>();
        t.net.addTap(wire::add);
        String token = client.request(Topology.SERVER_ID, Topology.PROXY,
                request(GET, viaProxy(CoapOption.ofString(OptionNumbers.URI_PATH, "temp")), new byte[0]), true);
        assertTrue(t.net.runUntilIdle(CoapTiming.EXCHANGE_LIFETIME_MILLIS * 2));

        assertEquals(SimClient.Outcome.Kind.COMPLETED, client.outcomes().get(token).kind());
        assertEquals(1, client.deliveries().size());
        assertEquals(CONTENT, client.deliveries().get(0).response().code());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), client.deliveries().get(0).response().payload());
        assertEquals(1, server.received().size());
        CoapMessage atServer = server.received().get(0).request();
        assertEquals(GET, atServer.code());
        assertEquals("temp", atServer.option(OptionNumbers.URI_PATH).orElseThrow().stringValue());
        assertNull(atServer.option(OptionNumbers.PROXY_SCHEME).orElse(null), "a forward proxy consumes Proxy-Scheme");
        assertEquals(1, proxy.forwarded());

        CoapMessage c2p = CoapCodec.decode(wire.get(0).bytes(), 0, wire.get(0).bytes().length);
        CoapMessage p2s = CoapCodec.decode(wire.get(1).bytes(), 0, wire.get(1).bytes().length);
        assertEquals(Topology.PROXY, wire.get(1).from());
        assertFalse(java.util.Arrays.equals(c2p.token(), p2s.token()), "new token per hop");
        assertArrayEquals(c2p.payload(), p2s.payload(), "the record passes untouched");
    }

    @Test
    void largeResponseGoesToTheClientInOuterBlock2Blocks() throws RecSecException {
        Topology t = new Topology(2, LinkProfile.PERFECT);
        byte[] big = new byte[3000];
        new java.util.Random(7).nextBytes(big);
        SimServer server = t.server(r -> response(CONTENT, big));
        ForwardingProxy proxy = t.proxy().maxBlockBytes(256);
        SimClient client = t.client();
        List<CoapMessage> toClient = new ArrayList<>();
        t.net.addTap(d -> {
            if (d.to().equals(Topology.CLIENT)) {
                toClient.add(Wire.decodeOrNull(d.bytes()));
            }
        });
        String token = client.request(Topology.SERVER_ID, Topology.PROXY, request(GET, viaProxy(), new byte[0]),
                true);
        t.net.runUntilIdle(CoapTiming.EXCHANGE_LIFETIME_MILLIS * 2);

        assertEquals(SimClient.Outcome.Kind.COMPLETED, client.outcomes().get(token).kind());
        assertArrayEquals(big, client.deliveries().get(0).response().payload());
        assertEquals(1, server.received().size(), "block follow-ups are served by the proxy");
        int recordBytes = toClient.stream().mapToInt(CoapMessage::payloadLength).sum();
        int blocks = (recordBytes + 255) / 256;
        assertEquals(blocks, toClient.size());
        assertEquals(blocks - 1, proxy.blocksServed());
        for (CoapMessage m : toClient) {
            assertNotNull(m.option(OptionNumbers.BLOCK2).orElse(null));
            assertTrue(m.payloadLength() <= 256);
        }
    }

    @Test
    void hopLimitReachedIsAnswered508WithoutReachingTheServer() throws RecSecException {
        Topology t = new Topology(3, LinkProfile.PERFECT);
        SimServer server = t.server(r -> response(CONTENT, new byte[0]));
        t.proxy();
        SimClient client = t.client();
        String token = client.request(Topology.SERVER_ID, Topology.PROXY,
                request(GET, viaProxy(CoapOption.ofUint(OptionNumbers.HOP_LIMIT, 1)), new byte[0]), true);
        t.net.runUntilIdle(CoapTiming.EXCHANGE_LIFETIME_MILLIS * 2);

        SimClient.Outcome o = client.outcomes().get(token);
        assertEquals(SimClient.Outcome.Kind.ERROR_RESPONSE, o.kind());
        assertEquals(Wire.CODE_HOP_LIMIT_REACHED, o.code());
        assertTrue(server.received().isEmpty());
    }

    @Test
    void hopLimitIsDecrementedPerProxyAndStopsAtTheSecondOfTwo() throws RecSecException {
        Topology t = new Topology(4, LinkProfile.PERFECT);
        SimServer server = t.server(r -> response(CONTENT, new byte[0]));
        new ForwardingProxy(t.net, Topology.PROXY).route(Topology.SERVER_HOST, 5683, "proxy2");
        new ForwardingProxy(t.net, "proxy2").defaultUpstream(Topology.SERVER);
        SimClient client = t.client();
        String stopped = client.request(Topology.SERVER_ID, Topology.PROXY,
                request(GET, viaProxy(CoapOption.ofUint(OptionNumbers.HOP_LIMIT, 2)), new byte[0]), true);
        String passed = client.request(Topology.SERVER_ID, Topology.PROXY,
                request(GET, viaProxy(CoapOption.ofUint(OptionNumbers.HOP_LIMIT, 3)), new byte[0]), true);
        t.net.runUntilIdle(CoapTiming.EXCHANGE_LIFETIME_MILLIS * 2);

        assertEquals(Wire.CODE_HOP_LIMIT_REACHED, client.outcomes().get(stopped).code());
        assertEquals(SimClient.Outcome.Kind.COMPLETED, client.outcomes().get(passed).kind());
        assertEquals(1, server.received().size());
        assertEquals(1, server.received().get(0).request().option(OptionNumbers.HOP_LIMIT).orElseThrow().uintValue());
    }

    @Test
    void addsAndDropsClassUOptionsWithoutDisturbingTheProtectedOnes() throws RecSecException {
        Topology t = new Topology(5, LinkProfile.PERFECT);
        SimServer server = t.server(r -> response(CONTENT, new byte[0]));
        t.proxy().addOption(new CoapOption(OptionNumbers.EDHOC, new byte[0])).dropOption(OptionNumbers.URI_PORT)
                .route(Topology.SERVER_HOST, 5684, Topology.SERVER);
        SimClient client = t.client();
        String token = client.request(Topology.SERVER_ID, Topology.PROXY, request(GET, viaProxy(
                CoapOption.ofUint(OptionNumbers.URI_PORT, 5684),
                CoapOption.ofString(OptionNumbers.URI_PATH, "a"),
                CoapOption.ofString(OptionNumbers.URI_QUERY, "q=1")), new byte[] {1, 2}), true);
        t.net.runUntilIdle(CoapTiming.EXCHANGE_LIFETIME_MILLIS * 2);

        assertEquals(SimClient.Outcome.Kind.COMPLETED, client.outcomes().get(token).kind());
        CoapMessage atServer = server.received().get(0).request();
        assertTrue(atServer.hasOption(OptionNumbers.EDHOC));
        assertFalse(atServer.hasOption(OptionNumbers.URI_PORT));
        assertEquals("a", atServer.option(OptionNumbers.URI_PATH).orElseThrow().stringValue());
        assertEquals("q=1", atServer.option(OptionNumbers.URI_QUERY).orElseThrow().stringValue());
        assertArrayEquals(new byte[] {1, 2}, atServer.payload());
    }

    @Test
    void clientProxyUriIsSplitAndRoutedByItsOuterPart() throws RecSecException {
        Topology t = new Topology(6, LinkProfile.PERFECT);
        SimServer server = t.server(r -> response(CONTENT, new byte[0]));
        t.proxy();
        SimClient client = t.client();
        String token = client.request(Topology.SERVER_ID, Topology.PROXY, request(GET, List.of(
                CoapOption.ofString(OptionNumbers.PROXY_URI, "coap://server.example/sensors/t1?unit=C")),
                new byte[0]), true);
        t.net.runUntilIdle(CoapTiming.EXCHANGE_LIFETIME_MILLIS * 2);

        assertEquals(SimClient.Outcome.Kind.COMPLETED, client.outcomes().get(token).kind());
        CoapMessage atServer = server.received().get(0).request();
        List<String> path = new ArrayList<>();
        for (CoapOption o : atServer.options()) {
            if (o.number() == OptionNumbers.URI_PATH) {
                path.add(o.stringValue());
            }
        }
        assertEquals(List.of("sensors", "t1"), path);
        assertEquals("unit=C", atServer.option(OptionNumbers.URI_QUERY).orElseThrow().stringValue());
    }

    @Test
    void outerProxyUriIsDecomposedAndTheOuterUriPathIsRefusedAsMalformed() {
        Topology t = new Topology(7, LinkProfile.PERFECT);
        SimServer server = t.server(r -> response(CONTENT, new byte[0]));
        t.proxy();
        Sink mallory = new Sink();
        t.net.attach("mallory", mallory);
        List<CoapMessage> toServer = new ArrayList<>();
        t.net.addTap(d -> {
            if (d.to().equals(Topology.SERVER)) {
                toServer.add(Wire.decodeOrNull(d.bytes()));
            }
        });
        CoapMessage plain = new CoapMessage(CoapMessage.TYPE_CON, GET, 77, new byte[] {9}, List.of(
                CoapOption.ofString(OptionNumbers.PROXY_URI, "coap://server.example/x?y=z")), new byte[0]);
        t.net.send("mallory", Topology.PROXY, CoapCodec.encode(plain));
        t.net.runUntilIdle(CoapTiming.EXCHANGE_LIFETIME_MILLIS * 2);

        CoapMessage forwarded = toServer.get(0);
        assertNull(forwarded.option(OptionNumbers.PROXY_URI).orElse(null));
        assertEquals("server.example", forwarded.option(OptionNumbers.URI_HOST).orElseThrow().stringValue());
        assertEquals("x", forwarded.option(OptionNumbers.URI_PATH).orElseThrow().stringValue());
        // A Class E option outside is refused before the missing Record-Security is even looked at.
        assertEquals(List.of(new SimServer.Refusal(Topology.PROXY, RecSecException.Reason.MALFORMED)),
                server.refusals());
        assertEquals(1, mallory.got.size());
        assertEquals(0x80, mallory.got.get(0).code());
        assertArrayEquals(new byte[] {9}, mallory.got.get(0).token());
        assertEquals(77, mallory.got.get(0).messageId());
    }

    @Test
    void noRouteGives502AndNoProxyingGives505() throws RecSecException {
        Topology t = new Topology(8, LinkProfile.PERFECT);
        t.server(r -> response(CONTENT, new byte[0]));
        t.proxy();
        new ForwardingProxy(t.net, "bare");
        SimClient client = t.client();
        String unknownHost = client.request(Topology.SERVER_ID, Topology.PROXY, request(GET, List.of(
                CoapOption.ofString(OptionNumbers.PROXY_SCHEME, "coap"),
                CoapOption.ofString(OptionNumbers.URI_HOST, "elsewhere.example")), new byte[0]), true);
        String noProxying = client.request(Topology.SERVER_ID, "bare", request(GET, List.of(), new byte[0]), true);
        t.net.runUntilIdle(CoapTiming.EXCHANGE_LIFETIME_MILLIS * 2);

        assertEquals(Wire.CODE_BAD_GATEWAY, client.outcomes().get(unknownHost).code());
        assertEquals(Wire.CODE_PROXYING_NOT_SUPPORTED, client.outcomes().get(noProxying).code());
    }

    /** RFC 7252 §5.10.2: only coap is forwarded; a Proxy-Uri or a Proxy-Scheme of another scheme gets 5.05. */
    @Test
    void otherSchemesGet505AndNothingIsForwarded() {
        Topology t = new Topology(12, LinkProfile.PERFECT);
        t.server(r -> response(CONTENT, new byte[0]));
        ForwardingProxy proxy = t.proxy();
        Sink mallory = new Sink();
        t.net.attach("mallory", mallory);
        List<CoapOption> http = List.of(CoapOption.ofString(OptionNumbers.PROXY_URI, "http://server.example/x"));
        List<CoapOption> coaps = List.of(CoapOption.ofString(OptionNumbers.URI_HOST, "server.example"),
                CoapOption.ofString(OptionNumbers.PROXY_SCHEME, "coaps"));
        List<CoapOption> relative = List.of(CoapOption.ofString(OptionNumbers.PROXY_URI, "/x"));
        int mid = 100;
        for (List<CoapOption> o : List.of(http, coaps, relative)) {
            t.net.send("mallory", Topology.PROXY, CoapCodec.encode(new CoapMessage(CoapMessage.TYPE_CON, GET, mid++,
                    new byte[] {1}, o, new byte[0])));
        }
        t.net.runUntilIdle(CoapTiming.EXCHANGE_LIFETIME_MILLIS * 2);

        assertEquals(3, mallory.got.size());
        assertEquals(Wire.CODE_PROXYING_NOT_SUPPORTED, mallory.got.get(0).code(), "http");
        assertEquals(Wire.CODE_PROXYING_NOT_SUPPORTED, mallory.got.get(1).code(), "coaps");
        assertEquals(0x80, mallory.got.get(2).code(), "a relative Proxy-Uri is a bad request");
        assertEquals(0, proxy.forwarded());
    }

    /** A Proxy-Uri takes precedence over Uri-* options sent with it (§5.10.2): the origin gets the URI's parts. */
    @Test
    void proxyUriTakesPrecedenceOverUriOptions() {
        Topology t = new Topology(13, LinkProfile.PERFECT);
        t.server(r -> response(CONTENT, new byte[0]));
        t.proxy();
        t.net.attach("mallory", new Sink());
        List<CoapMessage> toServer = new ArrayList<>();
        t.net.addTap(d -> {
            if (d.to().equals(Topology.SERVER)) {
                toServer.add(Wire.decodeOrNull(d.bytes()));
            }
        });
        t.net.send("mallory", Topology.PROXY, CoapCodec.encode(new CoapMessage(CoapMessage.TYPE_CON, GET, 5,
                new byte[] {2}, List.of(CoapOption.ofString(OptionNumbers.URI_HOST, "elsewhere.example"),
                CoapOption.ofString(OptionNumbers.URI_PATH, "wrong"),
                CoapOption.ofString(OptionNumbers.PROXY_URI, "coap://server.example/right")), new byte[0])));
        t.net.runUntilIdle(CoapTiming.EXCHANGE_LIFETIME_MILLIS * 2);

        CoapMessage forwarded = toServer.get(0);
        assertEquals("server.example", forwarded.option(OptionNumbers.URI_HOST).orElseThrow().stringValue());
        List<String> path = new ArrayList<>();
        forwarded.options().stream().filter(o -> o.number() == OptionNumbers.URI_PATH)
                .forEach(o -> path.add(o.stringValue()));
        assertEquals(List.of("right"), path);
    }

    @Test
    void observeNotificationsAreRelayedInOrderAndDeliveredOnce() throws RecSecException {
        Topology t = new Topology(9, LinkProfile.PERFECT);
        SimServer server = t.server(r -> response(CONTENT, "v0".getBytes(StandardCharsets.UTF_8),
                CoapOption.ofUint(OptionNumbers.OBSERVE, 0)));
        t.proxy();
        SimClient client = t.client();
        String token = client.request(Topology.SERVER_ID, Topology.PROXY,
                request(GET, viaProxy(CoapOption.ofUint(OptionNumbers.OBSERVE, 0)), new byte[0]), true);
        t.net.runUntilIdle(10_000);
        assertEquals(1, server.registrations().size());
        for (int i = 1; i <= 3; i++) {
            server.notify(server.registrations().get(0),
                    response(CONTENT, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            t.net.runUntilIdle(10_000);
        }
        List<String> seen = new ArrayList<>();
        for (SimClient.Delivery d : client.deliveries()) {
            assertEquals(token, d.token());
            seen.add(new String(d.response().payload(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of("v0", "v1", "v2", "v3"), seen);
        assertTrue(client.refusals().isEmpty());
    }

    @Test
    void rfcCacheServesOnlyTheIdenticalRequestAndNeverReachesTheServerForIt() throws Exception {
        Topology t = new Topology(10, LinkProfile.PERFECT);
        SimServer server = t.server(r -> response(CONTENT, "reading".getBytes(StandardCharsets.UTF_8),
                CoapOption.ofUint(OptionNumbers.OBSERVE, 0), CoapOption.ofUint(OptionNumbers.MAX_AGE, 30)));
        ForwardingProxy proxy = t.proxy().cachePolicy(ForwardingProxy.CachePolicy.RFC);
        SimClient client = t.client();
        List<Datagram> fromClient = new ArrayList<>();
        t.net.addTap(d -> {
            if (d.from().equals(Topology.CLIENT)) {
                fromClient.add(d);
            }
        });
        Sink mallory = new Sink();
        t.net.attach("mallory", mallory);
        client.request(Topology.SERVER_ID, Topology.PROXY,
                request(GET, viaProxy(CoapOption.ofUint(OptionNumbers.OBSERVE, 0)), new byte[0]), true);
        t.net.runUntilIdle(5_000);
        // Someone replays the client's FETCH under a new message ID and token: the cache answers it.
        byte[] first = fromClient.get(0).bytes();
        CoapMessage replay = CoapCodec.decode(first, 0, first.length).withMessageId(4242).withToken(new byte[] {4});
        t.net.send("mallory", Topology.PROXY, CoapCodec.encode(replay));
        t.net.runUntilIdle(5_000);
        assertEquals(1, proxy.cacheHits());
        assertEquals(1, server.received().size());
        assertEquals(1, mallory.got.size());
        CoapMessage cached = mallory.got.get(0);
        assertArrayEquals(new byte[] {4}, cached.token());
        assertEquals(4242, cached.messageId());
        assertTrue(cached.option(OptionNumbers.MAX_AGE).orElseThrow().uintValue() <= 30);
        // A second, different FETCH from the client has another record, so another key: forwarded.
        client.request(Topology.SERVER_ID, Topology.PROXY,
                request(GET, viaProxy(CoapOption.ofUint(OptionNumbers.OBSERVE, 0)), new byte[0]), true);
        t.net.runUntilIdle(5_000);
        assertEquals(1, proxy.cacheHits());
        assertEquals(2, server.received().size());
        assertEquals(2, client.deliveries().size());
        assertTrue(client.refusals().isEmpty());
    }

    @Test
    void payloadBlindCacheServingAnotherRequestIsRefusedAndNothingIsDeliveredTwice() throws Exception {
        Topology t = new Topology(11, LinkProfile.PERFECT);
        SimServer server = t.server(r -> response(CONTENT, "reading".getBytes(StandardCharsets.UTF_8),
                CoapOption.ofUint(OptionNumbers.OBSERVE, 0)));
        ForwardingProxy proxy = t.proxy().cachePolicy(ForwardingProxy.CachePolicy.IGNORE_PAYLOAD);
        SimClient client = t.client();
        String first = client.request(Topology.SERVER_ID, Topology.PROXY,
                request(GET, viaProxy(CoapOption.ofUint(OptionNumbers.OBSERVE, 0)), new byte[0]), true);
        t.net.runUntilIdle(5_000);
        String second = client.request(Topology.SERVER_ID, Topology.PROXY,
                request(GET, viaProxy(CoapOption.ofUint(OptionNumbers.OBSERVE, 0)), new byte[0]), true);
        t.net.runUntilIdle(CoapTiming.EXCHANGE_LIFETIME_MILLIS * 2);

        assertEquals(1, proxy.cacheHits());
        assertEquals(1, server.received().size());
        assertEquals(SimClient.Outcome.Kind.COMPLETED, client.outcomes().get(first).kind());
        // The record was already accepted for the first request: the window refuses it before the binding check.
        assertEquals(new SimClient.Outcome(SimClient.Outcome.Kind.REFUSED, RecSecException.Reason.REPLAY, 0),
                client.outcomes().get(second));
        assertEquals(1, client.deliveries().size());
        assertEquals(first, client.deliveries().get(0).token());
    }
}
