package org.recsec.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.cli.Recsec;

/** {@code recsec demo} over real UDP on loopback: exit 0, the trace, and a capture that tshark reads as CoAP. */
class DemoTest {

    record Run(int code, String out, String err) {
    }

    static Run demo(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] argv = new String[args.length + 1];
        argv[0] = "demo";
        System.arraycopy(args, 0, argv, 1, args.length);
        int code = new Recsec().run(argv, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The datagrams of a LINKTYPE_RAW pcap file, read back independently of PcapWriter. */
    static List<byte[]> udpPayloads(Path pcap) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt());
        b.position(20);
        assertEquals(101, b.getInt(), "LINKTYPE_RAW");
        List<byte[]> out = new ArrayList<>();
        while (b.remaining() > 0) {
            b.getInt();
            b.getInt();
            int incl = b.getInt();
            assertEquals(incl, b.getInt());
            byte[] packet = new byte[incl];
            b.get(packet);
            assertEquals(0x45, packet[0] & 0xff);
            assertEquals(17, packet[9], "UDP");
            int udpLen = ((packet[24] & 0xff) << 8) | (packet[25] & 0xff);
            assertEquals(incl - 20, udpLen);
            byte[] payload = new byte[udpLen - 8];
            System.arraycopy(packet, 28, payload, 0, payload.length);
            out.add(payload);
        }
        return out;
    }

    @Test
    void demoRoundTripIsVerifiedAndCaptured(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        String text = "secret-text-" + System.nanoTime();
        Run r = demo("--pcap", pcap.toString(), "--message", text);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("verified: \"" + text + "\""), r.out());
        assertTrue(r.out().contains("[client<->proxy]") && r.out().contains("[proxy<->server]"), r.out());
        assertTrue(r.out().contains("Record-Security=spi=0x"), r.out());
        List<byte[]> datagrams = udpPayloads(pcap);
        // A CON retransmission on a loaded machine repeats a datagram byte for byte: count distinct datagrams.
        assertTrue(datagrams.size() >= 4, "request and response on both legs");
        assertEquals(4, datagrams.stream().map(java.util.HexFormat.of()::formatHex).distinct().count(),
                "request and response on both legs");
        for (byte[] d : datagrams) {
            CoapMessage m = CoapCodec.decode(d, 0, d.length);
            assertTrue(m.hasOption(OptionNumbers.RECORD_SECURITY));
            assertFalse(new String(d, StandardCharsets.ISO_8859_1).contains(text), "text in clear on the wire");
        }
        tsharkReadsCoap(pcap);
    }

    /** tshark dissects the four datagrams as CoAP (on CI it is installed by .ci/run, so it must be there). */
    private static void tsharkReadsCoap(Path pcap) throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        Process p;
        try {
            p = new ProcessBuilder("tshark", "-r", pcap.toString(), "-d", "udp.port==5683,coap", "-T", "fields",
                    "-e", "coap.code", "-e", "coap.mid", "-Y", "coap").redirectErrorStream(false).start();
        } catch (IOException e) {
            Assumptions.assumeFalse(!ci, "tshark is not installed here");
            throw e;
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String fields = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), fields);
        List<String> lines = fields.lines().filter(l -> !l.isBlank()).toList();
        assertTrue(lines.size() >= 4, fields);
        assertEquals(4, lines.stream().distinct().count(), "a POST and a 2.04 on each leg: " + fields);
        assertTrue(lines.get(0).startsWith("2\t"), "POST outside: " + fields);
        assertEquals(2, lines.stream().distinct().filter(l -> l.startsWith("68\t")).count(), "2.04 outside: " + fields);
    }

    /**
     * With --kmp eap the capture also holds the CoAP-EAP exchange (trigger, EAP in Content-Format 269) and the RADIUS
     * datagrams between AA and AS (Access-Request, -Challenge, -Accept, each with its EAP-Message attribute).
     */
    @Test
    void eapDemoCapturesTheCoapEapExchange(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("eap.pcap");
        Run r = demo("--kmp", "eap", "--pcap", pcap.toString(), "--message", "via eap");
        assertEquals(0, r.code(), r.out() + r.err());
        List<byte[]> datagrams = udpPayloads(pcap);
        boolean trigger = false;
        int eapTls = 0;
        java.util.Set<Integer> radiusCodes = new java.util.HashSet<>();
        for (byte[] d : datagrams) {
            int code = d[0] & 0xff;
            if ((code == 1 || code == 2 || code == 11) && d.length >= 20
                    && (((d[2] & 0xff) << 8) | (d[3] & 0xff)) == d.length && hasAttribute(d, 79)) {
                radiusCodes.add(code);
                continue;
            }
            CoapMessage m = CoapCodec.decode(d, 0, d.length);
            String path = new String(d, StandardCharsets.ISO_8859_1);
            trigger |= path.contains(".well-known") && path.contains("coap-eap");
            if (m.hasOption(OptionNumbers.CONTENT_FORMAT) && m.option(OptionNumbers.CONTENT_FORMAT).orElseThrow().uintValue() == 269
                    && m.payload().length > 4 && m.payload()[4] == 13) {
                eapTls++;
            }
        }
        assertTrue(trigger, "the CoAP-EAP trigger is in the capture");
        assertTrue(eapTls >= 6, "EAP-TLS messages in CoAP-EAP: " + eapTls);
        assertEquals(java.util.Set.of(1, 2, 11), radiusCodes, "RADIUS Access-Request, -Accept, -Challenge");
    }

    /** True when the RADIUS packet's attributes (RFC 2865 §5, from byte 20) include {@code type}. */
    private static boolean hasAttribute(byte[] d, int type) {
        int o = 20;
        while (o + 2 <= d.length) {
            int len = d[o + 1] & 0xff;
            if (len < 2 || o + len > d.length) {
                return false;
            }
            if ((d[o] & 0xff) == type) {
                return true;
            }
            o += len;
        }
        return false;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"manual", "ticket", "se", "eap"})
    void everyKmpInstallsAWorkingPair(String kmp) {
        Run r = demo("--kmp", kmp, "--message", "via " + kmp);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("(KMP: " + kmp + ")"), r.out());
        assertTrue(r.out().contains("verified: \"via " + kmp + "\""), r.out());
    }

    /** --kmp eap runs the UE's EAP-TLS peer on the simulated card by default; --ue host keeps Bouncy Castle's. */
    @Test
    void eapDemoRunsTheUeOnTheCardByDefaultAndOnTheHostOnRequest() {
        Run card = demo("--kmp", "eap", "--message", "card ue");
        assertEquals(0, card.code(), card.out() + card.err());
        assertTrue(card.out().contains("verified: \"card ue\""), card.out());
        assertTrue(card.out().contains("EAP-TLS peer in TLS mode (TLS_DHE_RSA_WITH_AES_128_CCM_8)"), card.out());
        assertTrue(card.out().contains("MSK and EMSK stayed on its card"), card.out());
        Run host = demo("--kmp", "eap", "--ue", "host", "--message", "host ue");
        assertEquals(0, host.code(), host.out() + host.err());
        assertTrue(host.out().contains("verified: \"host ue\""), host.out());
        assertTrue(host.out().contains("(equal to the UE's: true)"), host.out());
        assertTrue(!host.out().contains("secure element"), host.out());
        for (String[] bad : new String[][] {{"--kmp", "eap", "--ue", "phone"}, {"--kmp", "ticket", "--ue", "host"}}) {
            Run r = demo(bad);
            assertEquals(2, r.code(), String.join(" ", bad));
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    @Test
    void wrongArgumentsExitTwo() {
        Run r = demo("--kmp", "carrier-pigeon");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
