package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * The card as DTLS 1.2 client against Bouncy Castle's DTLS server (in-memory datagrams): PSK with resumption, and
 * certificate mode (DHE_RSA, mutual authentication) full and resumed, text each way after every handshake.
 */
class DtlsModesTest extends CardTestBase {

    @Test
    void pskFullThenResumed() throws Exception {
        personalise(1);
        run(new BcTlsServer(IDENTITY, PSK, null), 0, false);
    }

    @Test
    void certificateFullThenResumed() throws Exception {
        TestPki pki = new TestPki(new SecureRandom());
        provision(pki);
        run(new BcTlsServer(null, null, pki), CERT, true);
    }

    /** Certificate mode with the HelloVerifyRequest before every handshake, resumed ones included. */
    @Test
    void certificateWithCookiesFullThenResumed() throws Exception {
        TestPki pki = new TestPki(new SecureRandom());
        provision(pki);
        run(new BcTlsServer(null, null, pki).withCookies(), CERT, true);
    }

    /** EXPORT-SA after a certificate-mode handshake names C0A2, hands over 66 bytes and leaves the card EXPORTED. */
    @Test
    void exportAfterCertificateHandshake() throws Exception {
        personalise(1);
        TestPki pki = new TestPki(new SecureRandom());
        provision(pki);
        BcTlsServer server = new BcTlsServer(null, null, pki);
        MemoryDatagramTransport[] pair = MemoryDatagramTransport.pair();
        try {
            server.serveDtls(pair[0]);
            assertSw(0x9000, card.reset(CERT));
            new DtlsBridge(new EapHost(card), pair[1]).handshake();
            javax.smartcardio.ResponseAPDU r = card.send(SimulatedCard.INS_EXPORT_SA, 0, 0, null);
            assertSw(0x9000, r);
            assertEquals(66, r.getData().length);
            assertEquals(0xC0A2, ((r.getData()[0] & 0xFF) << 8) | (r.getData()[1] & 0xFF));
            assertEquals(6, card.state(), "EXPORTED");
        } finally {
            pair[0].close();
            pair[1].close();
        }
    }

    private void run(BcTlsServer server, int mode, boolean cert) throws Exception {
        for (int i = 0; i < 3; i++) {
            MemoryDatagramTransport[] pair = MemoryDatagramTransport.pair();
            try {
                server.serveDtls(pair[0]);
                assertSw(0x9000, card.reset(mode | (i > 0 ? RESUME : 0)));
                DtlsBridge bridge = new DtlsBridge(new EapHost(card), pair[1]);
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
            } finally {
                pair[0].close();
                pair[1].close();
            }
        }
    }
}
