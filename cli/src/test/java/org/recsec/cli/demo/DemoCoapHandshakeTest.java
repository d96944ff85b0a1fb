package org.recsec.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.kmp.se.coap.FlightCoap;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * {@code recsec demo --kmp se --se-transport coap}: the card's handshake goes in CoAP messages through the proxy,
 * and the capture holds no datagram between client and server that went around it.
 */
class DemoCoapHandshakeTest {

    /** One captured datagram with its addresses ("a.b.c.d:port"). */
    record Captured(String src, String dst, byte[] payload) {
    }

    /** The datagrams of a LINKTYPE_RAW pcap file with their IPv4/UDP addresses, read independently of PcapWriter. */
    static List<Captured> capture(Path pcap) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt());
        b.position(24);
        List<Captured> out = new ArrayList<>();
        while (b.remaining() > 0) {
            b.getInt();
            b.getInt();
            int incl = b.getInt();
            b.getInt();
            byte[] p = new byte[incl];
            b.get(p);
            String src = (p[12] & 0xff) + "." + (p[13] & 0xff) + "." + (p[14] & 0xff) + "." + (p[15] & 0xff) + ":"
                    + (((p[20] & 0xff) << 8) | (p[21] & 0xff));
            String dst = (p[16] & 0xff) + "." + (p[17] & 0xff) + "." + (p[18] & 0xff) + "." + (p[19] & 0xff) + ":"
                    + (((p[22] & 0xff) << 8) | (p[23] & 0xff));
            byte[] payload = java.util.Arrays.copyOfRange(p, 28, incl);
            out.add(new Captured(src, dst, payload));
        }
        return out;
    }

    private static boolean isFlight(CoapMessage m) {
        CoapOption cf = m.option(OptionNumbers.CONTENT_FORMAT).orElse(null);
        return cf != null && cf.uintValue() == FlightCoap.CONTENT_FORMAT;
    }

    /** Flight requests seen on each leg, by message ID (a CoAP retransmission on a loaded machine is the same). */
    record Flights(Set<Integer> toProxy, Set<Integer> toServer) {
    }

    /**
     * Every datagram of the capture is on one leg or the other, the server talked to the proxy's second leg only,
     * and the flights went over both legs.
     */
    static Flights assertNothingBypassesTheProxy(Path pcap, String out) throws Exception {
        Matcher pm = Pattern.compile("client -> proxy ([0-9.]+:[0-9]+) -> server coap://([0-9.]+:[0-9]+)/echo")
                .matcher(out);
        assertTrue(pm.find(), out);
        String proxy = pm.group(1);
        String server = pm.group(2);
        Set<String> proxyUpstream = new HashSet<>();
        Flights f = new Flights(new HashSet<>(), new HashSet<>());
        for (Captured c : capture(pcap)) {
            boolean viaProxyFront = c.src().equals(proxy) || c.dst().equals(proxy);
            boolean atServer = c.src().equals(server) || c.dst().equals(server);
            assertTrue(viaProxyFront ^ atServer, "one leg or the other: " + c.src() + " -> " + c.dst());
            if (atServer) {
                proxyUpstream.add(c.src().equals(server) ? c.dst() : c.src());
            }
            CoapMessage m = CoapCodec.decode(c.payload(), 0, c.payload().length);
            if (isFlight(m) && m.isRequest()) {
                (c.dst().equals(proxy) ? f.toProxy() : f.toServer()).add(m.messageId());
            }
        }
        assertEquals(1, proxyUpstream.size(), "the server talked to the proxy's second leg only: " + proxyUpstream);
        assertFalse(proxyUpstream.contains(proxy));
        return f;
    }

    @Test
    void theHandshakeGoesThroughTheProxyAndNothingBypassesIt(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("coap-hs.pcap");
        DemoTest.Run r = DemoTest.demo("--kmp", "se", "--se-transport", "coap", "--pcap", pcap.toString(),
                "--message", "through the proxy");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("SE handshake (DTLS 1.2 PSK, AES_128_CCM_8) in CoAP through the proxy"), r.out());
        assertTrue(r.out().contains("verified: \"through the proxy\""), r.out());
        Flights f = assertNothingBypassesTheProxy(pcap, r.out());
        assertEquals(3, f.toProxy().size(), "ClientHello, ClientHello with cookie, the card's Finished flight");
        assertEquals(3, f.toServer().size());
    }

    /**
     * {@code --se-mode cert --se-transport coap}: the certificate handshake (block-wise both ways) through the proxy,
     * the SE-resident pair installed through SeKmp, the echo verified, nothing around the proxy.
     */
    @Test
    void theCertificateHandshakeGoesThroughTheProxyAndNothingBypassesIt(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("coap-cert-hs.pcap");
        DemoTest.Run r = DemoTest.demo("--kmp", "se", "--se-mode", "cert", "--se-transport", "coap", "--pcap",
                pcap.toString(), "--message", "certificates through the proxy");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("the card's handshake (DTLS 1.2 in CoAP through the proxy, "
                + "TLS_DHE_RSA_WITH_AES_128_CCM_8 (certificates)) to coap://"), r.out());
        assertTrue(r.out().contains("the client's SA pair stays on the card (handle se:"), r.out());
        assertTrue(r.out().contains("verified: \"certificates through the proxy\""), r.out());
        Flights f = assertNothingBypassesTheProxy(pcap, r.out());
        // ClientHello, with cookie, then flight 5 in several Block1 blocks: more requests carry a flight than 3
        assertTrue(f.toProxy().size() > 3, f.toString());
        assertTrue(f.toServer().size() > 3, f.toString());
    }

    @Test
    void tlsOverCoapExitsTwo() {
        assertEquals(2, DemoTest.demo("--kmp", "se", "--se-mode", "cert", "--transport", "tls", "--se-transport",
                "coap").code());
    }

    @Test
    void seTransportNeedsTheSeKmpAndAKnownValue() {
        assertEquals(2, DemoTest.demo("--kmp", "manual", "--se-transport", "coap").code());
        assertEquals(2, DemoTest.demo("--kmp", "se", "--se-transport", "tcp").code());
    }
}
