package org.recsec.kmp.iose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenSSL's s_client reaches the right simulated SE through the grid, and gets a signature that verifies. */
class OpenSslGridTest {
    static IoseGrid grid;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        grid = new IoseGrid(List.of(TestSes.card("mykeystore"), TestSes.card("otherse")),
                IoseGrid.Config.defaults(), System::nanoTime);
        port = grid.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterAll
    static void stop() {
        grid.close();
    }

    @Test
    void shellSignatureVerifiesWithThePublicKey() throws Exception {
        byte[] data = HexFormat.of().parseHex("0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20");
        try (OpenSslClient c = new OpenSslClient(port, "mykeystore", TestSes.IDENTITY, TestSes.PSK, null)) {
            c.send("p00");
            c.send("s01" + HexFormat.of().formatHex(data));
            c.send("p01");
            List<String> got = c.await(3);
            assertEquals(3, got.size(), "answers: " + got + "\nstderr: " + c.stderr());
            PublicKey k1 = KeyFactory.getInstance("RSA").generatePublic(
                    new X509EncodedKeySpec(HexFormat.of().parseHex(got.get(2))));
            Signature v = Signature.getInstance("SHA256withRSA");
            v.initVerify(k1);
            v.update(data);
            assertTrue(v.verify(HexFormat.of().parseHex(got.get(1))), "signature by key 01 verifies");
            PublicKey k0 = KeyFactory.getInstance("RSA").generatePublic(
                    new X509EncodedKeySpec(HexFormat.of().parseHex(got.get(0))));
            v.initVerify(k0);
            v.update(data);
            assertTrue(!v.verify(HexFormat.of().parseHex(got.get(1))), "and not with key 00");
        }
    }

    @Test
    void ccm8SuiteWhenOnlyThatIsOffered() throws Exception {
        byte[] data = "ccm8".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (OpenSslClient c = new OpenSslClient(port, "otherse", TestSes.IDENTITY, TestSes.PSK,
                "-ciphersuites TLS_AES_128_CCM_8_SHA256")) {
            c.send("p00");
            c.send("s00" + HexFormat.of().formatHex(data));
            List<String> got = c.await(2);
            assertEquals(2, got.size(), "answers: " + got + "\nstderr: " + c.stderr());
            PublicKey k = KeyFactory.getInstance("RSA").generatePublic(
                    new X509EncodedKeySpec(HexFormat.of().parseHex(got.get(0))));
            Signature v = Signature.getInstance("SHA256withRSA");
            v.initVerify(k);
            v.update(data);
            assertTrue(v.verify(HexFormat.of().parseHex(got.get(1))));
        }
    }

    /**
     * The card's TLS-Exporter (RFC 8446 §7.5, the root of the record SA of issue 18 item 9) against OpenSSL's
     * {@code -keymatexport} (no context: the empty context in TLS 1.3), in both suites.
     */
    @Test
    @org.junit.jupiter.api.Timeout(120)
    void cardsExporterEqualsOpenSsls() throws Exception {
        for (String suite : List.of("TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256")) {
            try (OpenSslClient c = new OpenSslClient(port, "mykeystore", TestSes.IDENTITY, TestSes.PSK,
                    "-ciphersuites " + suite, IoseRecordSa.LABEL)) {
                c.send("e");
                List<String> got = c.await(1);
                String answer = null;
                for (int i = 0; i < 200 && answer == null; i++) {
                    answer = got.stream().filter(l -> l.matches("[0-9A-F]{40}")).findFirst().orElse(null);
                    got = answer == null ? c.await(got.size() + 1) : got;
                }
                String openssl = got.stream().filter(l -> l.contains("Keying material:")).findFirst()
                        .map(l -> l.replaceAll(".*Keying material: *", "").trim()).orElse(null);
                assertNotNull(openssl, "OpenSSL printed its keying material: " + got + "\nstderr: " + c.stderr());
                assertEquals(40, openssl.length(), openssl);
                assertEquals(openssl, answer, suite + ": the card's exporter = OpenSSL's");
            }
        }
    }

    @Test
    void unknownSenGetsUnrecognizedName() throws Exception {
        try (OpenSslClient c = new OpenSslClient(port, "nosuchse", TestSes.IDENTITY, TestSes.PSK, null)) {
            String err = c.awaitExit();
            assertTrue(err.contains("unrecognized name"), err);
        }
        assertTrue(grid.stats().unknownName.get() >= 1);
    }
}
