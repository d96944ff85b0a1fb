package org.recsec.kmp.se.coap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeFixture;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.SeCard;

/**
 * Certificate mode and session resumption of the card's DTLS handshake in CoAP messages, to a Californium server
 * with the handshake resource over real UDP loopback and Bouncy Castle's DTLS server behind it (the proxies are in
 * the CLI module's CoapModesProxyTest): one full and N abbreviated handshakes, each ending with the card's exported
 * keys equal to the server's key block; a card certificate from another CA and a server that forgot the session
 * end as they must.
 */
@Timeout(180)
class CoapModesTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    static SeCoapDtlsBridge bridge(SeCard card, InetSocketAddress server) throws IOException {
        CoapSocketAgent coap = CoapSocketAgent.overUdp(server, null, CoapSocketAgent.ProxyForm.NONE, LOOPBACK,
                new SecureRandom());
        return new SeCoapDtlsBridge(card, coap, CoapTransmission.RFC7252.dtlsTimer());
    }

    /** One full and {@code resumptions} abbreviated handshakes, each checked against the server's key block. */
    static void fullThenResumed(SeCard card, int mode, ModesFixture f, int resumptions, InetSocketAddress via)
            throws Exception {
        for (int i = 0; i <= resumptions; i++) {
            card.reset(mode | (i > 0 ? SeCard.MODE_RESUME : 0));
            SeCoapDtlsBridge b = bridge(card, via);
            assertEquals(i > 0, b.handshake(), "handshake " + i + " abbreviated?");
            PskDtlsServer.Established e = f.awaitEstablished();
            assertTrue(ModesFixture.samePair(card.exportSa(), e), "handshake " + i + ": the card's keys are the server's");
            assertEquals(e.spis(), org.recsec.kmp.se.SeSpis.derive(b.clientRandom(), b.serverRandom()),
                    "handshake " + i + ": the bridge's randoms give the server's SPIs");
            assertTrue(java.util.Arrays.equals(e.clientRandom(), b.clientRandom()));
        }
        assertEquals(1, f.cache.full());
        assertEquals(resumptions, f.cache.resumed());
        assertEquals(resumptions + 1, f.flights.completed());
    }

    @Test
    void certificateModeFullThenThreeResumedOverCoap() throws Exception {
        ModesFixture.Pki pki = new ModesFixture.Pki("ca");
        try (ModesFixture f = ModesFixture.certificate(LOOPBACK, pki, pki.ca)) {
            SeCard card = pki.certificateCard(pki.ca);
            fullThenResumed(card, SeCard.MODE_CERT, f, 3, f.address());
        }
    }

    @Test
    void pskModeFullThenThreeResumedOverCoap() throws Exception {
        try (ModesFixture f = ModesFixture.psk(LOOPBACK)) {
            SeCard card = JCardSimLink.personalisedCard(SeCard.POLICY_EXPORT, SeFixture.IDENTITY, SeFixture.PSK,
                    SeFixture.SEN);
            fullThenResumed(card, 0, f, 3, f.address());
        }
    }

    @Test
    void aCardCertificateFromAnotherCaEndsWithAnAlertAndNoSa() throws Exception {
        ModesFixture.Pki pki = new ModesFixture.Pki("ca");
        ModesFixture.Pki other = new ModesFixture.Pki("other");
        try (ModesFixture f = ModesFixture.certificate(LOOPBACK, pki, other.ca)) {
            SeCard card = pki.certificateCard(pki.ca);
            card.reset(SeCard.MODE_CERT);
            IOException x = assertThrows(IOException.class, () -> bridge(card, f.address()).handshake());
            assertTrue(x.getMessage().contains("alert"), x.getMessage());
            assertEquals(0, f.flights.completed());
            assertTrue(f.established.isEmpty());
            assertThrows(org.recsec.se.host.SeException.class, card::exportSa);
        }
    }

    @Test
    void aServerThatForgotTheSessionRunsAFullHandshake() throws Exception {
        SeCard card = JCardSimLink.personalisedCard(SeCard.POLICY_EXPORT, SeFixture.IDENTITY, SeFixture.PSK,
                SeFixture.SEN);
        try (ModesFixture f = ModesFixture.psk(LOOPBACK)) {
            card.reset(0);
            assertFalse(bridge(card, f.address()).handshake());
            f.awaitEstablished();
        }
        try (ModesFixture f = ModesFixture.psk(LOOPBACK)) {
            card.reset(SeCard.MODE_RESUME);
            assertFalse(bridge(card, f.address()).handshake(), "a new server has no session to resume");
            assertTrue(ModesFixture.samePair(card.exportSa(), f.awaitEstablished()));
            assertEquals(1, f.cache.full());
            assertEquals(0, f.cache.resumed());
        }
    }

    /** TLS mode is refused with its typed error before any CoAP message goes out; the server keeps no state. */
    @Test
    void tlsModeIsRefusedBeforeAnythingIsSent() throws Exception {
        try (ModesFixture f = ModesFixture.psk(LOOPBACK)) {
            SeCard card = JCardSimLink.personalisedCard(SeCard.POLICY_EXPORT, SeFixture.IDENTITY, SeFixture.PSK,
                    SeFixture.SEN);
            card.reset(SeCard.MODE_TLS);
            RecordingWire wire = new RecordingWire(UdpFlightWire.open(f.address(), LOOPBACK));
            CoapSocketAgent coap = new CoapSocketAgent(wire, f.address().getAddress().getHostAddress(),
                    f.address().getPort(), CoapSocketAgent.ProxyForm.NONE, CoapTransmission.RFC7252,
                    new SecureRandom());
            assertThrows(TlsOverCoapException.class,
                    () -> new SeCoapDtlsBridge(card, coap, CoapTransmission.RFC7252.dtlsTimer()).handshake());
            assertEquals(0, wire.sent.size(), "nothing went out");
            assertEquals(0, f.flights.handshakes());
            // the same card, RESET for DTLS, then goes through
            card.reset(0);
            assertFalse(bridge(card, f.address()).handshake());
            assertTrue(ModesFixture.samePair(card.exportSa(), f.awaitEstablished()));
        }
    }

    /** A TLS ClientHello posted to the resource anyway (another client) is answered 4.00, with no state kept. */
    @Test
    void tlsRecordsPostedToTheResourceAreABadRequest() throws Exception {
        try (ModesFixture f = ModesFixture.psk(LOOPBACK)) {
            SeCard card = JCardSimLink.personalisedCard(SeCard.POLICY_EXPORT, SeFixture.IDENTITY, SeFixture.PSK,
                    SeFixture.SEN);
            card.reset(SeCard.MODE_TLS);
            byte[] tlsHello = card.eapStart();
            CoapSocketAgent coap = new CoapSocketAgent(UdpFlightWire.open(f.address(), LOOPBACK),
                    f.address().getAddress().getHostAddress(), f.address().getPort(), CoapSocketAgent.ProxyForm.NONE,
                    CoapTransmission.RFC7252, new SecureRandom());
            coap.sendFlight(java.util.List.of(tlsHello));
            CoapFlightException x = assertThrows(CoapFlightException.class, () -> coap.recvFlight(20_000));
            assertEquals(0x80, x.code(), "4.00");
            assertEquals(0, f.flights.handshakes());
            coap.close();
        }
    }
}
