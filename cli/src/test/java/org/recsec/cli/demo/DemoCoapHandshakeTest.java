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
        CoapOption cf = m.option(OptionNumbers.CONTENT_FORMAT);
        return cf != null && cf.uintValue() == FlightCoap.CONTENT_FORMAT;
    }

    @Test
    void theHandshakeGoesThroughTheProxyAndNothingBypassesIt(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("coap-hs.pcap");
        DemoTest.Run r = DemoTest.demo("--kmp", "se", "--se-transport", "coap", "--pcap", pcap.toString(),
                "--message", "through the proxy");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("SE handshake (DTLS 1.2 PSK, AES_128_CCM_8) in CoAP through the proxy"), r.out());
        assertTrue(r.out().contains("verified: \"through the proxy\""), r.out());
        Matcher pm = Pattern.compile("client -> proxy ([0-9.]+:[0-9]+) -> server coap://([0-9.]+:[0-9]+)/echo")
                .matcher(r.out());
        assertTrue(pm.find(), r.out());
        String proxy = pm.group(1);
        String server = pm.group(2);

        List<Captured> all = capture(pcap);
        Set<String> proxyUpstream = new HashSet<>();
        Set<Integer> flightsToProxy = new HashSet<>();
        Set<Integer> flightsToServer = new HashSet<>();
        for (Captured c : all) {
            boolean viaProxyFront = c.src().equals(proxy) || c.dst().equals(proxy);
            boolean atServer = c.src().equals(server) || c.dst().equals(server);
            assertTrue(viaProxyFront ^ atServer, "one leg or the other: " + c.src() + " -> " + c.dst());
            if (atServer) {
                proxyUpstream.add(c.src().equals(server) ? c.dst() : c.src());
            }
            CoapMessage m = CoapCodec.decode(c.payload(), 0, c.payload().length);
            if (isFlight(m) && m.isRequest()) {
                (c.dst().equals(proxy) ? flightsToProxy : flightsToServer).add(m.messageId());
            }
        }
        assertEquals(1, proxyUpstream.size(), "the server talked to the proxy's second leg only: " + proxyUpstream);
        assertFalse(proxyUpstream.contains(proxy));
        // Counted by message ID: a CoAP retransmission on a loaded machine is the same request.
        assertEquals(3, flightsToProxy.size(), "ClientHello, ClientHello with cookie, the card's Finished flight");
        assertEquals(3, flightsToServer.size());
    }

    @Test
    void seTransportNeedsTheSeKmpAndAKnownValue() {
        assertEquals(2, DemoTest.demo("--kmp", "manual", "--se-transport", "coap").code());
        assertEquals(2, DemoTest.demo("--kmp", "se", "--se-transport", "tcp").code());
    }
}
