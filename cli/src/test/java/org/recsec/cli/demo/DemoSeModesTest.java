package org.recsec.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.OptionNumbers;

/**
 * {@code recsec demo --kmp se --se-mode psk|cert --transport dtls|tls}: the card's handshake in each mode against
 * Bouncy Castle's server, the SA pair installed by the SE KMP, the echoed text verified through the proxy; the
 * capture has the protected text nowhere in clear. Wrong combinations exit 2.
 */
@Timeout(240)
class DemoSeModesTest {

    @ParameterizedTest
    @CsvSource({"psk,tls,exported", "cert,dtls,stays on the card", "cert,tls,exported"})
    void everyModeInstallsAWorkingPair(String mode, String transport, String where, @TempDir Path dir)
            throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        String text = "via " + mode + "/" + transport + " " + System.nanoTime();
        DemoTest.Run r = DemoTest.demo("--kmp", "se", "--se-mode", mode, "--transport", transport, "--message", text,
                "--pcap", pcap.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("verified: \"" + text + "\""), r.out());
        assertTrue(r.out().contains(transport.equals("tls") ? "TLS 1.2 over TCP" : "DTLS 1.2 over UDP"), r.out());
        assertTrue(r.out().contains(mode.equals("cert") ? "TLS_DHE_RSA_WITH_AES_128_CCM_8"
                : "TLS_PSK_WITH_AES_128_CCM_8"), r.out());
        assertTrue(r.out().contains(where), r.out());
        if (mode.equals("cert")) {
            assertTrue(r.out().contains("checked the card's certificate CN=card"), r.out());
        }
        List<byte[]> datagrams = DemoTest.udpPayloads(pcap);
        int protectedMessages = 0;
        for (byte[] d : datagrams) {
            assertFalse(new String(d, StandardCharsets.ISO_8859_1).contains(text), "text in clear on the wire");
            CoapMessage m = CoapCodec.decode(d, 0, d.length);
            if (m.hasOption(OptionNumbers.RECORD_SECURITY)) {
                protectedMessages++;
            }
        }
        assertTrue(protectedMessages >= 4, "request and response on both legs: " + protectedMessages);
    }

    @Test
    void wrongCombinationsExitTwo() {
        assertEquals(2, DemoTest.demo("--kmp", "se", "--se-mode", "rsa").code());
        assertEquals(2, DemoTest.demo("--kmp", "se", "--transport", "quic").code());
        assertEquals(2, DemoTest.demo("--kmp", "manual", "--se-mode", "cert").code());
        assertEquals(2, DemoTest.demo("--kmp", "se", "--transport", "tls", "--se-transport", "coap").code());
    }
}
