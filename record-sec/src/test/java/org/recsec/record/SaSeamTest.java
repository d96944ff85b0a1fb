package org.recsec.record;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.Direction;
import org.recsec.record.spi.OutboundSa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.InnerPlaintext;
import org.recsec.record.coap.OptionNumbers;

/** The typed SA seam of issue 11: directions, identities, the manual-SA builder, who is calling. */
class SaSeamTest {
    private static final LocalId SERVER = LocalId.of("coap://server");
    private static final PeerId ALICE = PeerId.of("coap://alice");
    private static final PeerId BOB = PeerId.of("coap://bob");

    /** A resource that answers only the peers it knows, on the identity the record authenticated. */
    private static CoapMessage resource(UnprotectedRequest request, Set<PeerId> allowed) {
        int code = allowed.contains(request.peerId()) ? 0x45 : 0x83; // 2.05 or 4.03
        return new CoapMessage(CoapMessage.TYPE_ACK, code, request.message().messageId(),
                request.message().token(), List.of(), new byte[0]);
    }

    @Test
    void serverResourceAuthorizesPerAuthenticatedPeer() throws RecSecException {
        InMemorySaRegistry server = new InMemorySaRegistry();
        InMemorySaRegistry alice = new InMemorySaRegistry();
        InMemorySaRegistry bob = new InMemorySaRegistry();
        byte[] ka = new byte[16];
        byte[] kb = new byte[16];
        kb[0] = 1;
        alice.install(ManualSa.outbound(CipherSuite.AES_128_CCM_8).spi(0xa1).route(LocalId.of("coap://alice"),
                SERVER.asPeer()).key(SecretBytes.copyOf(ka)).iv(new byte[4]).build());
        server.install(ManualSa.inbound(CipherSuite.AES_128_CCM_8).spi(0xa1).route(SERVER, ALICE)
                .key(SecretBytes.copyOf(ka)).iv(new byte[4]).build());
        bob.install(ManualSa.outbound(CipherSuite.AES_128_CCM_8).spi(0xb2).route(LocalId.of("coap://bob"),
                SERVER.asPeer()).key(SecretBytes.copyOf(kb)).iv(new byte[4]).build());
        server.install(ManualSa.inbound(CipherSuite.AES_128_CCM_8).spi(0xb2).route(SERVER, BOB)
                .key(SecretBytes.copyOf(kb)).iv(new byte[4]).build());
        RecordProtector sp = new RecordProtector(server);
        CoapMessage get = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 7, new byte[] {1},
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "door")), new byte[0]);

        UnprotectedRequest fromAlice = sp.unprotectRequest(new RecordProtector(alice)
                .protectRequest(get, LocalId.of("coap://alice"), SERVER.asPeer()).outer());
        UnprotectedRequest fromBob = sp.unprotectRequest(new RecordProtector(bob)
                .protectRequest(get, LocalId.of("coap://bob"), SERVER.asPeer()).outer());

        assertEquals(ALICE, fromAlice.peerId());
        assertEquals(0xa1, fromAlice.spi());
        assertEquals(BOB, fromBob.peerId());
        assertEquals(0xb2, fromBob.spi());
        assertEquals(fromAlice.message(), fromBob.message());
        assertEquals(0x45, resource(fromAlice, Set.of(ALICE)).code());
        assertEquals(0x83, resource(fromBob, Set.of(ALICE)).code());
    }

    @Test
    void identitiesAreDistinctTypesSoTheyCannotBeSwapped() throws NoSuchMethodException {
        Method m = RecordProtector.class.getMethod("protectRequest", CoapMessage.class, LocalId.class, PeerId.class);
        assertNotEquals(m.getParameterTypes()[1], m.getParameterTypes()[2]);
        assertThrows(NoSuchMethodException.class,
                () -> RecordProtector.class.getMethod("protectRequest", CoapMessage.class, PeerId.class, LocalId.class));
        assertNotEquals(LocalId.of("x"), PeerId.of("x"));
        assertEquals(PeerId.of("x"), LocalId.of("x").asPeer());
        assertThrows(IllegalArgumentException.class, () -> PeerId.of(""));
    }

    @Test
    void builderChecksTheSuiteAgainstKeyAndIv() {
        SecretBytes k16 = SecretBytes.copyOf(new byte[16]);
        SecretBytes k32 = SecretBytes.copyOf(new byte[32]);
        LocalId l = LocalId.of("l");
        assertThrows(IllegalArgumentException.class, () -> ManualSa.outbound(CipherSuite.AES_128_CCM_8).spi(1)
                .route(l, ALICE).key(k32).iv(new byte[4]).build());
        assertThrows(IllegalArgumentException.class, () -> ManualSa.inbound(CipherSuite.CHACHA20_POLY1305).spi(1)
                .route(l, ALICE).key(k16).iv(new byte[12]).build());
        assertThrows(IllegalArgumentException.class, () -> ManualSa.inbound(CipherSuite.CHACHA20_POLY1305).spi(1)
                .route(l, ALICE).key(k32).iv(new byte[4]).build());
        assertThrows(IllegalStateException.class, () -> ManualSa.outbound(CipherSuite.AES_128_GCM).spi(1)
                .key(k16).iv(new byte[4]).build());
        assertThrows(IllegalArgumentException.class, () -> ManualSa.outbound(CipherSuite.AES_128_GCM).spi(-1));
        assertThrows(IllegalArgumentException.class, () -> ManualSa.inbound(CipherSuite.AES_128_GCM).replayWindow(0));
        ManualSa.Inbound ok = ManualSa.inbound(CipherSuite.CHACHA20_POLY1305).spi(1).route(l, ALICE).key(k32)
                .iv(new byte[12]).build();
        assertEquals(Direction.INBOUND, ok.direction());
    }

    @Test
    void outboundHandsOutEachSequenceOnceAndInboundDiscardsWithoutMoving() throws RecSecException {
        ManualSa.Outbound out = ManualSa.outbound(CipherSuite.AES_128_CCM_8).spi(9).firstSequence(5)
                .route(SERVER, ALICE).key(SecretBytes.copyOf(new byte[16])).iv(new byte[4]).build();
        assertEquals(5, out.reserveSequence());
        assertEquals(6, out.reserveSequence());
        ManualSa.Inbound in = ManualSa.inbound(CipherSuite.AES_128_CCM_8).spi(9).replayWindow(4)
                .route(SERVER, ALICE).key(SecretBytes.copyOf(new byte[16])).iv(new byte[4]).build();
        assertFalse(in.shouldDiscard(100));
        assertEquals(-1, in.highestAccepted());
        in.reportAuthenticated(100, 3);
        assertTrue(in.shouldDiscard(100));
        assertTrue(in.shouldDiscard(96));
        assertFalse(in.shouldDiscard(97));
        assertEquals(100, in.highestAccepted());
        assertEquals(1, in.recordsUsed());
        assertThrows(RecSecException.class, () -> in.reportAuthenticated(100, 3));
    }

    @Test
    void noPublicSealTakesASequenceNumber() {
        for (Method m : InnerPlaintext.class.getMethods()) {
            if (m.getName().equals("seal") && Modifier.isPublic(m.getModifiers())) {
                assertFalse(List.of(m.getParameterTypes()).contains(long.class), m.toString());
            }
        }
        for (Method m : ManualSa.Outbound.class.getMethods()) {
            assertFalse(m.getName().startsWith("set"), m.toString());
        }
        for (Method m : OutboundSa.class.getMethods()) {
            assertFalse(m.getName().contains("Sequence") && m.getParameterCount() > 0, m.toString());
        }
    }
}
