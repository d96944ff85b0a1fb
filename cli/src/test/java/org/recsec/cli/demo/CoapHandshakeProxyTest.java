package org.recsec.cli.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeFixture;
import org.recsec.kmp.se.coap.BcFlightClient;
import org.recsec.kmp.se.coap.CoapSocketAgent;
import org.recsec.kmp.se.coap.CoapTransmission;
import org.recsec.kmp.se.coap.FlightFixture;
import org.recsec.kmp.se.coap.UdpFlightWire;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.se.host.DtlsIso7816Agent;
import org.recsec.se.host.ExportedSa;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeException;
import org.recsec.se.host.SeHandshake;
import org.recsec.se.host.SeSession;

/**
 * The card's handshake in CoAP messages through the Californium forward proxy ({@link ForwardingProxy}) over real
 * UDP loopback to a Californium server with the handshake resource: the SA pair is set up end to end; two clients
 * behind the proxy get their own; a dropped request is retried by CoAP; a proxy that alters a flight ends the
 * handshake or leaves it correct, never with a wrong SA.
 */
@Timeout(180)
class CoapHandshakeProxyTest {
    private static final InetAddress CLIENT_IP = address(1);
    private static final InetAddress SERVER_IP = address(2);

    private final List<String> legs = new ArrayList<>();
    private volatile TappingConnector.Mutator mutator = (src, dst, bytes) -> bytes;
    private FlightFixture server;
    private ForwardingProxy proxy;

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = new FlightFixture(SERVER_IP, null);
        proxy = new ForwardingProxy(new InetSocketAddress(CLIENT_IP, 0), new InetSocketAddress(CLIENT_IP, 0),
                Configuration.createStandardWithoutFile(), (src, dst, bytes) -> {
                    synchronized (legs) {
                        legs.add(src + ">" + dst);
                        if (System.getProperty("coaphs.debug") != null) {
                            try {
                                System.err.println(System.nanoTime() / 1_000_000 + " " + src + ">" + dst + " "
                                        + CoapCodec.decode(bytes, 0, bytes.length));
                            } catch (RecSecException e) {
                                System.err.println("?");
                            }
                        }
                    }
                }, (src, dst, bytes) -> mutator.apply(src, dst, bytes));
    }

    @AfterEach
    void stop() {
        proxy.close();
        server.close();
    }

    private CoapSocketAgent coapAgent(CoapSocketAgent.ProxyForm form) throws IOException {
        return new CoapSocketAgent(UdpFlightWire.open(proxy.address(), CLIENT_IP), SERVER_IP.getHostAddress(),
                server.address().getPort(), form, CoapTransmission.RFC7252, new SecureRandom());
    }

    private static DtlsIso7816Agent card() throws Exception {
        return new DtlsIso7816Agent(JCardSimLink.personalisedCard(SeCard.POLICY_EXPORT, SeFixture.IDENTITY,
                SeFixture.PSK, SeFixture.SEN));
    }

    /** The client's exported keys are the server's key block (the same SA pair on both ends). */
    private static void assertSamePair(SeSession s, PskDtlsServer.Established e) throws SeException {
        assertArrayEquals(e.clientRandom(), s.clientRandom());
        assertArrayEquals(e.serverRandom(), s.serverRandom());
        ExportedSa sa = s.agent().exportSa();
        assertTrue(e.keys().clientWriteKey().equalsSecret(sa.keys().clientWriteKey()));
        assertTrue(e.keys().serverWriteKey().equalsSecret(sa.keys().serverWriteKey()));
        assertTrue(e.keys().clientWriteIv().equalsSecret(sa.keys().clientWriteIv()));
        assertTrue(e.keys().serverWriteIv().equalsSecret(sa.keys().serverWriteIv()));
    }

    @Test
    void theSaPairIsSetUpThroughTheProxyAndNothingBypassesIt() throws Exception {
        CoapSocketAgent coap = coapAgent(CoapSocketAgent.ProxyForm.PROXY_SCHEME);
        try (SeSession s = SeHandshake.run(card(), coap, CoapTransmission.RFC7252.dtlsTimer())) {
            assertSamePair(s, server.awaitEstablished());
            assertEquals(3, coap.stats().exchanges(), "one round trip per client flight");
        }
        synchronized (legs) {
            // At least 3 requests and 3 responses on each leg (more if CoAP retransmitted on a loaded machine).
            assertTrue(legs.size() >= 12, legs.toString());
        }
    }

    /**
     * Block-wise on both legs: the client sends 32-byte Block1 blocks, the server answers in 32-byte Block2 blocks;
     * the Californium proxy reassembles and re-blocks hop by hop (RFC 7959 §2.4 lets it), the flights arrive whole.
     */
    @Test
    void blockWiseFlightsThroughTheProxy() throws Exception {
        server.close();
        server = new FlightFixture(SERVER_IP, 32);
        CoapSocketAgent coap = new CoapSocketAgent(UdpFlightWire.open(proxy.address(), CLIENT_IP),
                SERVER_IP.getHostAddress(), server.address().getPort(), CoapSocketAgent.ProxyForm.PROXY_SCHEME,
                CoapTransmission.RFC7252.withBlockSize(32), new SecureRandom());
        try (SeSession s = SeHandshake.run(card(), coap, CoapTransmission.RFC7252.dtlsTimer())) {
            assertSamePair(s, server.awaitEstablished());
            assertTrue(coap.stats().requests() > 3, "the client's flights went in blocks: " + coap.stats());
        }
    }

    @Test
    void twoClientsBehindOneProxyNeverMix() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CoapSocketAgent other = coapAgent(CoapSocketAgent.ProxyForm.PROXY_SCHEME);
            BcFlightClient bc = new BcFlightClient();
            Future<?> bcRun = pool.submit(() -> {
                bc.handshake(other, SeFixture.IDENTITY, SeFixture.PSK, 10_000);
                return null;
            });
            CoapSocketAgent coap = coapAgent(CoapSocketAgent.ProxyForm.PROXY_SCHEME);
            try (SeSession s = SeHandshake.run(card(), coap, CoapTransmission.RFC7252.dtlsTimer())) {
                bcRun.get(60, TimeUnit.SECONDS);
                PskDtlsServer.Established e1 = server.awaitEstablished();
                PskDtlsServer.Established e2 = server.awaitEstablished();
                assertNotEquals(coap.handshakeId(), other.handshakeId());
                boolean firstIsCard = java.util.Arrays.equals(e1.clientRandom(), s.clientRandom());
                PskDtlsServer.Established cardSide = firstIsCard ? e1 : e2;
                PskDtlsServer.Established bcSide = firstIsCard ? e2 : e1;
                assertArrayEquals(bc.clientRandom, bcSide.clientRandom());
                assertArrayEquals(java.util.Arrays.copyOf(bc.keyBlock, 16), bcSide.keys().clientWriteKey()
                        .toByteArray());
                assertSamePair(s, cardSide);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The card's Finished flight is lost between proxy and server. This Californium proxy then neither retransmits
     * it nor answers 5.04 (its exchange stalls), so the client's CoAP retransmissions are absorbed by the proxy's
     * deduplication until CoAP gives up; the bridge's aligned DTLS timer then sends the flight in a new exchange,
     * which the server (still holding the handshake) answers: a retried handshake, with the right SA.
     */
    @Test
    void aRequestDroppedOnTheSecondLegEndsInARetriedHandshake() throws Exception {
        AtomicInteger upstream = new AtomicInteger();
        mutator = (src, dst, bytes) -> upstream.incrementAndGet() == 3 ? null : bytes; // the card's Finished flight
        CoapTransmission fast = new CoapTransmission(200, 1.5, 4, 1024);
        CoapSocketAgent coap = new CoapSocketAgent(UdpFlightWire.open(proxy.address(), CLIENT_IP),
                SERVER_IP.getHostAddress(), server.address().getPort(), CoapSocketAgent.ProxyForm.PROXY_SCHEME, fast,
                new SecureRandom());
        try (SeSession s = SeHandshake.run(card(), coap, fast.dtlsTimer())) {
            assertSamePair(s, server.awaitEstablished());
        }
        assertTrue(upstream.get() >= 4, "the flight went to the server again");
        assertTrue(coap.stats().requests() >= 4, "three flights, the last one twice");
        assertEquals(3, coap.stats().exchanges(), "the first try of the last flight was never answered");
    }

    /**
     * A proxy flips one bit in the DTLS records of one flight on its way to the server: the handshake fails (an
     * alert, a refused cookie, a card refusing the answer) or, when the bit was one DTLS does not depend on,
     * completes with the very keys the server has; never with a pair that differs.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 10, 11, 12, 20, 21, 22})
    void aFlightAlteredByTheProxyNeverYieldsAWrongSa(int which) throws Exception {
        int flight = which % 10;
        Random random = new Random(which);
        AtomicInteger upstream = new AtomicInteger();
        mutator = (src, dst, bytes) -> {
            if (upstream.getAndIncrement() != flight) {
                return bytes;
            }
            try {
                CoapMessage m = CoapCodec.decode(bytes, 0, bytes.length);
                int start = bytes.length - m.payloadLength();
                int bit = random.nextInt(m.payloadLength() * 8);
                bytes[start + bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                return bytes;
            } catch (RecSecException e) {
                throw new IllegalStateException(e);
            }
        };
        CoapSocketAgent coap = coapAgent(CoapSocketAgent.ProxyForm.PROXY_SCHEME);
        SeSession s;
        try {
            s = SeHandshake.run(card(), coap, new org.recsec.se.host.Retransmission(6000, 2));
        } catch (SeException | IOException e) {
            coap.close();
            assertTrue(server.established.poll(2, TimeUnit.SECONDS) == null
                    || server.flights.completed() == 1, "failed on the client side: " + e);
            return;
        }
        try (s) {
            assertSamePair(s, server.awaitEstablished());
        }
    }
}
