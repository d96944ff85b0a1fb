package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The card as TLS 1.2 client against OpenSSL 3's {@code s_server -tls1_2} over loopback TCP: PSK
 * ({@code -psk -cipher PSK-AES128-CCM8}) and certificate mode ({@code -cert -key -verifyCAfile -Verify 1 -cipher
 * DHE-RSA-AES128-CCM8 -dhparam} ffdhe2048; {@code -verifyCAfile} rather than {@code -CAfile}, because with
 * {@code -CAfile} OpenSSL also sends the CA certificate and the Certificate message no longer fits the card's
 * 1088-byte buffer), one full and two resumed handshakes each (s_server prints "Reused
 * session-id"), text each way after every handshake.
 */
class OpenSslTlsTest extends CardTestBase {

    @TempDir
    Path dir;

    @Test
    void pskFullThenResumed() throws Exception {
        personalise(1);
        try (OpenSslServer s = new OpenSslServer(List.of("-tls1_2", "-nocert", "-psk", HexFormat.of().formatHex(PSK),
                "-psk_identity", new String(IDENTITY, StandardCharsets.US_ASCII), "-cipher", "PSK-AES128-CCM8",
                "-naccept", "3"))) {
            run(s, TLS, 3, false);
        }
    }

    @Test
    void certificateFullThenResumed() throws Exception {
        TestPki pki = new TestPki(new SecureRandom());
        provision(pki);
        TestPki.writePem(dir.resolve("ca.pem"), "CERTIFICATE", pki.ca.getEncoded());
        TestPki.writePem(dir.resolve("server.pem"), "CERTIFICATE", pki.server.getEncoded());
        TestPki.writeKey(dir.resolve("server.key"), pki.serverKeys.getPrivate());
        TestPki.writeFfdhe2048(dir.resolve("dh.pem"));
        List<String> args = new ArrayList<>(List.of("-tls1_2", "-cert", dir.resolve("server.pem").toString(), "-key",
                dir.resolve("server.key").toString(), "-verifyCAfile", dir.resolve("ca.pem").toString(), "-Verify", "1",
                "-verify_return_error", "-cipher", "DHE-RSA-AES128-CCM8", "-dhparam", dir.resolve("dh.pem").toString(),
                "-naccept", "3"));
        try (OpenSslServer s = new OpenSslServer(args)) {
            run(s, TLS | CERT, 3, true);
        }
    }

    private void run(OpenSslServer server, int mode, int handshakes, boolean cert) throws Exception {
        for (int i = 0; i < handshakes; i++) {
            try (Socket sock = new Socket(InetAddress.getLoopbackAddress(), server.port)) {
                assertSw(0x9000, card.reset(mode | (i > 0 ? RESUME : 0)));
                TlsStreamBridge bridge = new TlsStreamBridge(new EapHost(card), sock.getInputStream(),
                        sock.getOutputStream());
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
