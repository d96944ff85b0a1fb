package org.recsec.kmp.se.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeFixture;
import org.recsec.kmp.se.SeKmp;
import org.recsec.kmp.se.SeSpis;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.se.host.DtlsIso7816Agent;
import org.recsec.se.host.ExportedSa;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeHandshake;
import org.recsec.se.host.SeSession;

/**
 * The card's handshake carried in CoAP messages to a Californium server over real UDP loopback (no proxy here; the
 * proxies are in the simulator tests and in the CLI module's Californium proxy tests): the SA pair is the one the
 * server's key block gives, the CoAP payloads are the card's records byte for byte, flights go block-wise when the
 * block size asks for it, and two clients get two handshakes.
 */
@Timeout(120)
class CoapFlightTransportTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    static SeCard card(int policy) throws Exception {
        return JCardSimLink.personalisedCard(policy, SeFixture.IDENTITY, SeFixture.PSK, SeFixture.SEN);
    }

    static CoapSocketAgent agent(RecordingWire wire, InetSocketAddress server, CoapTransmission tx) {
        return new CoapSocketAgent(wire, server.getAddress().getHostAddress(), server.getPort(),
                CoapSocketAgent.ProxyForm.NONE, tx, new SecureRandom());
    }

    /**
     * The CoAP messages with content among the datagrams, in order, each message ID once (a CoAP retransmission on a
     * loaded machine is the same message).
     */
    static List<CoapMessage> messages(List<byte[]> datagrams) throws Exception {
        List<CoapMessage> out = new ArrayList<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (byte[] d : datagrams) {
            CoapMessage m = CoapCodec.decode(d, 0, d.length);
            if (!m.isEmpty() && seen.add(m.messageId())) {
                out.add(m);
            }
        }
        return out;
    }

    @Test
    void exportedPairEqualsTheServersKeyBlockAndThePayloadsAreTheCardsRecords() throws Exception {
        try (FlightFixture f = new FlightFixture(LOOPBACK, null)) {
            SeCard card = card(SeCard.POLICY_EXPORT);
            DtlsIso7816Agent agent = new DtlsIso7816Agent(card);
            RecordingWire wire = new RecordingWire(UdpFlightWire.open(f.address(), LOOPBACK));
            CoapSocketAgent coap = agent(wire, f.address(), CoapTransmission.RFC7252);
            FlightFixture.Recording rec = new FlightFixture.Recording(coap);
            try (SeSession session = SeHandshake.run(agent, rec, CoapTransmission.RFC7252.dtlsTimer())) {
                PskDtlsServer.Established est = f.awaitEstablished();
                assertArrayEquals(est.clientRandom(), session.clientRandom());
                assertArrayEquals(est.serverRandom(), session.serverRandom());
                assertNotNull(coap.handshakeId());

                // Same bytes: each request payload is a flight of the card, each response payload the flight the
                // card was given.
                List<CoapMessage> requests = messages(wire.sent);
                List<CoapMessage> responses = messages(wire.received);
                assertEquals(3, requests.size(), "ClientHello, ClientHello with cookie, the card's Finished flight");
                assertEquals(rec.sentFlights.size(), requests.size());
                for (int i = 0; i < requests.size(); i++) {
                    assertArrayEquals(rec.sentFlights.get(i), requests.get(i).payload());
                    assertArrayEquals(rec.receivedFlights.get(i), responses.get(i).payload());
                    assertEquals(FlightCoap.CONTENT_FORMAT,
                            requests.get(i).option(OptionNumbers.CONTENT_FORMAT).orElseThrow().uintValue());
                }
                // Californium reported the answer to the card's last flight sent (what se serve --count waits for).
                assertTrue(f.flights.awaitAnswered(1, 20_000));
                assertFalse(f.flights.awaitAnswered(2, 1));
                assertEquals(0x44, responses.get(0).code(), "HelloVerifyRequest: 2.04, no state");
                assertTrue(!responses.get(0).hasOption(OptionNumbers.LOCATION_PATH));
                assertEquals(0x41, responses.get(1).code(), "2.01 Created with the handshake's location");
                assertEquals(List.of(".well-known", "recsec-hs", coap.handshakeId()), paths(responses.get(1),
                        OptionNumbers.LOCATION_PATH));
                assertEquals(List.of(".well-known", "recsec-hs", coap.handshakeId()), paths(requests.get(2),
                        OptionNumbers.URI_PATH));

                SecurityAssociationDatabase client = SeFixture.sad(SeFixture.C, null);
                SeSpis spis = SeKmp.installExported(session, client.openSession(b -> { }), SeFixture.C,
                        SeFixture.S);
                assertEquals(est.spis(), spis);
                assertEquals(SeCard.STATE_EXPORTED, agent.state());
                SecurityAssociationDatabase server = SeFixture.sad(SeFixture.S, null);
                SeKmp.installServer(est.keys(), spis, server.openSession(b -> { }), SeFixture.S, SeFixture.C, 1);
                // The record one side seals, the other opens: the same keys on both ends.
                byte[] record = client.outbound(org.recsec.record.base.LocalId.of(SeFixture.C), org.recsec.record.base.PeerId.of(SeFixture.S)).cipher().seal(23, 1, 1, new byte[] {42},
                        0, 1);
                assertArrayEquals(new byte[] {42}, server.inbound(spis.clientToServer()).cipher().open(record, 0,
                        record.length));
            }
        }
    }

    private static List<String> paths(CoapMessage m, int number) {
        List<String> out = new ArrayList<>();
        for (CoapOption o : m.options()) {
            if (o.number() == number) {
                out.add(o.stringValue());
            }
        }
        return out;
    }

    @Test
    void flightsGoBlockWiseBothWaysWhenTheyDoNotFit() throws Exception {
        try (FlightFixture f = new FlightFixture(LOOPBACK, 32)) {
            SeCard card = card(SeCard.POLICY_EXPORT);
            DtlsIso7816Agent agent = new DtlsIso7816Agent(card);
            RecordingWire wire = new RecordingWire(UdpFlightWire.open(f.address(), LOOPBACK));
            CoapSocketAgent coap = agent(wire, f.address(), CoapTransmission.RFC7252.withBlockSize(32));
            FlightFixture.Recording rec = new FlightFixture.Recording(coap);
            try (SeSession session = SeHandshake.run(agent, rec, CoapTransmission.RFC7252.dtlsTimer())) {
                PskDtlsServer.Established est = f.awaitEstablished();
                assertArrayEquals(est.serverRandom(), session.serverRandom());
                List<CoapMessage> requests = messages(wire.sent);
                List<CoapMessage> responses = messages(wire.received);
                assertTrue(requests.stream().anyMatch(m -> m.hasOption(OptionNumbers.BLOCK1)), "Block1 used");
                assertTrue(responses.stream().anyMatch(m -> m.hasOption(OptionNumbers.BLOCK2)), "Block2 used");
                assertTrue(responses.stream().anyMatch(m -> m.code() == 0x5F), "2.31 Continue");
                for (CoapMessage m : requests) {
                    assertTrue(m.payloadLength() <= 32);
                }
                // Reassembled, the blocks are the card's flights.
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (CoapMessage m : requests) {
                    all.writeBytes(m.payload());
                }
                ByteArrayOutputStream flights = new ByteArrayOutputStream();
                rec.sentFlights.forEach(flights::writeBytes);
                assertArrayEquals(flights.toByteArray(), all.toByteArray());
            }
        }
    }

    @Test
    void twoClientsAtOnceGetTwoHandshakesAndTheirOwnSas() throws Exception {
        try (FlightFixture f = new FlightFixture(LOOPBACK, null)) {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                // The card (one per JVM under jcardsim) and Bouncy Castle's DTLS client, both over CoAP at once.
                CoapSocketAgent other = agent(new RecordingWire(UdpFlightWire.open(f.address(), LOOPBACK)),
                        f.address(), CoapTransmission.RFC7252);
                BcFlightClient bc = new BcFlightClient();
                Future<?> bcRun = pool.submit(() -> {
                    bc.handshake(other, SeFixture.IDENTITY, SeFixture.PSK, 10_000);
                    return null;
                });
                CoapSocketAgent coap = agent(new RecordingWire(UdpFlightWire.open(f.address(), LOOPBACK)),
                        f.address(), CoapTransmission.RFC7252);
                DtlsIso7816Agent agent = new DtlsIso7816Agent(card(SeCard.POLICY_EXPORT));
                try (SeSession s = SeHandshake.run(agent, coap, CoapTransmission.RFC7252.dtlsTimer())) {
                    bcRun.get();
                    PskDtlsServer.Established e1 = f.awaitEstablished();
                    PskDtlsServer.Established e2 = f.awaitEstablished();
                    assertNotEquals(other.handshakeId(), coap.handshakeId());
                    PskDtlsServer.Established card = java.util.Arrays.equals(e1.clientRandom(), s.clientRandom())
                            ? e1 : e2;
                    PskDtlsServer.Established bcs = card == e1 ? e2 : e1;
                    assertArrayEquals(card.clientRandom(), s.clientRandom());
                    assertArrayEquals(card.serverRandom(), s.serverRandom());
                    assertArrayEquals(bcs.clientRandom(), bc.clientRandom);
                    ExportedSa sa = s.agent().exportSa();
                    assertTrue(card.keys().clientWriteKey().equalsSecret(sa.keys().clientWriteKey()));
                    assertTrue(card.keys().serverWriteKey().equalsSecret(sa.keys().serverWriteKey()));
                    assertArrayEquals(java.util.Arrays.copyOf(bc.keyBlock, 16),
                            bcs.keys().clientWriteKey().toByteArray());
                    assertTrue(!card.keys().clientWriteKey().equalsSecret(bcs.keys().clientWriteKey()));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
