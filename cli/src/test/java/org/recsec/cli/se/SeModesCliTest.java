package org.recsec.cli.se;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.kmp.se.SeModeServer;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.VpcdClient;
import org.recsec.testsupport.OpenSsl;
import org.recsec.testsupport.OpenSslServer;
import org.recsec.testsupport.VirtualReader;

/**
 * The CLI contract of issue 16 against OpenSSL 3's s_server (port 0, read back from its ACCEPT line) and Bouncy
 * Castle's server ({@link SeModeServer}): every mode (DTLS/TLS x PSK/certificate) with resumption through
 * jcardsim's terminal, and all of them again through pcscd + vsmartcard-vpcd
 * (the applet served to vpcd by {@link VpcdClient}, the CLI using the JDK's PC/SC provider with {@code --reader}).
 * The PKI is made with the openssl command line. The PC/SC test is skipped, loudly, only when pcscd with the vpcd
 * driver is not running (.ci/run installs and starts it).
 */
@Timeout(180)
class SeModesCliTest {
    private static final String READER = VirtualReader.NAME;
    private static final String PSK = "000102030405060708090a0b0c0d0e0f";
    private static final String ID = "cli-card@recsec";

    @TempDir
    Path dir;

    /** What one run of {@code recsec se} printed, and its exit code. */
    record Run(int code, String out, String err) {
    }

    /** Runs {@code recsec se ARGS} in this JVM (stdin empty). */
    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SeCli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void wrongArgumentsExitTwo() {
        assertEquals(2, cli("handshake", "--peer", "127.0.0.1:1", "--transport", "quic", "--psk", PSK, "--identity",
                ID).code());
        assertEquals(2, cli("handshake", "--peer", "127.0.0.1:1", "--cert", "--psk", PSK).code());
        assertEquals(2, cli("handshake", "--peer", "127.0.0.1:1", "--cert", "--issuer-key", "/nonexistent",
                "--issuer-cert", "/nonexistent", "--server-ca", "/nonexistent").code());
        assertEquals(2, cli("handshake", "--peer", "127.0.0.1:1", "--transport", "tls", "--psk", PSK, "--identity",
                ID, "--resume", "-1").code());
        assertEquals(2, cli("vcard").code());
    }

    @Test
    void tlsPskWithResumptionThroughJcardsim() throws Exception {
        tlsPsk(null);
    }

    @Test
    void dtlsCertificateWithResumptionThroughJcardsim() throws Exception {
        dtlsCert(null);
    }

    @Test
    void dtlsPskWithResumptionThroughJcardsim() throws Exception {
        dtlsPsk(null);
    }

    /** Bouncy Castle's server (SeModeServer) in each mode, one full and one resumed handshake through the CLI. */
    @Test
    void bouncyCastleEveryModeThroughJcardsim() throws Exception {
        for (boolean tls : new boolean[] {false, true}) {
            for (boolean cert : new boolean[] {false, true}) {
                bouncyCastle(null, tls, cert);
            }
        }
    }

    @Test
    void everyModeThroughPcscdAndVpcd() throws Exception {
        try (VirtualReader.Claim reader = VirtualReader.claim(VpcdClient.DEFAULT_PORT)) {
            everyModeThroughTheReader(reader);
        }
    }

    private void everyModeThroughTheReader(VirtualReader.Claim reader) throws Exception {
        try (VpcdClient client = VpcdClient.connect(JCardSimLink.open(),
                new InetSocketAddress("127.0.0.1", VpcdClient.DEFAULT_PORT))) {
            Thread served = new Thread(() -> {
                try {
                    client.serve();
                } catch (IOException e) {
                    // closed at the end of the test
                }
            }, "vpcd-client");
            served.setDaemon(true);
            served.start();
            reader.awaitCard();
            tlsPsk(READER);
            dtlsCert(READER);
            tlsCert(READER);
            dtlsPsk(READER);
            for (boolean tls : new boolean[] {false, true}) {
                for (boolean cert : new boolean[] {false, true}) {
                    bouncyCastle(READER, tls, cert);
                }
            }
            assertTrue(client.commands() > 40, "the handshakes went through vpcd: " + client.commands() + " APDUs");
            client.close();
            served.join(10_000);
        }
    }

    private void tlsPsk(String reader) throws Exception {
        try (OpenSslServer s = sServer(List.of("-tls1_2", "-nocert", "-psk", PSK, "-psk_identity", ID, "-cipher",
                "PSK-AES128-CCM8", "-naccept", "3"))) {
            List<String> a = new ArrayList<>(List.of("handshake", "--peer", "127.0.0.1:" + s.port(), "--transport",
                    "tls", "--psk", PSK, "--identity", ID, "--resume", "2", "--send", "hello over tls"));
            addReader(a, reader);
            Run r = cli(a.toArray(String[]::new));
            assertEquals(0, r.code(), r.out() + r.err());
            assertEquals(2, count(r.out(), ": resumed,"), r.out());
            s.await("Reused session-id");
            s.await("hello over tls");
        }
    }

    private void dtlsPsk(String reader) throws Exception {
        try (OpenSslServer s = sServer(List.of("-dtls1_2", "-nocert", "-psk", PSK, "-psk_identity", ID, "-cipher",
                "PSK-AES128-CCM8", "-naccept", "3"))) {
            List<String> a = new ArrayList<>(List.of("handshake", "--peer", "127.0.0.1:" + s.port(), "--psk", PSK,
                    "--identity", ID, "--resume", "2", "--send", "hello over dtls psk"));
            addReader(a, reader);
            Run r = cli(a.toArray(String[]::new));
            assertEquals(0, r.code(), r.out() + r.err());
            assertEquals(2, count(r.out(), ": resumed,"), r.out());
            s.await("hello over dtls psk");
            s.await("Reused session-id");
        }
    }

    private void bouncyCastle(String reader, boolean tls, boolean cert) throws Exception {
        String what = (tls ? "tls" : "dtls") + (cert ? " cert" : " psk") + " via " + (reader == null ? "jcardsim"
                : "pcscd");
        java.net.InetSocketAddress any = new java.net.InetSocketAddress("127.0.0.1", 0);
        java.security.SecureRandom random = new java.security.SecureRandom();
        List<String> a = new ArrayList<>(List.of("handshake", "--transport", tls ? "tls" : "dtls", "--resume", "1",
                "--send", "hello bc " + what));
        SeModeServer server;
        if (cert) {
            pki();
            java.security.cert.CertificateFactory cf = java.security.cert.CertificateFactory.getInstance("X.509");
            java.security.cert.X509Certificate serverCert;
            java.security.cert.X509Certificate ca;
            try (var in = Files.newInputStream(dir.resolve("server.pem"))) {
                serverCert = (java.security.cert.X509Certificate) cf.generateCertificate(in);
            }
            try (var in = Files.newInputStream(dir.resolve("ca.pem"))) {
                ca = (java.security.cert.X509Certificate) cf.generateCertificate(in);
            }
            String pem = Files.readString(dir.resolve("server.key"));
            byte[] der = java.util.Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            java.security.PrivateKey key = java.security.KeyFactory.getInstance("RSA")
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
            server = SeModeServer.cert(tls, any, new SeModeServer.Credentials(key, serverCert, ca.getPublicKey()),
                    random, 2);
            a.addAll(List.of("--cert", "--issuer-key", dir.resolve("ca.key").toString(), "--issuer-cert",
                    dir.resolve("ca.pem").toString(), "--server-ca", dir.resolve("ca.pem").toString()));
        } else {
            server = SeModeServer.psk(tls, any, ID.getBytes(StandardCharsets.UTF_8),
                    org.recsec.record.internal.wire.Bytes.fromHex(PSK), random, 2);
            a.addAll(List.of("--psk", PSK, "--identity", ID));
        }
        try (server) {
            a.addAll(List.of("--peer", "127.0.0.1:" + server.address().getPort()));
            addReader(a, reader);
            Run r = cli(a.toArray(String[]::new));
            assertEquals(0, r.code(), what + ": " + r.out() + r.err());
            assertEquals(1, count(r.out(), ": resumed,"), what + ": " + r.out());
            assertEquals(2, count(r.out(), "received " + ("reply:hello bc " + what).length() + " bytes"),
                    what + ": the card opened both echoes: " + r.out());
            SeModeServer.Established full = server.next(30_000);
            SeModeServer.Established resumed = server.next(30_000);
            assertTrue(!full.resumed() && resumed.resumed(), what);
            if (cert) {
                assertEquals("CN=recsec-se", full.clientSubject(), what);
            }
            assertEquals("hello bc " + what, server.received().poll(30, TimeUnit.SECONDS), what);
            assertEquals("hello bc " + what, server.received().poll(30, TimeUnit.SECONDS), what);
        }
    }

    private void dtlsCert(String reader) throws Exception {
        pki();
        try (OpenSslServer s = sServer(List.of("-dtls1_2", "-cert", dir.resolve("server.pem").toString(), "-key",
                dir.resolve("server.key").toString(), "-verifyCAfile", dir.resolve("ca.pem").toString(), "-Verify",
                "1", "-verify_return_error", "-cipher", "DHE-RSA-AES128-CCM8", "-dhparam", dir.resolve("dh.pem").toString(),
                "-naccept", "2"))) {
            List<String> a = new ArrayList<>(List.of("handshake", "--peer", "127.0.0.1:" + s.port(), "--cert",
                    "--issuer-key", dir.resolve("ca.key").toString(), "--issuer-cert", dir.resolve("ca.pem").toString(),
                    "--server-ca", dir.resolve("ca.pem").toString(), "--resume", "1", "--send", "hello over dtls"));
            addReader(a, reader);
            Run r = cli(a.toArray(String[]::new));
            assertEquals(0, r.code(), r.out() + r.err());
            assertEquals(1, count(r.out(), ": resumed,"), r.out());
            s.await("CN = recsec-se");
            s.await("Reused session-id");
        }
    }

    private void tlsCert(String reader) throws Exception {
        pki();
        try (OpenSslServer s = sServer(List.of("-tls1_2", "-cert", dir.resolve("server.pem").toString(), "-key",
                dir.resolve("server.key").toString(), "-verifyCAfile", dir.resolve("ca.pem").toString(), "-Verify",
                "1", "-verify_return_error", "-cipher", "DHE-RSA-AES128-CCM8", "-dhparam", dir.resolve("dh.pem").toString(),
                "-naccept", "2"))) {
            List<String> a = new ArrayList<>(List.of("handshake", "--peer", "127.0.0.1:" + s.port(), "--transport",
                    "tls", "--cert", "--issuer-key", dir.resolve("ca.key").toString(), "--issuer-cert",
                    dir.resolve("ca.pem").toString(), "--server-ca", dir.resolve("ca.pem").toString(), "--resume",
                    "1"));
            addReader(a, reader);
            Run r = cli(a.toArray(String[]::new));
            assertEquals(0, r.code(), r.out() + r.err());
            s.await("Reused session-id");
        }
    }

    private static void addReader(List<String> a, String reader) {
        if (reader != null) {
            a.add("--reader");
            a.add(reader);
        }
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private void pki() throws Exception {
        pki(dir);
    }

    /**
     * A CA (ca.key, ca.pem), a server key and certificate (server.key, server.pem) and DH parameters (dh.pem) in
     * {@code dir}, made with the openssl command line.
     */
    static void pki(Path dir) throws Exception {
        if (Files.exists(dir.resolve("server.pem"))) {
            return;
        }
        OpenSsl.run(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj",
                "/CN=cli test CA", "-days", "30", "-sha256");
        OpenSsl.run(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
                "/CN=server");
        OpenSsl.run(dir, "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", "dh.pem");
        OpenSsl.run(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "30", "-sha256");
    }

    /** openssl s_server on an ephemeral loopback port; its lines are awaited up to 30 s. */
    private static OpenSslServer sServer(List<String> args) throws Exception {
        return new OpenSslServer(args, Duration.ofSeconds(30));
    }
}
