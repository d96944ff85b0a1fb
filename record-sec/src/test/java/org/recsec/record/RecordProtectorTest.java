package org.recsec.record;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsec.record.base.RecSecException.Reason;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

class RecordProtectorTest {

    private static CoapMessage get(String... path) {
        List<CoapOption> options = new ArrayList<>();
        options.add(CoapOption.ofString(OptionNumbers.URI_HOST, "sensor.example"));
        for (String p : path) {
            options.add(CoapOption.ofString(OptionNumbers.URI_PATH, p));
        }
        return new CoapMessage(CoapMessage.TYPE_CON, 0x01, 0x1234, new byte[] {1, 2, 3, 4}, options, new byte[0]);
    }

    private static Reason reasonOf(ThrowingSupplier s) {
        return assertThrows(RecSecException.class, s::get).reason();
    }

    interface ThrowingSupplier {
        Object get() throws RecSecException;
    }

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void requestAndResponseRoundTrip(CipherSuite suite) throws RecSecException {
        SaPair p = new SaPair(suite, 1);
        CoapMessage plain = get("sensors", "temp");
        ProtectedRequest req = p.clientProtector.protectRequest(plain, SaPair.CLIENT, SaPair.SERVER);
        CoapMessage outer = req.outer();
        assertEquals(0x02, outer.code(), "outer code POST");
        assertEquals(plain.messageId(), outer.messageId());
        assertArrayEquals(plain.token(), outer.token());
        assertEquals("sensor.example", outer.option(OptionNumbers.URI_HOST).orElseThrow().stringValue());
        assertNull(outer.option(OptionNumbers.URI_PATH).orElse(null), "Uri-Path is Class E: inside only");
        assertEquals(p.c2sOut.spi(), outer.option(OptionNumbers.RECORD_SECURITY).orElseThrow().uintValue());

        UnprotectedRequest got = p.serverProtector.unprotectRequest(roundTripWire(outer));
        assertEquals(plain, got.message());
        assertEquals(req.requestSequence(), got.context().requestSequence());

        CoapMessage response = new CoapMessage(CoapMessage.TYPE_ACK, 0x45, plain.messageId(), plain.token(),
                List.of(CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, 0), CoapOption.ofUint(OptionNumbers.MAX_AGE, 30)),
                "21.5 C".getBytes(StandardCharsets.UTF_8));
        CoapMessage protectedResponse = p.serverProtector.protectResponse(response, got.context());
        assertEquals(0x44, protectedResponse.code(), "outer code 2.04");
        assertEquals(30, protectedResponse.option(OptionNumbers.MAX_AGE).orElseThrow().uintValue(), "outer Max-Age for caches");
        assertEquals(p.s2cOut.spi(), protectedResponse.option(OptionNumbers.RECORD_SECURITY).orElseThrow().uintValue());
        assertEquals(response, p.clientProtector.unprotectResponse(roundTripWire(protectedResponse), req));
    }

    private static CoapMessage roundTripWire(CoapMessage m) throws RecSecException {
        byte[] wire = CoapCodec.encode(m);
        return CoapCodec.decode(wire, 0, wire.length);
    }

    @Property(tries = 200)
    void everyRequestSurvivesTheRoundTrip(@ForAll("requests") CoapMessage plain) throws RecSecException {
        SaPair p = new SaPair(CipherSuite.AES_128_CCM_8, 7);
        ProtectedRequest req = p.clientProtector.protectRequest(plain, SaPair.CLIENT, SaPair.SERVER);
        UnprotectedRequest got = p.serverProtector.unprotectRequest(roundTripWire(req.outer()));
        assertEquals(plain, got.message());
    }

    @Property(tries = 200)
    void everyResponseSurvivesTheRoundTrip(@ForAll("responses") CoapMessage response) throws RecSecException {
        SaPair p = new SaPair(CipherSuite.AES_128_GCM, 9);
        CoapMessage plain = get("a");
        ProtectedRequest req = p.clientProtector.protectRequest(plain, SaPair.CLIENT, SaPair.SERVER);
        UnprotectedRequest got = p.serverProtector.unprotectRequest(req.outer());
        CoapMessage bound = response.withToken(plain.token());
        CoapMessage out = p.serverProtector.protectResponse(bound, got.context());
        assertEquals(bound, p.clientProtector.unprotectResponse(roundTripWire(out), req));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<CoapMessage> requests() {
        return CoapArbitraries.requests();
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<CoapMessage> responses() {
        return CoapArbitraries.responses();
    }

    @Test
    void protectedBytesHideClassEValuesAndPayload() throws RecSecException {
        SaPair p = new SaPair(CipherSuite.AES_128_CCM_8, 2);
        CoapMessage plain = new CoapMessage(CoapMessage.TYPE_CON, 0x02, 7, new byte[] {9},
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "secret-path"),
                        CoapOption.ofString(OptionNumbers.URI_QUERY, "who=alice")),
                "top secret payload".getBytes(StandardCharsets.UTF_8));
        byte[] wire = CoapCodec.encode(p.clientProtector.protectRequest(plain, SaPair.CLIENT, SaPair.SERVER).outer());
        String seen = new String(wire, StandardCharsets.ISO_8859_1);
        assertFalse(seen.contains("secret-path"));
        assertFalse(seen.contains("who=alice"));
        assertFalse(seen.contains("top secret"));
    }

    @Test
    void everyBitFlipAndTruncationIsRefused() throws RecSecException {
        SaPair p = new SaPair(CipherSuite.AES_128_CCM_8, 3);
        CoapMessage plain = new CoapMessage(CoapMessage.TYPE_CON, 0x03, 77, new byte[] {5, 6},
                List.of(CoapOption.ofString(OptionNumbers.URI_HOST, "h"), CoapOption.ofString(OptionNumbers.URI_PATH, "x"),
                        CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, 50)),
                "{\"v\":1}".getBytes(StandardCharsets.UTF_8));
        CoapMessage protectedOuter = p.clientProtector.protectRequest(plain, SaPair.CLIENT, SaPair.SERVER).outer();
        byte[] wire = CoapCodec.encode(protectedOuter);
        int recordStart = wire.length - protectedOuter.payloadLength();
        int accepted = 0;
        for (int bit = 0; bit < wire.length * 8; bit++) {
            byte[] m = wire.clone();
            m[bit / 8] ^= (byte) (1 << (bit % 8));
            try {
                CoapMessage outer = CoapCodec.decode(m, 0, m.length);
                UnprotectedRequest r = p.serverProtector.unprotectRequest(outer);
                // Only the header fields outside the record (type, message ID, token, Uri-Host) may change
                // without detection; the protected parts must be exactly the original ones.
                assertEquals(plain.code(), r.message().code(), "bit " + bit);
                assertArrayEquals(plain.payload(), r.message().payload(), "bit " + bit);
                assertEquals(plain.option(OptionNumbers.URI_PATH), r.message().option(OptionNumbers.URI_PATH));
                assertTrue(bit < 8 * recordStart, "bit " + bit + " inside the record was accepted");
                accepted++;
            } catch (RecSecException expected) {
                assertNotNull(expected.reason());
            }
        }
        // Flips of unprotected header bits are legitimately undetectable (a proxy may rewrite them) ...
        assertTrue(accepted < wire.length * 8);
        // ... but every truncation must fail.
        for (int len = 0; len < wire.length; len++) {
            final int n = len;
            byte[] m = java.util.Arrays.copyOf(wire, n);
            assertThrows(RecSecException.class, () -> p.serverProtector.unprotectRequest(CoapCodec.decode(m, 0, n)),
                    "truncated to " + n);
        }
    }

    @Test
    void everyFlipOfTheRecordIsRefused() throws RecSecException {
        SaPair p = new SaPair(CipherSuite.CHACHA20_POLY1305, 4);
        ProtectedRequest req = p.clientProtector.protectRequest(get("x"), SaPair.CLIENT, SaPair.SERVER);
        byte[] record = req.outer().payload();
        for (int bit = 0; bit < record.length * 8; bit++) {
            byte[] r = record.clone();
            r[bit / 8] ^= (byte) (1 << (bit % 8));
            CoapMessage forged = req.outer().withPayload(r);
            Reason reason = reasonOf(() -> p.serverProtector.unprotectRequest(forged));
            assertTrue(reason == Reason.AUTH_FAILED || reason == Reason.MALFORMED, "bit " + bit + ": " + reason);
        }
        // The genuine message is still accepted afterwards: nothing forged moved the window.
        assertEquals(get("x"), p.serverProtector.unprotectRequest(req.outer()).message());
    }

    @Test
    void replayIsRefusedAndReorderedAcceptedOnce() throws RecSecException {
        SaPair p = new SaPair(CipherSuite.AES_128_CCM_8, 5);
        List<CoapMessage> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(p.clientProtector.protectRequest(get("r" + i), SaPair.CLIENT, SaPair.SERVER).outer());
        }
        p.serverProtector.unprotectRequest(sent.get(4));
        p.serverProtector.unprotectRequest(sent.get(1));
        assertEquals(Reason.REPLAY, reasonOf(() -> p.serverProtector.unprotectRequest(sent.get(4))));
        assertEquals(Reason.REPLAY, reasonOf(() -> p.serverProtector.unprotectRequest(sent.get(1))));
        p.serverProtector.unprotectRequest(sent.get(0));
        p.serverProtector.unprotectRequest(sent.get(3));
    }

    @Test
    void oldRecordLeftOfTheWindowIsRefused() throws RecSecException {
        SaPair p = new SaPair(CipherSuite.AES_128_CCM_8, 6, 32);
        CoapMessage first = p.clientProtector.protectRequest(get("old"), SaPair.CLIENT, SaPair.SERVER).outer();
        CoapMessage last = null;
        for (int i = 0; i < 40; i++) {
            last = p.clientProtector.protectRequest(get("n"), SaPair.CLIENT, SaPair.SERVER).outer();
        }
        p.serverProtector.unprotectRequest(last);
        assertEquals(Reason.REPLAY, reasonOf(() -> p.serverProtector.unprotectRequest(first)));
    }

    @Test
    void forgedHighSequenceDoesNotLockOutGenuineRecords() throws RecSecException {
        SaPair p = new SaPair(CipherSuite.AES_128_CCM_8, 8);
        CoapMessage genuine = p.clientProtector.protectRequest(get("g"), SaPair.CLIENT, SaPair.SERVER).outer();
        byte[] record = genuine.payload();
        byte[] forged = record.clone();
        Bytes.writeUint48Be(forged, 5, (1L << 48) - 1); // sequence field of the header
        Bytes.writeUint48Be(forged, 13 + 2, (1L << 48) - 1); // explicit nonce too
        assertEquals(Reason.AUTH_FAILED, reasonOf(() -> p.serverProtector.unprotectRequest(genuine.withPayload(forged))));
        assertEquals(get("g"), p.serverProtector.unprotectRequest(genuine).message());
    }

    @Test
    void swappedResponseIsRefused() throws RecSecException {
        SaPair p = new SaPair(CipherSuite.AES_128_CCM_8, 10);
        ProtectedRequest a = p.clientProtector.protectRequest(get("a"), SaPair.CLIENT, SaPair.SERVER);
        ProtectedRequest b = p.clientProtector.protectRequest(get("b").withToken(new byte[] {1, 2, 3, 4}),
                SaPair.CLIENT, SaPair.SERVER);
        RequestContext ca = p.serverProtector.unprotectRequest(a.outer()).context();
        RequestContext cb = p.serverProtector.unprotectRequest(b.outer()).context();
        CoapMessage resp = new CoapMessage(CoapMessage.TYPE_ACK, 0x45, 1, new byte[] {1, 2, 3, 4}, List.of(),
                "A".getBytes(StandardCharsets.UTF_8));
        CoapMessage forA = p.serverProtector.protectResponse(resp, ca);
        CoapMessage forB = p.serverProtector.protectResponse(resp.withPayload("B".getBytes(StandardCharsets.UTF_8)), cb);
        // Same token on purpose: only the Request-Sequence binding tells the two responses apart.
        assertEquals(Reason.BAD_BINDING, reasonOf(() -> p.clientProtector.unprotectResponse(forB, a)));
        assertArrayEquals("A".getBytes(StandardCharsets.UTF_8), p.clientProtector.unprotectResponse(forA, a).payload());
    }

    @Test
    void observeNotificationsCarryTheRegistrationsBinding() throws RecSecException {
        SaPair p = new SaPair(CipherSuite.AES_128_CCM, 11);
        CoapMessage register = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 3, new byte[] {7},
                List.of(CoapOption.ofUint(OptionNumbers.OBSERVE, 0), CoapOption.ofString(OptionNumbers.URI_PATH, "obs")),
                new byte[0]);
        ProtectedRequest req = p.clientProtector.protectRequest(register, SaPair.CLIENT, SaPair.SERVER);
        assertEquals(0x05, req.outer().code(), "FETCH outside when observing");
        assertEquals(0, req.outer().option(OptionNumbers.OBSERVE).orElseThrow().uintValue(), "outer Observe for proxies");
        RequestContext ctx = p.serverProtector.unprotectRequest(req.outer()).context();
        for (int n = 1; n <= 3; n++) {
            CoapMessage note = new CoapMessage(CoapMessage.TYPE_NON, 0x45, 100 + n, new byte[] {7},
                    List.of(CoapOption.ofUint(OptionNumbers.OBSERVE, n)), new byte[] {(byte) n});
            CoapMessage out = p.serverProtector.protectResponse(note, ctx);
            assertEquals(0x45, out.code(), "2.05 outside for notifications");
            assertEquals(note, p.clientProtector.unprotectResponse(out, req));
        }
    }

    @Test
    void proxyUriIsSplit() throws RecSecException {
        SaPair p = new SaPair(CipherSuite.AES_128_CCM_8, 12);
        CoapMessage plain = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 9, new byte[] {1},
                List.of(CoapOption.ofString(OptionNumbers.PROXY_URI, "coap://server.example:5684/a/b?c=d")),
                new byte[0]);
        CoapMessage outer = p.clientProtector.protectRequest(plain, SaPair.CLIENT, SaPair.SERVER).outer();
        assertEquals("coap", outer.option(OptionNumbers.PROXY_SCHEME).orElseThrow().stringValue());
        assertEquals("server.example", outer.option(OptionNumbers.URI_HOST).orElseThrow().stringValue());
        assertEquals(5684, outer.option(OptionNumbers.URI_PORT).orElseThrow().uintValue());
        assertNull(outer.option(OptionNumbers.PROXY_URI).orElse(null));
        assertNull(outer.option(OptionNumbers.URI_PATH).orElse(null));
        CoapMessage got = p.serverProtector.unprotectRequest(outer).message();
        List<String> path = new ArrayList<>();
        for (CoapOption o : got.options()) {
            if (o.number() == OptionNumbers.URI_PATH) {
                path.add(o.stringValue());
            }
        }
        assertEquals(List.of("a", "b"), path);
        assertEquals("c=d", got.option(OptionNumbers.URI_QUERY).orElseThrow().stringValue());
    }

    @Test
    void hostileOuterChangesAreRefusedWithTheirReason() throws RecSecException {
        SaPair p = new SaPair(CipherSuite.AES_128_CCM_8, 13);
        CoapMessage outer = p.clientProtector.protectRequest(get("h"), SaPair.CLIENT, SaPair.SERVER).outer();
        List<CoapOption> stripped = new ArrayList<>(outer.options());
        stripped.removeIf(o -> o.number() == OptionNumbers.RECORD_SECURITY);
        assertEquals(Reason.UNPROTECTED, reasonOf(() -> p.serverProtector.unprotectRequest(outer.withOptions(stripped))));
        List<CoapOption> movedOut = new ArrayList<>(outer.options());
        movedOut.add(CoapOption.ofString(OptionNumbers.URI_PATH, "admin"));
        assertEquals(Reason.MALFORMED, reasonOf(() -> p.serverProtector.unprotectRequest(outer.withOptions(movedOut))));
        assertEquals(Reason.MALFORMED, reasonOf(() -> p.serverProtector.unprotectRequest(outer.withCode(0x01))));
        List<CoapOption> otherSpi = new ArrayList<>(stripped);
        otherSpi.add(CoapOption.ofUint(OptionNumbers.RECORD_SECURITY, 0xdead));
        assertEquals(Reason.UNKNOWN_SA, reasonOf(() -> p.serverProtector.unprotectRequest(outer.withOptions(otherSpi))));
        assertEquals(Reason.MALFORMED, reasonOf(() -> p.serverProtector.unprotectRequest(outer.withPayload(new byte[5]))));
        // After all that the genuine message still goes through exactly once.
        p.serverProtector.unprotectRequest(outer);
        assertEquals(Reason.REPLAY, reasonOf(() -> p.serverProtector.unprotectRequest(outer)));
    }

    @Test
    void responseFromAnotherPeersSaIsRefused() throws RecSecException {
        SaPair p = new SaPair(CipherSuite.AES_128_CCM_8, 14);
        ProtectedRequest req = p.clientProtector.protectRequest(get("p"), SaPair.CLIENT, SaPair.SERVER);
        ProtectedRequest other = new ProtectedRequest(req.outer(), req.requestSequence(),
                PeerId.of("coap://elsewhere"), req.localId());
        RequestContext ctx = p.serverProtector.unprotectRequest(req.outer()).context();
        CoapMessage out = p.serverProtector.protectResponse(new CoapMessage(CoapMessage.TYPE_ACK, 0x45, 1,
                req.outer().token(), List.of(), new byte[0]), ctx);
        assertEquals(Reason.BAD_BINDING, reasonOf(() -> p.clientProtector.unprotectResponse(out, other)));
    }

    @Test
    void unknownPeerAndExhaustedSequence() throws RecSecException {
        SaPair p = new SaPair(CipherSuite.AES_128_CCM_8, 15);
        assertEquals(Reason.UNKNOWN_SA, reasonOf(() -> p.clientProtector.protectRequest(get("u"), SaPair.CLIENT,
                PeerId.of("coap://nobody"))));
        InMemorySaRegistry reg = new InMemorySaRegistry();
        LocalId a = LocalId.of("a");
        PeerId b = PeerId.of("b");
        reg.install(ManualSa.outbound(CipherSuite.AES_128_CCM_8).spi(1).epoch(1).firstSequence(ManualSa.MAX_SEQUENCE)
                .route(a, b).key(SecretBytes.copyOf(new byte[16])).iv(new byte[4]).build());
        RecordProtector prot = new RecordProtector(reg);
        prot.protectRequest(get("last"), a, b);
        assertEquals(Reason.SEQUENCE_EXHAUSTED, reasonOf(() -> prot.protectRequest(get("one more"), a, b)));
    }

    @Test
    void errorResponsesSayNoMoreThanTheClass() {
        CoapMessage req = get("e");
        assertEquals(0x81, RecordProtector.errorResponse(req, Reason.UNKNOWN_SA).code());
        assertEquals(0x80, RecordProtector.errorResponse(req, Reason.AUTH_FAILED).code());
        CoapMessage r = RecordProtector.errorResponse(req, Reason.REPLAY);
        assertEquals(CoapMessage.TYPE_ACK, r.type());
        assertEquals(0, r.payloadLength());
        assertTrue(r.options().isEmpty());
    }
}
