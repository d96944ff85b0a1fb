package org.recsec.kmp.se;

import org.recsec.se.host.SeSession;

import org.recsec.se.host.SeException;

import org.recsec.se.host.SeCard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.tls.DTLSTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.internal.crypto.RecordHeader;
import org.recsec.record.spi.OutboundSa;
import org.recsec.record.spi.SecurityAssociation;

/**
 * The card's handshake against Bouncy Castle's DTLS server over UDP loopback, then the SA pair installed through
 * PF_KEY ADD on both ends, exported or SE-resident, used by an unchanged RecordProtector; Bouncy Castle's own
 * DTLSTransport of the same session is the independent judge of the records.
 */
@Timeout(60)
public class SeKmpTest {
    private static final int CODE_GET = 0x01;
    private static final int CODE_CONTENT = 0x45;

    @Test
    void exportedPairMatchesTheServersKeyBlockAndSpeaksDtlsWithBouncyCastle() throws Exception {
        try (SeFixture f = new SeFixture(SeCard.POLICY_EXPORT)) {
            SeSession session = f.handshake();
            PskDtlsServer.Established est = f.serverSide();
            assertArrayEquals(est.clientRandom(), session.clientRandom());
            assertArrayEquals(est.serverRandom(), session.serverRandom());
            assertEquals(SeCard.STATE_ESTABLISHED, f.agent.state());

            SecurityAssociationDatabase client = SeFixture.sad(SeFixture.C, null);
            SecurityAssociationDatabase server = SeFixture.sad(SeFixture.S, null);
            SeSpis spis = SeKmp.installExported(session, client.openSession(b -> { }), SeFixture.C, SeFixture.S);
            assertEquals(est.spis(), spis);
            assertEquals(SeCard.STATE_EXPORTED, f.agent.state(), "the card wiped its keys");
            // Bouncy Castle sends one record of its own under the server write key first (sequence 1), so the
            // server's SAD continues at 2.
            DTLSTransport bc = est.transport();
            byte[] fromBc = "sent by BC's DTLSTransport".getBytes(StandardCharsets.US_ASCII);
            bc.send(fromBc, 0, fromBc.length);
            SeKmp.installServer(est.keys(), spis, server.openSession(b -> { }), SeFixture.S, SeFixture.C, 2);

            // The card's exported keys equal the key block Bouncy Castle's session derives from its master secret.
            OutboundSa c2s = client.outbound(LocalId.of(SeFixture.C), PeerId.of(SeFixture.S));
            assertEquals(1, c2s.epoch());
            byte[] bcRecord = f.socket.receive(5000).orElse(null);
            assertNotNull(bcRecord);
            assertEquals(1, RecordHeader.parse(bcRecord, 0, bcRecord.length).seq());
            assertArrayEquals(fromBc, client.inbound(spis.serverToClient()).cipher().open(bcRecord, 0,
                    bcRecord.length), "BC's record opens with the client SAD's inbound SA");

            List<byte[]> requestRecords = exchange(client, server, 3);
            // Bouncy Castle accepts the records record-sec wrote with the exported SA as application data.
            for (int i = 0; i < requestRecords.size(); i++) {
                byte[] r = requestRecords.get(i);
                assertEquals(i + 1, RecordHeader.parse(r, 0, r.length).seq());
                f.socket.send(r);
                byte[] buf = new byte[2048];
                int n = bc.receive(buf, 0, buf.length, 5000);
                assertTrue(n > 0, "BC delivered record " + (i + 1));
                assertEquals(CODE_GET, buf[1], "inner code");
                assertTrue(new String(buf, 0, n, StandardCharsets.US_ASCII).endsWith("request " + i));
            }
        }
    }

    @Test
    void seResidentPairSealsAndOpensOnTheCardThroughAnUnchangedProtector() throws Exception {
        try (SeFixture f = new SeFixture(0)) {
            SeSession session = f.handshake();
            PskDtlsServer.Established est = f.serverSide();
            SeCipherRegistry registry = new SeCipherRegistry();
            SecurityAssociationDatabase client = SeFixture.sad(SeFixture.C, registry);
            SecurityAssociationDatabase server = SeFixture.sad(SeFixture.S, null);
            String handle = SeKmp.installResident(session, client.openSession(b -> { }), SeFixture.C, SeFixture.S,
                    registry);
            assertEquals("se:" + Long.toHexString(est.spis().clientToServer()), handle);
            // Export is forbidden by this card's policy: the keys never leave it.
            assertEquals(0x6986, assertThrows(SeException.class, f.agent::exportSa).statusWord());
            DTLSTransport bc = est.transport();
            byte[] fromBc = "BC to the card".getBytes(StandardCharsets.US_ASCII);
            bc.send(fromBc, 0, fromBc.length);
            SeKmp.installServer(est.keys(), est.spis(), server.openSession(b -> { }), SeFixture.S, SeFixture.C, 2);
            byte[] bcRecord = f.socket.receive(5000).orElse(null);
            assertArrayEquals(fromBc, client.inbound(est.spis().serverToClient()).cipher().open(bcRecord, 0,
                    bcRecord.length), "the card opens BC's record through the client SAD's inbound SA");

            long apdus0 = f.card.link().counter().snapshot().apdus();
            List<byte[]> requestRecords = exchange(client, server, 3);
            // 3 seals + 3 opens, one APDU each for these short messages
            assertEquals(6, f.card.link().counter().snapshot().apdus() - apdus0);
            for (int i = 0; i < requestRecords.size(); i++) {
                byte[] r = requestRecords.get(i);
                assertEquals(i + 1, RecordHeader.parse(r, 0, r.length).seq(), "the card's numbering = the SA's");
                f.socket.send(r);
                byte[] buf = new byte[2048];
                int n = bc.receive(buf, 0, buf.length, 5000);
                assertTrue(n > 0, "BC delivered the card's record " + (i + 1));
                assertTrue(new String(buf, 0, n, StandardCharsets.US_ASCII).endsWith("request " + i));
            }

            // A number reserved but never sealed: the cipher brings the card level (one discarded record).
            OutboundSa out = client.outbound(LocalId.of(SeFixture.C), PeerId.of(SeFixture.S));
            assertEquals(4, out.reserveSequence());
            List<byte[]> later = exchange(client, server, 1);
            assertEquals(5, RecordHeader.parse(later.get(0), 0, later.get(0).length).seq());

            // Replays and forgeries are refused by the card with distinct reasons.
            byte[] again = bcRecord;
            assertEquals(RecSecException.Reason.REPLAY, assertThrows(RecSecException.class, () -> client
                    .inbound(est.spis().serverToClient()).cipher().open(again, 0, again.length)).reason());
            byte[] forged = "forged".getBytes(StandardCharsets.US_ASCII);
            byte[] rec = server.outbound(LocalId.of(SeFixture.S), PeerId.of(SeFixture.C)).cipher().seal(23, 1, 1000, forged, 0, 6);
            rec[rec.length - 1] ^= 1;
            assertEquals(RecSecException.Reason.AUTH_FAILED, assertThrows(RecSecException.class, () -> client
                    .inbound(est.spis().serverToClient()).cipher().open(rec, 0, rec.length)).reason());

            // Closing the card session: the SAs refuse.
            registry.unregister(handle);
            assertEquals(RecSecException.Reason.KEY_MANAGEMENT, assertThrows(RecSecException.class,
                    () -> exchange(client, server, 1)).reason());
        }
    }

    /**
     * n request/response exchanges: the client protects a request, the server unprotects it and protects a
     * response, the client unprotects that. Returns the request records.
     */
    public static List<byte[]> exchange(SecurityAssociationDatabase client, SecurityAssociationDatabase server, int n)
            throws RecSecException {
        RecordProtector cp = new RecordProtector(client);
        RecordProtector sp = new RecordProtector(server);
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] token = {(byte) i, 7};
            CoapMessage req = new CoapMessage(CoapMessage.TYPE_CON, CODE_GET, 100 + i, token, List.of(),
                    ("request " + i).getBytes(StandardCharsets.US_ASCII));
            ProtectedRequest pr = cp.protectRequest(req, LocalId.of(SeFixture.C), PeerId.of(SeFixture.S));
            records.add(pr.outer().payload());
            UnprotectedRequest ur = sp.unprotectRequest(pr.outer());
            assertArrayEquals(req.payload(), ur.message().payload());
            assertEquals(CODE_GET, ur.message().code());
            CoapMessage resp = new CoapMessage(CoapMessage.TYPE_ACK, CODE_CONTENT, 100 + i, token, List.of(),
                    ("response " + i).getBytes(StandardCharsets.US_ASCII));
            CoapMessage outer = sp.protectResponse(resp, ur.context());
            CoapMessage back = cp.unprotectResponse(outer, pr);
            assertArrayEquals(resp.payload(), back.payload());
            assertEquals(CODE_CONTENT, back.code());
            // the same request record again: the server's replay window refuses it
            assertEquals(RecSecException.Reason.REPLAY, assertThrows(RecSecException.class,
                    () -> sp.unprotectRequest(pr.outer())).reason());
        }
        return records;
    }
}
