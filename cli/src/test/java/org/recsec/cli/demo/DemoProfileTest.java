package org.recsec.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;

/**
 * {@code recsec demo --profile P}: the manual KMP (the default with another profile than dtls12) or the ticket KMP
 * (whose ticket names the profile) installs an SA pair of that profile through PF_KEY, the echo comes back verified
 * through the Californium layer and proxy, the datagrams carry records of that profile, and tshark with recsec.lua
 * and the demo's key file shows the inner text.
 */
class DemoProfileTest {
    private static final String TEXT = "Hello, end-to-end CoAP!";

    @ParameterizedTest
    @CsvSource({"manual,dtls12-cid,25,dtls12-cid (RFC 9146)", "manual,compact,-1,compact (RFC 9147)",
            "ticket,dtls12-cid,25,dtls12-cid (RFC 9146)", "ticket,compact,-1,compact (RFC 9147)"})
    void everyProfileRunsEndToEnd(String kmp, String profile, int firstByte, String traced, @TempDir Path dir)
            throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        Path keylog = dir.resolve("demo.keys");
        DemoTest.Run run = kmp.equals("manual")
                ? DemoTest.demo("--profile", profile, "--pcap", pcap.toString(), "--keylog", keylog.toString())
                : DemoTest.demo("--kmp", kmp, "--profile", profile, "--pcap", pcap.toString(), "--keylog",
                        keylog.toString());
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("(KMP: " + kmp + ")"), run.out());
        if (kmp.equals("manual")) {
            assertTrue(run.out().contains("-P " + profile + " "), run.out());
        }
        assertTrue(run.out().contains("record: " + traced), run.out());
        assertTrue(run.out().contains("verified: \"" + TEXT + "\""), run.out());
        List<byte[]> datagrams = DemoTest.udpPayloads(pcap);
        assertTrue(datagrams.size() >= 4, "request and response on both legs");
        for (byte[] d : datagrams) {
            byte[] record = CoapCodec.decode(d, 0, d.length).payload();
            if (firstByte >= 0) {
                assertEquals(firstByte, record[0] & 0xff);
            } else {
                assertEquals(0x20, record[0] & 0xe0, "RFC 9147 unified header");
            }
        }
        assertEquals(2, Files.readAllLines(keylog).stream().filter(l -> l.startsWith("RECSEC_SA ")
                && l.contains(" " + profile + " ")).count(), "key file holds the SA pair");

        DemoWiresharkTest.Shown s = DemoWiresharkTest.tshark(pcap, keylog, "-T", "fields", "-E", "occurrence=f",
                "-e", "recsec.profile", "-e", "recsec.inner.text", "-e", "_ws.malformed", "-e", "recsec.malformed");
        List<String> lines = s.out().lines().filter(l -> !l.isBlank()).toList();
        assertTrue(lines.size() >= 4, s.out());
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            assertEquals(profile, f[0], line);
            assertEquals(TEXT, f[1], line);
            assertEquals("", f[2] + f[3], "malformed: " + line);
        }
    }

    /**
     * {@code --kmp eap --profile P}: UE (on the card by default, or the host) and ApS are both configured for P, the
     * pull installs a pair of P on both ends and the protected datagrams carry records of P.
     */
    @ParameterizedTest
    @CsvSource({"compact,card,-1,compact (RFC 9147)", "dtls12-cid,host,25,dtls12-cid (RFC 9146)"})
    void theEapKmpInstallsEveryProfile(String profile, String ue, int firstByte, String traced, @TempDir Path dir)
            throws Exception {
        Path pcap = dir.resolve("eap.pcap");
        List<String> args = new java.util.ArrayList<>(List.of("--kmp", "eap", "--profile", profile, "--pcap",
                pcap.toString()));
        if (!ue.equals("card")) {
            args.addAll(List.of("--ue", ue));
        }
        DemoTest.Run run = DemoTest.demo(args.toArray(String[]::new));
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("(KMP: eap)"), run.out());
        assertTrue(run.out().contains("SA pair (AES_128_CCM_8, " + profile + ")"), run.out());
        assertTrue(run.out().contains("record: " + traced), run.out());
        assertTrue(run.out().contains("verified: \"" + TEXT + "\""), run.out());
        int records = 0;
        for (byte[] d : DemoTest.udpPayloads(pcap)) {
            CoapMessage m;
            try {
                m = CoapCodec.decode(d, 0, d.length);
            } catch (org.recsec.record.base.RecSecException e) {
                continue; // RADIUS between AA and AS
            }
            if (!m.hasOption(org.recsec.record.coap.OptionNumbers.RECORD_SECURITY)) {
                continue; // CoAP-EAP and the pull request, not protected
            }
            assertFirstByte(m.payload(), firstByte);
            records++;
        }
        assertTrue(records >= 4, "request and response on both legs: " + records);
    }

    /** The SE KMP's exported pair (TLS mode) takes any profile: the records are record-sec's, not the card's. */
    @ParameterizedTest
    @CsvSource({"dtls12-cid,25", "compact,-1"})
    void theSeKmpsExportedPairTakesTheProfile(String profile, int firstByte, @TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        DemoTest.Run run = DemoTest.demo("--kmp", "se", "--transport", "tls", "--profile", profile, "--pcap",
                pcap.toString());
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("exported from the card"), run.out());
        assertTrue(run.out().contains("verified: \"" + TEXT + "\""), run.out());
        List<byte[]> datagrams = DemoTest.udpPayloads(pcap);
        assertTrue(datagrams.size() >= 4, "request and response on both legs");
        for (byte[] d : datagrams) {
            assertFirstByte(CoapCodec.decode(d, 0, d.length).payload(), firstByte);
        }
    }

    private static void assertFirstByte(byte[] record, int firstByte) {
        if (firstByte >= 0) {
            assertEquals(firstByte, record[0] & 0xff);
        } else {
            assertEquals(0x20, record[0] & 0xe0, "RFC 9147 unified header");
        }
    }

    /** What stays refused: the card-resident SE pair (the card seals dtls12 records). */
    @ParameterizedTest
    @CsvSource({"se,compact,", "se,dtls12-cid,", "se,compact,dtls", "se,compact,cert"})
    void anotherProfileNeedsAnotherKmp(String kmp, String profile, String seOption) {
        DemoTest.Run r = seOption == null ? DemoTest.demo("--profile", profile, "--kmp", kmp)
                : seOption.equals("dtls") ? DemoTest.demo("--profile", profile, "--kmp", kmp, "--transport", "dtls")
                : DemoTest.demo("--profile", profile, "--kmp", kmp, "--se-mode", seOption);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("goes with --kmp manual, ticket or eap, or --kmp se --transport tls"), r.err());
        assertTrue(r.out().isEmpty(), "refused before anything runs: " + r.out());
    }

    @Test
    void anUnknownProfileIsRefused() {
        assertEquals(2, DemoTest.demo("--profile", "dtls13").code());
        assertFalse(DemoTest.demo("--profile", "dtls13").err().isBlank());
    }
}
