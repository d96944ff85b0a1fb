package org.recsec.kmp.eap.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapPacket;
import org.recsec.kmp.eap.demo.DemoPki;

/** EAP-TLS between our BC peer and our BC server, in memory. */
class EapTlsConversationTest {
    private static final SecureRandom RANDOM = new SecureRandom(new byte[] {1});

    /** Runs the conversation; returns the number of EAP round trips. */
    static int run(EapTlsPeer peer, EapTlsServerSession server) throws EapException {
        EapPacket identity = peer.onPacket(EapPacket.of(EapPacket.CODE_REQUEST, 7, EapPacket.TYPE_IDENTITY,
                new byte[0])).orElseThrow();
        assertEquals(EapPacket.TYPE_IDENTITY, identity.type());
        EapPacket toPeer = server.start(identity.identifier() + 1);
        int trips = 0;
        while (true) {
            java.util.Optional<EapPacket> next = peer.onPacket(EapPacket.decode(toPeer.encode()));
            if (next.isEmpty()) {
                return trips;
            }
            EapPacket resp = next.get();
            trips++;
            toPeer = server.onResponse(EapPacket.decode(resp.encode()));
            if (toPeer.code() == EapPacket.CODE_FAILURE) {
                System.out.println("server failure: " + server.failure());
                peer.onPacket(toPeer);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 200, 1000, 4000})
    void bothEndsDeriveTheSameKeysAtEveryFragmentSize(int fragment) throws Exception {
        DemoPki pki = new DemoPki(RANDOM, "ue1");
        EapTlsPeer peer = new EapTlsPeer("ue1", pki.clientCredentials(), RANDOM, fragment);
        EapTlsServerSession server = new EapTlsServerSession(pki.serverCredentials(), RANDOM, fragment);
        int trips = run(peer, server);
        assertTrue(server.succeeded() && peer.succeeded());
        assertTrue(peer.keys().msk().equalsSecret(server.keys().msk()));
        assertTrue(peer.keys().emsk().equalsSecret(server.keys().emsk()));
        assertArrayEquals(peer.keys().sessionId(), server.keys().sessionId());
        assertEquals(65, server.keys().sessionId().length);
        assertEquals(13, server.keys().sessionId()[0]);
        assertEquals("CN=ue1", server.peerCertificate().getSubjectX500Principal().getName());
        if (fragment == 64) {
            assertTrue(trips > 10, "small fragments need many round trips: " + trips);
        }
    }

    @Test
    void aClientFromAnotherCaIsRefused() throws Exception {
        DemoPki pki = new DemoPki(RANDOM, "ue1");
        DemoPki other = DemoPki.other(RANDOM);
        // the intruder trusts our CA (so it accepts the server) but its own certificate is from another CA
        TlsCredentials intruder = new TlsCredentials(java.util.List.of(other.client), other.clientKey.getPrivate(),
                pki.ca, () -> DemoPki.NOW);
        EapTlsPeer peer = new EapTlsPeer("intruder", intruder, RANDOM, 1000);
        EapTlsServerSession server = new EapTlsServerSession(pki.serverCredentials(), RANDOM, 1000);
        EapException e = assertThrows(EapException.class, () -> run(peer, server));
        assertTrue(server.finished() && !server.succeeded());
        assertThrows(IllegalStateException.class, server::keys);
        assertTrue(e.reason() == EapException.Reason.REJECTED || e.reason() == EapException.Reason.TLS_FAILED,
                e.reason().toString());
    }

    @Test
    void aServerFromAnotherCaIsRefusedByThePeer() throws Exception {
        DemoPki pki = new DemoPki(RANDOM, "ue1");
        DemoPki other = DemoPki.other(RANDOM);
        EapTlsPeer peer = new EapTlsPeer("ue1", pki.clientCredentials(), RANDOM, 1000);
        EapTlsServerSession server = new EapTlsServerSession(other.serverCredentials(), RANDOM, 1000);
        EapException e = assertThrows(EapException.class, () -> run(peer, server));
        assertEquals(EapException.Reason.TLS_FAILED, e.reason());
        assertThrows(IllegalStateException.class, peer::keys);
    }

    @Test
    void aResponseWithTheWrongIdentifierChangesNothing() throws Exception {
        DemoPki pki = new DemoPki(RANDOM, "ue1");
        EapTlsPeer peer = new EapTlsPeer("ue1", pki.clientCredentials(), RANDOM, 300);
        EapTlsServerSession server = new EapTlsServerSession(pki.serverCredentials(), RANDOM, 300);
        EapPacket start = server.start(1);
        EapPacket hello = peer.onPacket(start).orElseThrow();
        EapPacket wrong = EapPacket.of(EapPacket.CODE_RESPONSE, (hello.identifier() + 1) & 0xff, EapPacket.TYPE_TLS,
                hello.typeData());
        assertEquals(EapException.Reason.UNEXPECTED,
                assertThrows(EapException.class, () -> server.onResponse(wrong)).reason());
        // the retransmitted start gets the same answer, and the conversation still completes
        assertArrayEquals(hello.encode(), peer.onPacket(start).orElseThrow().encode());
        EapPacket toPeer = server.onResponse(hello);
        while (toPeer.isRequest()) {
            toPeer = server.onResponse(peer.onPacket(toPeer).orElseThrow());
        }
        assertEquals(EapPacket.CODE_SUCCESS, toPeer.code());
        assertTrue(peer.onPacket(toPeer).isEmpty(), "nothing to send after EAP-Success");
        assertTrue(peer.keys().msk().equalsSecret(server.keys().msk()));
    }
}
