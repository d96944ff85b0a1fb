package org.recsec.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeFixture;
import org.recsec.kmp.se.coap.CoapSocketAgent;
import org.recsec.kmp.se.coap.CoapTransmission;
import org.recsec.kmp.se.coap.FlightFixture;
import org.recsec.kmp.se.coap.ModesFixture;
import org.recsec.kmp.se.coap.SeCoapDtlsBridge;
import org.recsec.kmp.se.coap.UdpFlightWire;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.SeCard;

/**
 * The applet's DTLS certificate mode and session resumption in CoAP messages through the Californium forward proxy
 * ({@link ForwardingProxy}) over real UDP loopback, to a Californium server with the handshake resource and Bouncy
 * Castle's DTLS server behind it (DHE_RSA with client certificates, or PSK; a session cache): one full and N
 * abbreviated handshakes, each SA pair the server's; no datagram between client and server around the proxy; a
 * certificate altered by the proxy ends in an alert and no SA. The cost of each handshake on each leg goes to
 * {@code target/coap-modes-cost.txt} (the table in kmp/se/README.md).
 */
@Timeout(240)
class CoapModesProxyTest {
    private static final InetAddress CLIENT_IP = address(1);
    private static final InetAddress SERVER_IP = address(2);
    private static final int IP_UDP = 28;

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Messages and bytes per direction and leg, each message ID once; every (src, dst) pair seen. */
    private static final class Legs {
        final Map<String, Map<String, Integer>> tally = new HashMap<>();
        final List<String> pairs = new ArrayList<>();
        volatile InetSocketAddress server;

        synchronized void add(InetSocketAddress src, InetSocketAddress dst, byte[] bytes) {
            pairs.add(src + ">" + dst);
            CoapMessage m;
            try {
                m = CoapCodec.decode(bytes, 0, bytes.length);
            } catch (RecSecException e) {
                return;
            }
            if (m.isEmpty()) {
                return; // empty ACKs carry no flight
            }
            boolean second = dst.equals(server) || src.equals(server);
            String dir = (second ? "proxy-server " : "client-proxy ") + (m.isRequest() ? "up" : "down");
            tally.computeIfAbsent(dir, k -> new HashMap<>()).putIfAbsent(src + ">" + dst + "#" + m.messageId(),
                    bytes.length);
        }

        synchronized void reset() {
            tally.clear();
        }

        synchronized int count(String dir) {
            return tally.getOrDefault(dir, Map.of()).size();
        }

        synchronized int bytes(String dir) {
            return tally.getOrDefault(dir, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private interface Mutator {
        byte[] apply(byte[] coap);
    }

    private final Legs legs = new Legs();
    private volatile Mutator mutator = b -> b;

    private ForwardingProxy proxy(ModesFixture server) throws IOException {
        legs.server = server.address();
        return new ForwardingProxy(new InetSocketAddress(CLIENT_IP, 0), new InetSocketAddress(CLIENT_IP, 0),
                Configuration.createStandardWithoutFile(), legs::add, (src, dst, bytes) -> mutator.apply(bytes));
    }

    private static CoapSocketAgent agent(ForwardingProxy proxy, ModesFixture server, CoapSocketAgent.ProxyForm form)
            throws IOException {
        return new CoapSocketAgent(UdpFlightWire.open(proxy.address(), CLIENT_IP), SERVER_IP.getHostAddress(),
                server.address().getPort(), form, CoapTransmission.RFC7252, new SecureRandom());
    }

    /**
     * Every client flight crossed the proxy: as many requests with content on the proxy's upstream leg as the client
     * sent (the client's socket is connected to the proxy, so it cannot reach the server any other way).
     */
    private void assertThroughTheProxy(int clientRequests) {
        assertTrue(legs.count("proxy-server up") >= 1 && legs.count("client-proxy up") == clientRequests,
                legs.tally.keySet() + " " + clientRequests);
    }

    private String costRow(String what, FlightFixture.Recording rec, CoapSocketAgent coap) {
        int recordsUp = rec.sentFlights.stream().mapToInt(b -> b.length).sum();
        int recordsDown = rec.receivedFlights.stream().mapToInt(b -> b.length).sum();
        StringBuilder t = new StringBuilder();
        t.append(String.format("| %s | DTLS records (the UDP payload) | %d / %d flights | %d / %d | | %d |%n", what,
                rec.sentFlights.size(), rec.receivedFlights.size(), recordsUp, recordsDown,
                coap.stats().exchanges()));
        for (String leg : new String[] {"client-proxy", "proxy-server"}) {
            int up = legs.count(leg + " up");
            int down = legs.count(leg + " down");
            int bu = legs.bytes(leg + " up");
            int bd = legs.bytes(leg + " down");
            t.append(String.format("| %s | CoAP %s | %d / %d | %d / %d | %d / %d | %d |%n", what,
                    leg.replace("-", " - "), up, down, bu, bd, bu + IP_UDP * up, bd + IP_UDP * down,
                    coap.stats().exchanges()));
        }
        return t.toString();
    }

    @Test
    void certificateModeFullAndResumedThroughTheProxy() throws Exception {
        ModesFixture.Pki pki = new ModesFixture.Pki("ca");
        StringBuilder cost = new StringBuilder();
        try (ModesFixture server = ModesFixture.certificate(SERVER_IP, pki, pki.ca);
             ForwardingProxy proxy = proxy(server)) {
            SeCard card = pki.certificateCard(pki.ca);
            for (int i = 0; i <= 2; i++) {
                legs.reset();
                card.reset(SeCard.MODE_CERT | (i > 0 ? SeCard.MODE_RESUME : 0));
                CoapSocketAgent coap = agent(proxy, server, CoapSocketAgent.ProxyForm.PROXY_SCHEME);
                FlightFixture.Recording rec = new FlightFixture.Recording(coap);
                assertEquals(i > 0, new SeCoapDtlsBridge(card, rec, CoapTransmission.RFC7252.dtlsTimer())
                        .handshake());
                PskDtlsServer.Established e = server.awaitEstablished();
                assertTrue(ModesFixture.samePair(card.exportSa(), e), "handshake " + i);
                assertEquals(3, rec.sentFlights.size(), "client flights without loss (a resumed ClientHello gets a cookie too)");
                assertThroughTheProxy((int) coap.stats().requests());
                if (i < 2) {
                    cost.append(costRow(i == 0 ? "certificate, full" : "certificate, resumed", rec, coap));
                }
                coap.close();
            }
            assertEquals(1, server.cache.full());
            assertEquals(2, server.cache.resumed());
        }
        try (ModesFixture server = ModesFixture.psk(SERVER_IP); ForwardingProxy proxy = proxy(server)) {
            SeCard card = JCardSimLink.personalisedCard(SeCard.POLICY_EXPORT, SeFixture.IDENTITY, SeFixture.PSK,
                    SeFixture.SEN);
            for (int i = 0; i <= 1; i++) {
                legs.reset();
                card.reset(i > 0 ? SeCard.MODE_RESUME : 0);
                CoapSocketAgent coap = agent(proxy, server, CoapSocketAgent.ProxyForm.PROXY_SCHEME);
                FlightFixture.Recording rec = new FlightFixture.Recording(coap);
                assertEquals(i > 0, new SeCoapDtlsBridge(card, rec, CoapTransmission.RFC7252.dtlsTimer())
                        .handshake());
                assertTrue(ModesFixture.samePair(card.exportSa(), server.awaitEstablished()));
                cost.append(costRow(i == 0 ? "PSK, full" : "PSK, resumed", rec, coap));
                coap.close();
            }
        }
        String table = "| handshake | carrier / leg | messages up / down | bytes up / down | with IPv4+UDP headers"
                + " | round trips |\n|---|---|---|---|---|---|\n" + cost;
        Path out = Path.of("target", "coap-modes-cost.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table, StandardCharsets.UTF_8);
        System.out.print(table);
    }

    @Test
    void pskFullThenThreeResumedThroughTheProxy() throws Exception {
        try (ModesFixture server = ModesFixture.psk(SERVER_IP); ForwardingProxy proxy = proxy(server)) {
            SeCard card = JCardSimLink.personalisedCard(SeCard.POLICY_EXPORT, SeFixture.IDENTITY, SeFixture.PSK,
                    SeFixture.SEN);
            for (int i = 0; i <= 3; i++) {
                card.reset(i > 0 ? SeCard.MODE_RESUME : 0);
                CoapSocketAgent coap = agent(proxy, server, CoapSocketAgent.ProxyForm.PROXY_SCHEME);
                assertEquals(i > 0, new SeCoapDtlsBridge(card, coap, CoapTransmission.RFC7252.dtlsTimer())
                        .handshake());
                assertTrue(ModesFixture.samePair(card.exportSa(), server.awaitEstablished()), "handshake " + i);
                coap.close();
            }
            assertEquals(3, server.cache.resumed());
        }
    }

    /** The proxy flips a bit in the card's Certificate on the way to the server: an alert, and no SA anywhere. */
    @Test
    void aCertificateAlteredByTheProxyEndsWithoutAnSa() throws Exception {
        ModesFixture.Pki pki = new ModesFixture.Pki("ca");
        try (ModesFixture server = ModesFixture.certificate(SERVER_IP, pki, pki.ca);
             ForwardingProxy proxy = proxy(server)) {
            int[] altered = new int[1];
            mutator = bytes -> {
                try {
                    CoapMessage m = CoapCodec.decode(bytes, 0, bytes.length);
                    byte[] p = m.payload();
                    // the first block of the card's flight 5 starts with its Certificate record (handshake type 11)
                    if (!m.isRequest() || p.length < 200 || p[0] != 22 || p[13] != 11) {
                        return bytes;
                    }
                    p = p.clone();
                    p[150] ^= 0x01;
                    synchronized (altered) {
                        altered[0]++;
                    }
                    return CoapCodec.encode(new CoapMessage(m.type(), m.code(), m.messageId(), m.token(),
                            m.options(), p));
                } catch (RecSecException e) {
                    return bytes;
                }
            };
            SeCard card = pki.certificateCard(pki.ca);
            card.reset(SeCard.MODE_CERT);
            CoapSocketAgent coap = agent(proxy, server, CoapSocketAgent.ProxyForm.PROXY_SCHEME);
            IOException x = assertThrows(IOException.class,
                    () -> new SeCoapDtlsBridge(card, coap, CoapTransmission.RFC7252.dtlsTimer()).handshake());
            assertTrue(x.getMessage().contains("alert"), x.getMessage());
            synchronized (altered) {
                assertTrue(altered[0] >= 1, "the proxy altered the certificate");
            }
            assertEquals(0, server.flights.completed());
            assertTrue(server.established.isEmpty());
            assertThrows(org.recsec.se.host.SeException.class, card::exportSa);
            coap.close();
        }
    }
}
