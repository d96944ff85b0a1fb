package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The card as DTLS 1.2 client against OpenSSL 3's {@code s_server -dtls1_2} over loopback UDP: PSK and certificate
 * mode (DHE_RSA, {@code -Verify 1}), one full and two resumed handshakes each ("Reused session-id"), text each way.
 */
class OpenSslDtlsTest extends CardTestBase {

    @TempDir
    Path dir;

    @Test
    void pskFullThenResumed() throws Exception {
        personalise(1);
        try (OpenSslServer s = new OpenSslServer(List.of("-dtls1_2", "-nocert", "-psk",
                HexFormat.of().formatHex(PSK), "-psk_identity", new String(IDENTITY, StandardCharsets.US_ASCII),
                "-cipher", "PSK-AES128-CCM8", "-naccept", "3"))) {
            run(s, 0, false, 3);
        }
    }

    @Test
    void certificateFullThenResumed() throws Exception {
        certificate(false);
    }

    /**
     * With -listen, s_server answers the ClientHello with a HelloVerifyRequest. One handshake only: s_server makes
     * a new socket (on a new ephemeral port, as it was started with port 0) for each -listen connection.
     */
    @Test
    void certificateWithCookie() throws Exception {
        certificate(true);
    }

    private void certificate(boolean listen) throws Exception {
        TestPki pki = new TestPki(new SecureRandom());
        provision(pki);
        TestPki.writePem(dir.resolve("ca.pem"), "CERTIFICATE", pki.ca.getEncoded());
        TestPki.writePem(dir.resolve("server.pem"), "CERTIFICATE", pki.server.getEncoded());
        TestPki.writeKey(dir.resolve("server.key"), pki.serverKeys.getPrivate());
        TestPki.writeFfdhe2048(dir.resolve("dh.pem"));
        List<String> args = new java.util.ArrayList<>(List.of("-dtls1_2", "-cert", dir.resolve("server.pem").toString(),
                "-key", dir.resolve("server.key").toString(), "-verifyCAfile", dir.resolve("ca.pem").toString(),
                "-Verify", "1", "-verify_return_error", "-cipher", "DHE-RSA-AES128-CCM8", "-dhparam",
                dir.resolve("dh.pem").toString(), "-naccept", listen ? "1" : "3"));
        if (listen) {
            args.add("-listen");
        }
        try (OpenSslServer s = new OpenSslServer(args)) {
            run(s, CERT, true, listen ? 1 : 3);
        }
    }

    private void run(OpenSslServer server, int mode, boolean cert, int handshakes) throws Exception {
        for (int i = 0; i < handshakes; i++) {
            try (UdpLink link = new UdpLink(server.port)) {
                assertSw(0x9000, card.reset(mode | (i > 0 ? RESUME : 0)));
                DtlsBridge bridge = new DtlsBridge(new EapHost(card), link);
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
