package org.recsec.cli.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeFixture;
import org.recsec.kmp.se.coap.CoapSocketAgent;
import org.recsec.kmp.se.coap.CoapTransmission;
import org.recsec.kmp.se.coap.FlightFixture;
import org.recsec.kmp.se.coap.UdpFlightWire;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.se.host.DtlsIso7816Agent;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.Retransmission;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeHandshake;
import org.recsec.se.host.SeSession;
import org.recsec.se.host.UdpSocketAgent;

/**
 * What carrying the handshake in CoAP costs against UDP: the card's PSK handshake once over UDP to Bouncy Castle's
 * DTLS server, once in CoAP through the Californium forward proxy; messages, bytes on each leg (CoAP messages, and
 * with 28 bytes of IPv4 + UDP header each) and round trips, written to {@code target/coap-handshake-cost.txt}
 * (the table in kmp/se/README.md). Retransmissions on a loaded machine are left out: each message ID counts once.
 */
@Timeout(120)
class CoapHandshakeCostTest {
    private static final int IP_UDP = 28;

    /** Messages and bytes of one direction on one leg, each message ID once. */
    private static final class Tally {
        final Map<String, Integer> messages = new HashMap<>();

        synchronized void add(String key, int bytes) {
            messages.putIfAbsent(key, bytes);
        }

        synchronized int count() {
            return messages.size();
        }

        synchronized int bytes() {
            return messages.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    @Test
    void coapAgainstUdp() throws Exception {
        InetAddress clientIp = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        InetAddress serverIp = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});

        // UDP: the flights are the datagrams.
        ByteArrayOutputStream udpUp = new ByteArrayOutputStream();
        ByteArrayOutputStream udpDown = new ByteArrayOutputStream();
        long udpSent;
        long udpReceived;
        int udpRoundTrips;
        try (PskDtlsServer dtls = PskDtlsServer.start(new InetSocketAddress(serverIp, 0), SeFixture.IDENTITY,
                SeFixture.PSK, new SecureRandom());
             UdpSocketAgent udp = UdpSocketAgent.open(dtls.address())) {
            org.recsec.kmp.se.coap.FlightFixture.Recording rec = new FlightFixture.Recording(udp);
            try (SeSession s = SeHandshake.run(card(), rec, Retransmission.RFC6347)) {
                assertArrayEquals(dtls.awaitHandshake(Duration.ofSeconds(20)).clientRandom(), s.clientRandom());
            }
            rec.sentFlights.forEach(udpUp::writeBytes);
            rec.receivedFlights.forEach(udpDown::writeBytes);
            udpSent = rec.sentFlights.size();
            udpReceived = rec.receivedFlights.size();
            udpRoundTrips = rec.sentFlights.size();
        }

        // CoAP through the proxy.
        Tally up1 = new Tally();
        Tally down1 = new Tally();
        Tally up2 = new Tally();
        Tally down2 = new Tally();
        ByteArrayOutputStream coapFlightsUp = new ByteArrayOutputStream();
        try (FlightFixture server = new FlightFixture(serverIp, null)) {
            InetSocketAddress serverAddr = server.address();
            try (ForwardingProxy proxy = new ForwardingProxy(new InetSocketAddress(clientIp, 0),
                    new InetSocketAddress(clientIp, 0), Configuration.createStandardWithoutFile(),
                    (src, dst, bytes) -> {
                        CoapMessage m;
                        try {
                            m = CoapCodec.decode(bytes, 0, bytes.length);
                        } catch (org.recsec.record.base.RecSecException e) {
                            return;
                        }
                        if (m.isEmpty()) {
                            return; // an empty ACK: counted nowhere, as it carries no flight
                        }
                        String key = src + ">" + dst + "#" + m.messageId();
                        boolean secondLeg = dst.equals(serverAddr) || src.equals(serverAddr);
                        Tally t = secondLeg ? (dst.equals(serverAddr) ? up2 : down2)
                                : (m.isRequest() ? up1 : down1);
                        t.add(key, bytes.length);
                    })) {
                CoapSocketAgent coap = new CoapSocketAgent(UdpFlightWire.open(proxy.address(), clientIp),
                        serverIp.getHostAddress(), serverAddr.getPort(), CoapSocketAgent.ProxyForm.PROXY_SCHEME,
                        CoapTransmission.RFC7252, new SecureRandom());
                FlightFixture.Recording rec = new FlightFixture.Recording(coap);
                try (SeSession s = SeHandshake.run(card(), rec, CoapTransmission.RFC7252.dtlsTimer())) {
                    assertArrayEquals(server.awaitEstablished().clientRandom(), s.clientRandom());
                    assertEquals(udpRoundTrips, coap.stats().exchanges(), "as many round trips as over UDP");
                }
                rec.sentFlights.forEach(coapFlightsUp::writeBytes);
            }
        }
        // PSK flights are the same length whatever the randoms: the same bytes count either way.
        assertEquals(udpUp.size(), coapFlightsUp.size());
        // One request per client flight, as over UDP; one response per request, where UDP takes one datagram per
        // server handshake message (Bouncy Castle sends them one by one) and the CoAP server packs them.
        assertEquals(udpSent, up1.count());
        assertEquals(udpSent, up2.count());
        assertEquals(udpRoundTrips, down1.count());
        assertEquals(udpRoundTrips, down2.count());
        assertTrue(udpReceived >= down1.count());

        StringBuilder t = new StringBuilder();
        t.append("| carrier | leg | messages up / down | bytes up / down | with IPv4+UDP headers | round trips |\n");
        t.append("|---|---|---|---|---|---|\n");
        t.append(row("DTLS in UDP", "client - server", udpSent, udpReceived, udpUp.size(), udpDown.size(),
                udpRoundTrips));
        t.append(row("DTLS in CoAP", "client - proxy", up1.count(), down1.count(), up1.bytes(), down1.bytes(),
                udpRoundTrips));
        t.append(row("DTLS in CoAP", "proxy - server", up2.count(), down2.count(), up2.bytes(), down2.bytes(),
                udpRoundTrips));
        int overhead = up1.bytes() + down1.bytes() - udpUp.size() - udpDown.size();
        t.append(String.format("%nCoAP adds %d bytes on the client's leg (%.0f per message) and %d on the server's.%n",
                overhead, overhead / (double) (up1.count() + down1.count()),
                up2.bytes() + down2.bytes() - udpUp.size() - udpDown.size()));
        Path out = Path.of("target", "coap-handshake-cost.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, t.toString(), StandardCharsets.UTF_8);
        System.out.print(t);
        assertTrue(up1.bytes() > udpUp.size() && down1.bytes() > udpDown.size());
    }

    private static String row(String carrier, String leg, long up, long down, long bytesUp, long bytesDown,
                              int roundTrips) {
        return String.format("| %s | %s | %d / %d | %d / %d | %d / %d | %d |%n", carrier, leg, up, down, bytesUp,
                bytesDown, bytesUp + IP_UDP * up, bytesDown + IP_UDP * down, roundTrips);
    }

    private static DtlsIso7816Agent card() throws Exception {
        return new DtlsIso7816Agent(JCardSimLink.personalisedCard(SeCard.POLICY_EXPORT, SeFixture.IDENTITY,
                SeFixture.PSK, SeFixture.SEN));
    }
}
