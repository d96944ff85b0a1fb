package org.recsec.kmp.ticket.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.junit.jupiter.api.Test;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.kmp.ticket.AsKey;
import org.recsec.kmp.ticket.IssuedTicket;
import org.recsec.kmp.ticket.TicketIssuer;
import org.recsec.kmp.ticket.TicketSaParameters;
import org.recsec.kmp.ticket.internal.CborWriter;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.record.spi.InboundSa;
import org.recsec.record.spi.OutboundSa;

/** The exchange over real CoAP on loopback UDP: AS issues, client presents to /authz-info, both SADs get the pair. */
class TicketExchangeTest {
    private static final TicketSaParameters SA = new TicketSaParameters(CipherSuite.AES_128_CCM_8, "dtls12", 600,
            1200, 1 << 20, 1 << 24, 128);

    static IssuedTicket issue(String audience, AsKey key, long now, long lifetime, TicketSaParameters sa) {
        return new TicketIssuer(key, "coap://as.example", new SecureRandom(), Loopback.clockAt(now))
                .issue(audience, Duration.ofSeconds(lifetime), sa);
    }

    @Test
    void everySuiteInstallsMatchingPairsOnBothEnds() throws Exception {
        for (CipherSuite suite : CipherSuite.values()) {
            try (Loopback l = new Loopback()) {
                TicketSaParameters sa = new TicketSaParameters(suite, "dtls12", 600, 1200, 1 << 20, 1 << 24, 300);
                IssuedTicket t = issue(l.rsId, Loopback.AS_KEY, Loopback.T0, 3600, sa);
                InstalledPair p = l.client().establish(TicketGrant.of(t, sa), l.rsId, l.coap, l.clientId);
                assertEquals(suite, p.suite());
                assertEquals(l.clientId, p.clientIdentity());
                assertEquals(l.rsId, p.serverIdentity());
                assertEquals(2, l.clientSad.size(), suite.toString());
                assertEquals(2, l.rsSad.size(), suite.toString());

                // The same SA, seen from both SADs: same SPI, ends, suite, key, IV, replay window, lifetimes.
                PfKeyMessage cOut = l.clientObserver.get(p.serverInboundSpi(), l.clientId, l.rsId);
                PfKeyMessage sIn = l.rsObserver.get(p.serverInboundSpi(), l.clientId, l.rsId);
                PfKeyMessage cIn = l.clientObserver.get(p.clientInboundSpi(), l.rsId, l.clientId);
                PfKeyMessage sOut = l.rsObserver.get(p.clientInboundSpi(), l.rsId, l.clientId);
                assertSameSa(cOut, sIn, suite);
                assertSameSa(cIn, sOut, suite);
                SaSpec c2s = SaSpec.fromMessage(cOut);
                SaSpec s2c = SaSpec.fromMessage(cIn);
                assertEquals(suite, c2s.suite());
                assertEquals(300, c2s.replayWindow());
                assertEquals(600, c2s.soft().addTime());
                assertEquals(1 << 20, c2s.soft().bytes());
                assertEquals(1200, c2s.hard().addTime());
                assertEquals(1 << 24, c2s.hard().bytes());
                assertTrue(!c2s.key().equalsSecret(s2c.key()), "directions have different keys");

                // A record sealed by one side's outbound SA opens with the other side's inbound SA, both ways.
                sealOpen(l.clientSad.outbound(LocalId.of(l.clientId), PeerId.of(l.rsId)), l.rsSad.inbound(p.serverInboundSpi()));
                sealOpen(l.rsSad.outbound(LocalId.of(l.rsId), PeerId.of(l.clientId)), l.clientSad.inbound(p.clientInboundSpi()));
            }
        }
    }

    private static void assertSameSa(PfKeyMessage a, PfKeyMessage b, CipherSuite suite) throws Exception {
        SaSpec x = SaSpec.fromMessage(a);
        SaSpec y = SaSpec.fromMessage(b);
        assertEquals(x.spi(), y.spi());
        assertEquals(x.src(), y.src());
        assertEquals(x.dst(), y.dst());
        assertEquals(x.suite(), y.suite());
        assertEquals(suite, x.suite());
        assertTrue(x.key().equalsSecret(y.key()), "keys agree");
        assertTrue(x.iv().equalsSecret(y.iv()), "IVs agree");
        assertEquals(x.replayWindow(), y.replayWindow());
        assertEquals(x.soft(), y.soft());
        assertEquals(x.hard(), y.hard());
        assertEquals(PfKey.SADB_SASTATE_MATURE, a.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class)
                .orElseThrow().state());
        assertEquals(PfKey.SADB_SASTATE_MATURE, b.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class)
                .orElseThrow().state());
    }

    private static void sealOpen(OutboundSa out, InboundSa in) throws RecSecException {
        byte[] pt = "sealed by one end, opened by the other".getBytes(StandardCharsets.US_ASCII);
        long seq = out.reserveSequence();
        byte[] record = out.cipher().seal(23, out.epoch(), seq, pt, 0, pt.length);
        assertArrayEquals(pt, in.cipher().open(record, 0, record.length));
        record[record.length - 1] ^= 1;
        assertThrows(RecSecException.class, () -> in.cipher().open(record, 0, record.length));
    }

    @Test
    void hardLifetimeIsCappedAtTheTicketsExpiry() throws Exception {
        try (Loopback l = new Loopback()) {
            TicketSaParameters sa = TicketSaParameters.defaults(CipherSuite.AES_128_GCM);
            IssuedTicket t = issue(l.rsId, Loopback.AS_KEY, Loopback.T0, 100, sa);
            InstalledPair p = l.client().establish(TicketGrant.of(t, sa), l.rsId, l.coap, l.clientId);
            // exp = T0 + 100, both ends' clocks at T0 + 1: 99 s left, no soft limit, no byte limit.
            for (SadSession s : List.of(l.clientObserver, l.rsObserver)) {
                SaSpec c2s = SaSpec.fromMessage(s.get(p.serverInboundSpi(), l.clientId, l.rsId));
                assertEquals(99, c2s.hard().addTime());
                assertEquals(0, c2s.hard().bytes());
                assertEquals(null, c2s.soft());
                assertEquals(64, c2s.replayWindow());
            }
        }
    }

    @Test
    void protectedRequestAndResponseFlowOverUdpWithBothSads() throws Exception {
        try (Loopback l = new Loopback();
             DatagramSocket clientSock = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket serverSock = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            clientSock.setSoTimeout(5_000);
            serverSock.setSoTimeout(5_000);
            IssuedTicket t = issue(l.rsId, Loopback.AS_KEY, Loopback.T0, 3600, SA);
            InstalledPair p = l.client().establish(TicketGrant.of(t, SA), l.rsId, l.coap, l.clientId);
            RecordProtector client = new RecordProtector(l.clientSad);
            RecordProtector server = new RecordProtector(l.rsSad);

            byte[] token = Bytes.fromHex("0102030405060708");
            CoapMessage get = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 0x1234, token,
                    List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "temperature")), new byte[0]);
            ProtectedRequest pr = client.protectRequest(get, LocalId.of(p.clientIdentity()), PeerId.of(p.serverIdentity()));
            assertEquals(p.serverInboundSpi(), pr.outer().option(OptionNumbers.RECORD_SECURITY)
                    .orElseThrow().uintValue());
            byte[] wire = CoapCodec.encode(pr.outer());
            send(clientSock, wire, serverSock);

            byte[] got = receive(serverSock);
            UnprotectedRequest u = server.unprotectRequest(CoapCodec.decode(got, 0, got.length));
            assertEquals(0x01, u.message().code());
            assertEquals("temperature", u.message().option(OptionNumbers.URI_PATH).orElseThrow().stringValue());
            assertEquals(PeerId.of(l.clientId), u.peerId());

            CoapMessage content = new CoapMessage(CoapMessage.TYPE_ACK, 0x45, 0x1234, token, List.of(),
                    "21.5 C".getBytes(StandardCharsets.US_ASCII));
            CoapMessage outer = server.protectResponse(content, u.context());
            assertEquals(p.clientInboundSpi(), outer.option(OptionNumbers.RECORD_SECURITY).orElseThrow().uintValue());
            send(serverSock, CoapCodec.encode(outer), clientSock);
            byte[] back = receive(clientSock);
            CoapMessage opened = client.unprotectResponse(CoapCodec.decode(back, 0, back.length), pr);
            assertEquals(0x45, opened.code());
            assertArrayEquals("21.5 C".getBytes(StandardCharsets.US_ASCII), opened.payload());

            // The same request datagram again is a replay for the RS's inbound SA.
            assertEquals(RecSecException.Reason.REPLAY, assertThrows(RecSecException.class,
                    () -> server.unprotectRequest(CoapCodec.decode(wire, 0, wire.length))).reason());
        }
    }

    private static void send(DatagramSocket from, byte[] b, DatagramSocket to) throws Exception {
        from.send(new DatagramPacket(b, b.length, to.getLocalSocketAddress()));
    }

    private static byte[] receive(DatagramSocket s) throws Exception {
        DatagramPacket d = new DatagramPacket(new byte[2048], 2048);
        s.receive(d);
        return Arrays.copyOf(d.getData(), d.getLength());
    }

    // ---- refusals ---------------------------------------------------------------------------------------------

    /** Presents a ticket that must be refused: 4.01, both SADs exactly as before. */
    private static void assertRefused(Loopback l, TicketGrant grant) {
        List<PfKeyMessage> rsBefore = Loopback.dump(l.rsObserver);
        List<PfKeyMessage> clientBefore = Loopback.dump(l.clientObserver);
        TicketExchangeException e = assertThrows(TicketExchangeException.class,
                () -> l.client().establish(grant, l.rsId, l.coap, l.clientId));
        assertEquals(TicketExchangeException.Reason.TICKET_REFUSED, e.reason());
        assertEquals(rsBefore, Loopback.dump(l.rsObserver));
        assertEquals(clientBefore, Loopback.dump(l.clientObserver));
    }

    @Test
    void expiredTicketIsRefused() throws Exception {
        try (Loopback l = new Loopback()) {
            // Issued an hour ago for one minute.
            assertRefused(l, TicketGrant.of(issue(l.rsId, Loopback.AS_KEY, Loopback.T0 - 3600, 60, SA), SA));
            assertEquals(0, l.rsSad.size());
        }
    }

    @Test
    void ticketForAnotherAudienceIsRefused() throws Exception {
        try (Loopback l = new Loopback()) {
            assertRefused(l, TicketGrant.of(issue("coap://other.example", Loopback.AS_KEY, Loopback.T0, 3600, SA),
                    SA));
        }
    }

    @Test
    void ticketUnderAnotherAsKeyIsRefused() throws Exception {
        try (Loopback l = new Loopback()) {
            AsKey other = AsKey.of(Bytes.fromHex("a5"), SecretBytes.copyOf(new byte[16]));
            assertRefused(l, TicketGrant.of(issue(l.rsId, other, Loopback.T0, 3600, SA), SA));
        }
    }

    @Test
    void tamperedTicketIsRefused() throws Exception {
        try (Loopback l = new Loopback()) {
            IssuedTicket t = issue(l.rsId, Loopback.AS_KEY, Loopback.T0, 3600, SA);
            byte[] bad = t.ticket();
            bad[bad.length - 10] ^= 0x01;
            assertRefused(l, new TicketGrant(bad, t.cnfKey(), SA, t.expiresAtEpochSeconds()));
        }
    }

    @Test
    void replayedTicketIsRefusedAndAddsNoSa() throws Exception {
        try (Loopback l = new Loopback()) {
            IssuedTicket t = issue(l.rsId, Loopback.AS_KEY, Loopback.T0, 3600, SA);
            l.client().establish(TicketGrant.of(t, SA), l.rsId, l.coap, l.clientId);
            assertEquals(2, l.rsSad.size());
            assertRefused(l, TicketGrant.of(t, SA));
            assertEquals(2, l.rsSad.size());
            assertEquals(2, l.clientSad.size());
        }
    }

    /**
     * Issue 12 item 10, front-running (TICKETS.md "Front-running"): whoever sniffs a ticket on its way to
     * /authz-info can post it first from another address. The RS accepts the first presentation (the ticket is a
     * bearer token until the first protected message) and refuses the victim's as a replay: a denial of service,
     * never an SA the attacker can use, since its keys derive from the cnf key only the client and the RS hold.
     */
    @Test
    void aFrontRunTicketDeniesTheVictimButGivesTheAttackerNoUsableSa() throws Exception {
        try (Loopback l = new Loopback()) {
            IssuedTicket t = issue(l.rsId, Loopback.AS_KEY, Loopback.T0, 3600, SA);
            byte[] n1 = new byte[16];
            new SecureRandom().nextBytes(n1);
            byte[] sniffed = new AuthzInfoMessages.Request(t.ticket(), n1, 0x7777).encode();
            org.eclipse.californium.core.CoapClient attacker = new org.eclipse.californium.core.CoapClient();
            long rsSpi;
            try {
                Request r = Request.newPost();
                r.setURI(l.rsId + "/authz-info");
                r.setPayload(sniffed);
                r.getOptions().setContentFormat(AuthzInfoMessages.CONTENT_FORMAT_CBOR);
                CoapResponse first = attacker.advanced(r);
                assertTrue(first != null, "no response");
                assertEquals(ResponseCode.CREATED, first.getCode(), "the first presentation wins");
                rsSpi = AuthzInfoMessages.decodeResponse(first.getPayload()).serverSpi();
            } finally {
                attacker.shutdown();
            }
            assertEquals(2, l.rsSad.size());
            // the victim is refused, and nothing of hers is installed
            assertRefused(l, TicketGrant.of(t, SA));
            assertEquals(0, l.clientSad.size());
            // the attacker's pair is keyed from the cnf key it does not have: a record it seals under its guess of
            // the key does not open at the RS
            byte[] guess = new byte[16];
            new SecureRandom().nextBytes(guess);
            org.recsec.record.InMemorySaRegistry mine = new org.recsec.record.InMemorySaRegistry();
            mine.install(org.recsec.record.ManualSa.outbound(CipherSuite.AES_128_CCM_8).spi(rsSpi).epoch(l.rsSad.inbound(rsSpi).epoch())
                    .route(LocalId.of("coap://attacker"), PeerId.of(l.rsId)).key(SecretBytes.copyOf(guess))
                    .iv(new byte[4]).build());
            CoapMessage get = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 1, new byte[] {1},
                    List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "door")), new byte[0]);
            CoapMessage forged = new RecordProtector(mine).protectRequest(get, LocalId.of("coap://attacker"),
                    PeerId.of(l.rsId)).outer();
            RecSecException e = assertThrows(RecSecException.class,
                    () -> new RecordProtector(l.rsSad).unprotectRequest(forged));
            assertEquals(RecSecException.Reason.AUTH_FAILED, e.reason());
        }
    }

    private static CoapResponse post(Loopback l, byte[] payload, Integer contentFormat) throws Exception {
        Request r = Request.newPost();
        r.setURI(l.rsId + "/authz-info");
        r.setPayload(payload);
        if (contentFormat != null) {
            r.getOptions().setContentFormat(contentFormat);
        }
        CoapResponse resp = l.coap.advanced(r);
        assertTrue(resp != null, "no response");
        return resp;
    }

    @Test
    void malformedRequestsGet400AndLeaveTheSadAlone() throws Exception {
        try (Loopback l = new Loopback()) {
            IssuedTicket t = issue(l.rsId, Loopback.AS_KEY, Loopback.T0, 3600, SA);
            List<PfKeyMessage> before = Loopback.dump(l.rsObserver);
            byte[] n1 = new byte[16];
            List<byte[]> bad = List.of(
                    Bytes.fromHex("ff"),                                                   // not CBOR
                    Bytes.fromHex("a3"),                                                   // truncated map
                    new CborWriter().arrayHeader(1).bytes(t.ticket()).toByteArray(),       // not a map
                    request(t.ticket(), new byte[7], 1000),                               // N1 too short
                    request(t.ticket(), new byte[65], 1000),                              // N1 too long
                    request(t.ticket(), n1, 255),                                          // reserved SPI
                    request(t.ticket(), n1, 0x1_0000_0000L),                               // SPI beyond 32 bits
                    new CborWriter().mapHeader(2).integer(1).bytes(t.ticket()).integer(40).bytes(n1)
                            .toByteArray(),                                                // no client SPI
                    new CborWriter().mapHeader(3).integer(1).text("ticket").integer(40).bytes(n1)
                            .integer(43).integer(1000).toByteArray());                     // token not bstr
            for (byte[] b : bad) {
                CoapResponse r = post(l, b, AuthzInfoMessages.CONTENT_FORMAT_CBOR);
                assertEquals(ResponseCode.BAD_REQUEST, r.getCode(), Bytes.toHex(b));
                assertEquals(0, r.getPayload().length);
                assertEquals(before, Loopback.dump(l.rsObserver));
            }
            // Not CBOR by Content-Format: 4.15, whatever the payload.
            assertEquals(ResponseCode.UNSUPPORTED_CONTENT_FORMAT,
                    post(l, request(t.ticket(), n1, 1000), 0).getCode());
            assertEquals(ResponseCode.UNSUPPORTED_CONTENT_FORMAT,
                    post(l, request(t.ticket(), n1, 1000), null).getCode());
            assertEquals(before, Loopback.dump(l.rsObserver));
            // None of these used the ticket up: it still works.
            InstalledPair p = l.client().establish(TicketGrant.of(t, SA), l.rsId, l.coap, l.clientId);
            assertNotEquals(0, p.serverInboundSpi());
            assertEquals(2, l.rsSad.size());
        }
    }

    static byte[] request(byte[] ticket, byte[] n1, long spi) {
        return new CborWriter().mapHeader(3).integer(AuthzInfoMessages.ACCESS_TOKEN).bytes(ticket)
                .integer(AuthzInfoMessages.NONCE1).bytes(n1).integer(AuthzInfoMessages.CLIENT_SPI).integer(spi)
                .toByteArray();
    }

    @Test
    void clientSpiAlreadyUsedTowardsThatClientGets500AndNothingInstalled() throws Exception {
        // The client names the same inbound SPI twice (its SAD allows it after the first pair is deleted there);
        // the RS still has its outbound SA with that SPI, so ADD fails with EEXIST and the larval SA is removed.
        try (Loopback l = new Loopback()) {
            IssuedTicket t1 = issue(l.rsId, Loopback.AS_KEY, Loopback.T0, 3600, SA);
            InstalledPair p = new TicketClientKmp(l.clientSession, new SecureRandom(), Loopback.clockAt(Loopback.T0),
                    16, 5000, 5000).establish(TicketGrant.of(t1, SA), l.rsId, l.coap, l.clientId);
            assertEquals(5000, p.clientInboundSpi());
            l.clientObserver.delete(5000, l.rsId, l.clientId);
            List<PfKeyMessage> rsBefore = Loopback.dump(l.rsObserver);
            List<PfKeyMessage> clientBefore = Loopback.dump(l.clientObserver);
            IssuedTicket t2 = issue(l.rsId, Loopback.AS_KEY, Loopback.T0, 3600, SA);
            TicketExchangeException e = assertThrows(TicketExchangeException.class,
                    () -> new TicketClientKmp(l.clientSession, new SecureRandom(), Loopback.clockAt(Loopback.T0), 16,
                            5000, 5000).establish(TicketGrant.of(t2, SA), l.rsId, l.coap, l.clientId));
            assertEquals(TicketExchangeException.Reason.UNEXPECTED_RESPONSE, e.reason());
            assertTrue(e.getMessage().contains("answered 5.00"), e.getMessage());
            assertEquals(rsBefore, Loopback.dump(l.rsObserver));
            assertEquals(clientBefore, Loopback.dump(l.clientObserver));
        }
    }
}
