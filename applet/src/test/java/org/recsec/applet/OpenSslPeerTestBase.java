package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.testsupport.OpenSslServer;

/**
 * What {@link OpenSslDtlsTest} and {@link OpenSslTlsTest} share: s_server's options for PSK and certificate mode,
 * and the card's handshakes with it, each followed by text each way and the card's close_notify.
 *
 * @param <L> the connection to s_server the bridge runs on (a UDP link or a TCP socket)
 */
abstract class OpenSslPeerTestBase<L extends AutoCloseable> extends CardTestBase {

    @TempDir
    Path dir;

    /** A new connection to s_server on {@code port}. */
    abstract L connect(int port) throws IOException;

    /** The card's bridge on {@code link} (made after the card's RESET). */
    abstract CardBridge bridge(L link) throws IOException;

    /** s_server on an ephemeral port with {@code args}; its lines are awaited up to 20 s. */
    static OpenSslServer server(List<String> args) throws IOException, InterruptedException {
        return new OpenSslServer(args, Duration.ofSeconds(20));
    }

    /** s_server's options for PSK mode with the card's IDENTITY and PSK ({@code version}: -tls1_2 or -dtls1_2). */
    static List<String> pskOptions(String version, int accepts) {
        return new ArrayList<>(List.of(version, "-nocert", "-psk", HexFormat.of().formatHex(PSK), "-psk_identity",
                new String(IDENTITY, StandardCharsets.US_ASCII), "-cipher", "PSK-AES128-CCM8", "-naccept",
                String.valueOf(accepts)));
    }

    /**
     * s_server's options for certificate mode: a new test PKI (the card provisioned with it), the server's
     * certificate, key and ffdhe2048 parameters and the CA written to {@link #dir}, DHE_RSA, and a client
     * certificate required and verified against the CA ({@code -verifyCAfile}, see {@link OpenSslTlsTest}).
     */
    List<String> certificateOptions(String version, int accepts) throws Exception {
        TestPki pki = new TestPki(new SecureRandom());
        provision(pki);
        TestPki.writePem(dir.resolve("ca.pem"), "CERTIFICATE", pki.ca.getEncoded());
        TestPki.writePem(dir.resolve("server.pem"), "CERTIFICATE", pki.server.getEncoded());
        TestPki.writeKey(dir.resolve("server.key"), pki.serverKeys.getPrivate());
        TestPki.writeFfdhe2048(dir.resolve("dh.pem"));
        return new ArrayList<>(List.of(version, "-cert", dir.resolve("server.pem").toString(), "-key",
                dir.resolve("server.key").toString(), "-verifyCAfile", dir.resolve("ca.pem").toString(), "-Verify",
                "1", "-verify_return_error", "-cipher", "DHE-RSA-AES128-CCM8", "-dhparam",
                dir.resolve("dh.pem").toString(), "-naccept", String.valueOf(accepts)));
    }

    /**
     * {@code handshakes} handshakes with {@code server} in RESET {@code mode}, the first full, the others resumed
     * (s_server prints "Reused session-id"; in certificate mode it printed the card's subject first), each followed
     * by text each way and close_notify.
     */
    void run(OpenSslServer server, int mode, boolean cert, int handshakes) throws Exception {
        for (int i = 0; i < handshakes; i++) {
            try (L link = connect(server.port())) {
                assertSw(0x9000, card.reset(mode | (i > 0 ? RESUME : 0)));
                CardBridge bridge = bridge(link);
                boolean resumed = bridge.handshake();
                assertEquals(5, card.state(), "ESTABLISHED");
                assertEquals(i > 0, resumed, "handshake " + i + " abbreviated");
                if (cert && i == 0) {
                    server.await("CN = card");
                }
                if (i > 0) {
                    server.await("Reused session-id");
                }
                String text = "ping from the card " + i;
                bridge.send((text + "\n").getBytes(StandardCharsets.US_ASCII));
                server.await(text);
                server.type("pong " + i);
                assertArrayEquals(("pong " + i + "\n").getBytes(StandardCharsets.US_ASCII), bridge.receive());
                bridge.closeNotify();
            }
        }
    }
}
