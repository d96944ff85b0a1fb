package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * The card as TLS 1.2 client (RESET P2 bit 0) against Bouncy Castle's TLS server over loopback TCP: PSK and
 * certificate mode (DHE_RSA, mutual authentication), each one full handshake and two abbreviated ones resuming it,
 * with a record each way after every handshake.
 */
class TlsModesTest extends CardTestBase {

    @Test
    void pskFullThenResumed() throws Exception {
        personalise(1);
        try (BcTlsServer server = BcTlsServer.psk(IDENTITY, PSK, 3)) {
            run(server, TLS, 3, false);
        }
    }

    @Test
    void certificateFullThenResumed() throws Exception {
        TestPki pki = new TestPki(new SecureRandom());
        provision(pki);
        try (BcTlsServer server = BcTlsServer.cert(pki, 3)) {
            run(server, TLS | CERT, 3, true);
        }
    }

    private void run(BcTlsServer server, int mode, int handshakes, boolean cert) throws Exception {
        for (int i = 0; i < handshakes; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                assertSw(0x9000, card.reset(mode | (i > 0 ? RESUME : 0)));
                TlsStreamBridge bridge = new TlsStreamBridge(new EapHost(card), s.getInputStream(),
                        s.getOutputStream());
                boolean resumed = bridge.handshake();
                assertEquals(5, card.state(), "ESTABLISHED");
                assertEquals(i > 0, resumed, "handshake " + i + " abbreviated");
                String text = "ping " + i;
                bridge.send(text.getBytes(StandardCharsets.US_ASCII));
                BcTlsServer.Connection c = server.next();
                assertArrayEquals(text.getBytes(StandardCharsets.US_ASCII), c.received());
                assertEquals(i > 0, c.resumed(), "the server resumed");
                if (cert && i == 0) {
                    assertTrue(c.clientCertificateChecked(), "the server checked the card's certificate");
                }
                assertArrayEquals(("reply:" + text).getBytes(StandardCharsets.US_ASCII), bridge.receive());
                bridge.closeNotify();
            }
        }
    }
}
