package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.tls.DTLSTransport;
import org.junit.jupiter.api.Test;

/** The card as DTLS 1.2 client against Bouncy Castle's DTLS server, then records both ways. */
class HandshakeTest extends CardTestBase {

    @Test
    void handshakeWithCookieThenRecordsBothWaysAndReplayRefused() throws Exception {
        personalise(1);
        try (BcDtlsServer server = new BcDtlsServer(IDENTITY, PSK, "recsec hint".getBytes(), true)) {
            EapHost eap = new EapHost(card);
            TestBridge bridge = new TestBridge(eap, server.clientEnd);
            bridge.handshake();
            DTLSTransport t = server.transport();
            assertEquals(5, card.state(), "ESTABLISHED");
            // the HelloVerifyRequest was answered: two ClientHellos, the second with the cookie
            assertEquals(1, bridge.cardRecords.get(0)[13], "ClientHello");
            assertEquals(1, bridge.cardRecords.get(1)[13], "ClientHello with cookie");

            byte[] msg = "1234\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] rec = eap.exchange(0x97, msg);
            assertArrayEquals(Hex.bytes("17 FEFD 0001 000000000001"), Arrays.copyOf(rec, 11), "epoch 1 seq 1");
            assertEquals(8 + msg.length + 8, ((rec[11] & 0xFF) << 8) | (rec[12] & 0xFF));
            server.clientEnd.send(rec);
            byte[] buf = new byte[2048];
            int n = t.receive(buf, 0, buf.length, 5000);
            assertArrayEquals(msg, Arrays.copyOf(buf, n));

            byte[] reply = "0100 from the server".getBytes(StandardCharsets.US_ASCII);
            t.send(reply, 0, reply.length);
            byte[] d = server.clientEnd.receive(5000);
            assertArrayEquals(reply, eap.exchange(0, d));

            EapHost.CardError replay = assertThrows(EapHost.CardError.class, () -> eap.exchange(0, d));
            assertEquals(0x6984, replay.sw);
            assertEquals(5, card.state(), "a refused record leaves the session established");

            byte[] second = "second".getBytes(StandardCharsets.US_ASCII);
            t.send(second, 0, second.length);
            assertArrayEquals(second, eap.exchange(0, server.clientEnd.receive(5000)));
        }
    }
}
