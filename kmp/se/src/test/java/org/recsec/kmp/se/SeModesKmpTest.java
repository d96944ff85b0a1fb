package org.recsec.kmp.se;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeDtlsBridge;
import org.recsec.se.host.SeException;
import org.recsec.se.host.SeTlsBridge;

/**
 * The SE KMP after every mode the host bridges run — DTLS/TLS x PSK/certificate, full and resumed — against Bouncy
 * Castle's server ({@link SeModeServer}) over loopback: the card's SA pair (exported; and SE-resident in the DTLS
 * modes) is installed through PF_KEY ADD into the client's SAD, the server's from its own key block into the
 * server's, and records sealed by each end's outbound SA open at the other's inbound SA (requests and responses
 * through unchanged RecordProtectors). The server's key block is derived by Bouncy Castle from its own master
 * secret: a card that exported other keys, or SPIs derived from other randoms, fail the exchange.
 */
@Timeout(300)
class SeModesKmpTest {
    private static final byte[] ID = "kmp-modes".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PSK = org.recsec.record.internal.wire.Bytes.fromHex("0f0e0d0c0b0a09080706050403020100");
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void dtlsPsk() throws Exception {
        run(false, null);
    }

    @Test
    void dtlsCertificate() throws Exception {
        run(false, new ModePki(new SecureRandom()));
    }

    @Test
    void tlsPsk() throws Exception {
        run(true, null);
    }

    @Test
    void tlsCertificate() throws Exception {
        run(true, new ModePki(new SecureRandom()));
    }

    /** Handshakes: full + exported, resumed + exported; DTLS also full + resident, resumed + resident. */
    private void run(boolean tls, ModePki pki) throws Exception {
        SeCard card = JCardSimLink.personalisedCard(SeCard.POLICY_EXPORT, ID, PSK,
                "se.kmp".getBytes(StandardCharsets.US_ASCII));
        if (pki != null) {
            pki.provision(card);
        }
        int mode = (tls ? SeCard.MODE_TLS : 0) | (pki != null ? SeCard.MODE_CERT : 0);
        int handshakes = tls ? 3 : 4;
        try (SeModeServer server = pki == null ? SeModeServer.psk(tls, ANY, ID, PSK, new SecureRandom(), handshakes)
                : SeModeServer.cert(tls, ANY, pki.credentials(), new SecureRandom(), handshakes)) {
            for (int i = 0; i < handshakes; i++) {
                boolean resume = i % 2 == 1;
                boolean resident = i >= 2;
                card.reset(mode | (resume ? SeCard.MODE_RESUME : 0));
                try (Conn c = new Conn(card, tls, server.address())) {
                    boolean resumed = c.handshake();
                    SeModeServer.Established est = server.next(60_000);
                    String what = (tls ? "TLS" : "DTLS") + (pki != null ? " cert" : " PSK") + " handshake " + i;
                    assertEquals(resume, resumed, what + ": the card's view");
                    assertEquals(resume, est.resumed(), what + ": the server's view");
                    if (pki != null && !resume) {
                        assertEquals("CN=card", est.clientSubject(), what);
                    }
                    assertArrayEquals(est.clientRandom(), c.clientRandom(), what);
                    assertArrayEquals(est.serverRandom(), c.serverRandom(), what);
                    SeCipherRegistry registry = new SeCipherRegistry();
                    SecurityAssociationDatabase client = SeFixture.sad(SeFixture.C, registry);
                    SecurityAssociationDatabase srv = SeFixture.sad(SeFixture.S, null);
                    if (i == 2 && tls) {
                        // TLS: the card's records are TLS records; an SE-resident pair is refused, nothing added
                        assertThrows(SeException.class, () -> SeKmp.installResident(card, c.clientRandom(),
                                c.serverRandom(), true, 1, client.openSession(b -> { }), SeFixture.C, SeFixture.S,
                                registry));
                        assertThrows(RecSecException.class, () -> client.outbound(LocalId.of(SeFixture.C),
                                PeerId.of(SeFixture.S)));
                        continue;
                    }
                    SeSpis spis;
                    if (resident) {
                        String handle = SeKmp.installResident(card, c.clientRandom(), c.serverRandom(), false, 1,
                                client.openSession(b -> { }), SeFixture.C, SeFixture.S, registry);
                        spis = est.spis();
                        assertEquals("se:" + Long.toHexString(spis.clientToServer()), handle);
                    } else {
                        spis = SeKmp.installExported(card, c.clientRandom(), c.serverRandom(),
                                client.openSession(b -> { }), SeFixture.C, SeFixture.S);
                        assertEquals(est.spis(), spis, what);
                        assertEquals(SeCard.STATE_EXPORTED, card.status()[0], what + ": the card wiped its keys");
                    }
                    SeKmp.installServer(est.keys(), spis, srv.openSession(b -> { }), SeFixture.S, SeFixture.C, 1);
                    // requests: client outbound -> server inbound; responses: server outbound -> client inbound
                    SeKmpTest.exchange(client, srv, 2);
                    // and each direction on its own, with a bit flipped: the other end refuses
                    byte[] rec = srv.outbound(LocalId.of(SeFixture.S), PeerId.of(SeFixture.C)).cipher()
                            .seal(23, 1, 100, "s2c".getBytes(StandardCharsets.US_ASCII), 0, 3);
                    assertArrayEquals("s2c".getBytes(StandardCharsets.US_ASCII),
                            client.inbound(spis.serverToClient()).cipher().open(rec, 0, rec.length), what);
                    byte[] bad = rec.clone();
                    bad[bad.length - 1] ^= 1;
                    assertThrows(RecSecException.class,
                            () -> client.inbound(spis.serverToClient()).cipher().open(bad, 0, bad.length));
                    if (!resident) {
                        byte[] up = client.outbound(LocalId.of(SeFixture.C), PeerId.of(SeFixture.S)).cipher()
                                .seal(23, 1, 100, "c2s".getBytes(StandardCharsets.US_ASCII), 0, 3);
                        assertArrayEquals("c2s".getBytes(StandardCharsets.US_ASCII),
                                srv.inbound(spis.clientToServer()).cipher().open(up, 0, up.length), what);
                    }
                    if (resident) {
                        registry.unregister("se:" + Long.toHexString(spis.clientToServer()));
                    }
                }
            }
        }
    }

    /** One connection of the card to the server through the host bridge of the mode. */
    private static final class Conn implements AutoCloseable {
        private final Socket tcp;
        private final DatagramSocket udp;
        private final SeTlsBridge tlsBridge;
        private final SeDtlsBridge dtlsBridge;

        Conn(SeCard card, boolean tls, InetSocketAddress server) throws IOException {
            if (tls) {
                tcp = new Socket(server.getAddress(), server.getPort());
                tcp.setSoTimeout(60_000);
                tlsBridge = new SeTlsBridge(card, tcp.getInputStream(), tcp.getOutputStream());
                udp = null;
                dtlsBridge = null;
            } else {
                udp = new DatagramSocket();
                udp.connect(server);
                dtlsBridge = new SeDtlsBridge(card, udp);
                tcp = null;
                tlsBridge = null;
            }
        }

        boolean handshake() throws Exception {
            return tlsBridge != null ? tlsBridge.handshake() : dtlsBridge.handshake();
        }

        byte[] clientRandom() {
            return tlsBridge != null ? tlsBridge.clientRandom() : dtlsBridge.clientRandom();
        }

        byte[] serverRandom() {
            return tlsBridge != null ? tlsBridge.serverRandom() : dtlsBridge.serverRandom();
        }

        @Override
        public void close() throws IOException {
            if (tcp != null) {
                tcp.close();
            } else {
                udp.close();
            }
        }
    }
}
