package org.recsec.kmp.se.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeCipherRegistry;
import org.recsec.kmp.se.SeFixture;
import org.recsec.kmp.se.SeKmp;
import org.recsec.kmp.se.SeKmpTest;
import org.recsec.kmp.se.SeSpis;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.SeCard;

/**
 * The SE KMP after the card's DTLS modes in CoAP messages ({@link SeCoapDtlsBridge}, Californium server with the
 * handshake resource over UDP loopback): certificate and PSK mode, full and resumed, each pair installed through
 * {@link SeKmp} from the bridge's randoms — exported (full, resumed) and SE-resident (full, resumed) — and the
 * server's from its key block; records sealed by each outbound SA open at the other end's inbound SA, a flipped bit
 * is refused. SPIs from other randoms, or other keys, would fail the exchange.
 */
@Timeout(240)
class CoapModesKmpTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void certificateMode() throws Exception {
        ModesFixture.Pki pki = new ModesFixture.Pki("ca");
        try (ModesFixture f = ModesFixture.certificate(LOOPBACK, pki, pki.ca)) {
            run(pki.certificateCard(pki.ca), SeCard.MODE_CERT, f);
        }
    }

    @Test
    void pskMode() throws Exception {
        try (ModesFixture f = ModesFixture.psk(LOOPBACK)) {
            run(JCardSimLink.personalisedCard(SeCard.POLICY_EXPORT, SeFixture.IDENTITY, SeFixture.PSK, SeFixture.SEN),
                    0, f);
        }
    }

    /** full + exported, resumed + exported, full + resident, resumed + resident. */
    private static void run(SeCard card, int mode, ModesFixture f) throws Exception {
        for (int i = 0; i < 4; i++) {
            boolean resume = i % 2 == 1;
            boolean resident = i >= 2;
            String what = "handshake " + i;
            card.reset(mode | (resume ? SeCard.MODE_RESUME : 0));
            SeCoapDtlsBridge b = CoapModesTest.bridge(card, f.address());
            assertEquals(resume, b.handshake(), what);
            PskDtlsServer.Established est = f.awaitEstablished();
            SeCipherRegistry registry = new SeCipherRegistry();
            SecurityAssociationDatabase client = SeFixture.sad(SeFixture.C, registry);
            SecurityAssociationDatabase srv = SeFixture.sad(SeFixture.S, null);
            SeSpis spis;
            if (resident) {
                String handle = SeKmp.installResident(card, b.clientRandom(), b.serverRandom(), false, 1,
                        client.openSession(m -> { }), SeFixture.C, SeFixture.S, registry);
                spis = SeSpis.derive(b.clientRandom(), b.serverRandom());
                assertEquals("se:" + Long.toHexString(spis.clientToServer()), handle, what);
            } else {
                spis = SeKmp.installExported(card, b.clientRandom(), b.serverRandom(), client.openSession(m -> { }),
                        SeFixture.C, SeFixture.S);
                assertEquals(SeCard.STATE_EXPORTED, card.status()[0], what + ": the card wiped its keys");
            }
            assertEquals(est.spis(), spis, what);
            SeKmp.installServer(est.keys(), spis, srv.openSession(m -> { }), SeFixture.S, SeFixture.C, 1);
            SeKmpTest.exchange(client, srv, 2);
            byte[] rec = srv.outbound(LocalId.of(SeFixture.S), PeerId.of(SeFixture.C)).cipher()
                    .seal(23, 1, 100, "s2c".getBytes(StandardCharsets.US_ASCII), 0, 3);
            assertArrayEquals("s2c".getBytes(StandardCharsets.US_ASCII),
                    client.inbound(spis.serverToClient()).cipher().open(rec, 0, rec.length), what);
            byte[] bad = rec.clone();
            bad[bad.length - 1] ^= 1;
            assertThrows(RecSecException.class,
                    () -> client.inbound(spis.serverToClient()).cipher().open(bad, 0, bad.length));
            if (resident) {
                registry.unregister("se:" + Long.toHexString(spis.clientToServer()));
            }
        }
        assertEquals(2, f.cache.full());
        assertEquals(2, f.cache.resumed());
    }
}
