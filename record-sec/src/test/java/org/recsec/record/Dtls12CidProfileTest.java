package org.recsec.record;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsec.record.base.RecSecException.Reason;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/** The dtls12-cid profile (RFC 9146 records) through RecordProtector: round trips, binding, replay, tamper, bytes. */
class Dtls12CidProfileTest {
    private static final LocalId CLIENT = LocalId.of("coap://client");
    private static final PeerId SERVER = PeerId.of("coap://server");

    /** Client and server registries holding one dtls12-cid SA pair. */
    static final class Pair {
        final InMemorySaRegistry client = new InMemorySaRegistry();
        final InMemorySaRegistry server = new InMemorySaRegistry();
        final RecordProtector clientProtector = new RecordProtector(client);
        final RecordProtector serverProtector = new RecordProtector(server);
        final byte[] c2sKey;
        final byte[] s2cKey;
        final byte[] c2sIv;
        final byte[] s2cIv;

        Pair(CipherSuite suite, long serverSpi, long clientSpi) {
            Random rnd = new Random(suite.ordinal() * 17L + 5);
            c2sKey = bytes(rnd, suite.keySizeBytes());
            s2cKey = bytes(rnd, suite.keySizeBytes());
            c2sIv = bytes(rnd, suite.ivSizeBytes());
            s2cIv = bytes(rnd, suite.ivSizeBytes());
            client.install(ManualSa.outbound(suite).profile(RecordProfile.DTLS12_CID).spi(serverSpi).epoch(1)
                    .route(CLIENT, SERVER).key(SecretBytes.copyOf(c2sKey)).iv(c2sIv).build());
            server.install(ManualSa.inbound(suite).profile(RecordProfile.DTLS12_CID).spi(serverSpi).epoch(1)
                    .route(SERVER.asLocal(), CLIENT.asPeer()).key(SecretBytes.copyOf(c2sKey)).iv(c2sIv).build());
            server.install(ManualSa.outbound(suite).profile(RecordProfile.DTLS12_CID).spi(clientSpi).epoch(1)
                    .route(SERVER.asLocal(), CLIENT.asPeer()).key(SecretBytes.copyOf(s2cKey)).iv(s2cIv).build());
            client.install(ManualSa.inbound(suite).profile(RecordProfile.DTLS12_CID).spi(clientSpi).epoch(1)
                    .route(CLIENT, SERVER).key(SecretBytes.copyOf(s2cKey)).iv(s2cIv).build());
        }

        private static byte[] bytes(Random rnd, int n) {
            byte[] b = new byte[n];
            rnd.nextBytes(b);
            return b;
        }
    }

    static CoapMessage get(int mid, byte[] token) {
        return new CoapMessage(CoapMessage.TYPE_CON, 0x01, mid, token,
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "temp")), new byte[0]);
    }

    static CoapMessage content(int mid, byte[] token, String body) {
        return new CoapMessage(CoapMessage.TYPE_ACK, 0x45, mid, token,
                List.of(CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, 0)), body.getBytes());
    }

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void requestAndResponseRoundTrip(CipherSuite suite) throws RecSecException {
        Pair p = new Pair(suite, 0x1001, 0x2002);
        for (int i = 0; i < 50; i++) {
            byte[] token = {(byte) i, 7};
            ProtectedRequest req = p.clientProtector.protectRequest(get(i, token), CLIENT, SERVER);
            byte[] record = req.outer().payload();
            assertEquals(25, record[0] & 0xff, "outer type tls12_cid");
            assertEquals(0x1001, org.recsec.record.internal.wire.Bytes.readUint32Be(record, 11), "CID = the SPI");
            UnprotectedRequest got = p.serverProtector.unprotectRequest(req.outer());
            assertEquals(get(i, token), got.message());
            assertEquals(0x1001, got.spi());
            CoapMessage out = p.serverProtector.protectResponse(content(i, token, "21.5"), got.context());
            assertEquals(0x2002, org.recsec.record.internal.wire.Bytes.readUint32Be(out.payload(), 11));
            assertEquals(content(i, token, "21.5"), p.clientProtector.unprotectResponse(out, req));
        }
    }

    @Test
    void replayAndMovedResponsesAreRefused() throws RecSecException {
        Pair p = new Pair(CipherSuite.AES_128_CCM_8, 0x1001, 0x2002);
        byte[] tokenA = {1};
        byte[] tokenB = {2};
        ProtectedRequest a = p.clientProtector.protectRequest(get(1, tokenA), CLIENT, SERVER);
        ProtectedRequest b = p.clientProtector.protectRequest(get(2, tokenB), CLIENT, SERVER);
        UnprotectedRequest ga = p.serverProtector.unprotectRequest(a.outer());
        assertEquals(Reason.REPLAY, assertThrows(RecSecException.class,
                () -> p.serverProtector.unprotectRequest(a.outer())).reason());
        p.serverProtector.unprotectRequest(b.outer());
        CoapMessage toA = p.serverProtector.protectResponse(content(1, tokenA, "a"), ga.context());
        // The response to A, given the token of B, is bound to A's record by the inner Request-Sequence.
        CoapMessage moved = new CoapMessage(toA.version(), toA.type(), toA.code(), toA.messageId(), tokenB,
                toA.options(), toA.payload());
        assertEquals(Reason.BAD_BINDING, assertThrows(RecSecException.class,
                () -> p.clientProtector.unprotectResponse(moved, b)).reason());
        assertEquals(content(1, tokenA, "a"), p.clientProtector.unprotectResponse(toA, a));
    }

    @Test
    void aTamperedRecordNeverMovesTheWindow() throws RecSecException {
        Pair p = new Pair(CipherSuite.AES_128_GCM, 0x1001, 0x2002);
        ProtectedRequest req = p.clientProtector.protectRequest(get(1, new byte[] {1}), CLIENT, SERVER);
        byte[] record = req.outer().payload();
        for (int i = 0; i < record.length; i++) {
            byte[] bad = record.clone();
            bad[i] ^= 0x01;
            CoapMessage m = req.outer().withPayload(bad);
            Reason r = assertThrows(RecSecException.class, () -> p.serverProtector.unprotectRequest(m)).reason();
            assertTrue(r == Reason.AUTH_FAILED || r == Reason.MALFORMED || r == Reason.REPLAY, "byte " + i + ": " + r);
        }
        for (int cut = 0; cut < record.length; cut++) {
            CoapMessage m = req.outer().withPayload(java.util.Arrays.copyOf(record, cut));
            assertEquals(Reason.MALFORMED, assertThrows(RecSecException.class,
                    () -> p.serverProtector.unprotectRequest(m)).reason(), "cut at " + cut);
        }
        assertEquals(-1, ((ManualSa.Inbound) p.server.inbound(0x1001)).highestAccepted());
        p.serverProtector.unprotectRequest(req.outer());
        assertEquals(0, ((ManualSa.Inbound) p.server.inbound(0x1001)).highestAccepted());
    }

    /** A record whose CID names another SA than the Record-Security option is refused before the AEAD. */
    @Test
    void cidMustBeTheOptionsSpi() throws RecSecException {
        Pair p = new Pair(CipherSuite.AES_128_CCM_8, 0x1001, 0x2002);
        // Another SA at the server, same key, SPI 0x1002: its records would open under the same key.
        p.server.install(ManualSa.inbound(CipherSuite.AES_128_CCM_8).profile(RecordProfile.DTLS12_CID).spi(0x1002)
                .epoch(1).route(SERVER.asLocal(), CLIENT.asPeer()).key(SecretBytes.copyOf(p.c2sKey)).iv(p.c2sIv)
                .build());
        ProtectedRequest req = p.clientProtector.protectRequest(get(1, new byte[] {1}), CLIENT, SERVER);
        List<CoapOption> options = new ArrayList<>();
        for (CoapOption o : req.outer().options()) {
            options.add(o.number() == OptionNumbers.RECORD_SECURITY
                    ? CoapOption.ofUint(OptionNumbers.RECORD_SECURITY, 0x1002) : o);
        }
        CoapMessage relabeled = req.outer().withOptions(options);
        RecSecException e = assertThrows(RecSecException.class, () -> p.serverProtector.unprotectRequest(relabeled));
        assertEquals(Reason.MALFORMED, e.reason());
    }

    /** A dtls12 record given to a dtls12-cid SA (and the other way round) is refused, not misread. */
    @Test
    void profilesDoNotMix() throws RecSecException {
        CipherSuite suite = CipherSuite.AES_128_CCM_8;
        Pair p = new Pair(suite, 0x1001, 0x2002);
        InMemorySaRegistry plain = new InMemorySaRegistry();
        plain.install(ManualSa.outbound(suite).spi(0x1001).epoch(1).route(CLIENT, SERVER)
                .key(SecretBytes.copyOf(p.c2sKey)).iv(p.c2sIv).build());
        ProtectedRequest dtls12 = new RecordProtector(plain).protectRequest(get(1, new byte[] {1}), CLIENT, SERVER);
        assertEquals(Reason.MALFORMED, assertThrows(RecSecException.class,
                () -> p.serverProtector.unprotectRequest(dtls12.outer())).reason());
    }

    /** Bytes on the wire: the dtls12 record plus the 4-byte CID and the inner content type. */
    @Test
    void overheadWithCcm8() throws RecSecException {
        Pair p = new Pair(CipherSuite.AES_128_CCM_8, 0x1001, 0x2002);
        byte[] token = {1, 2};
        CoapMessage get = get(1, token);
        ProtectedRequest req = p.clientProtector.protectRequest(get, CLIENT, SERVER);
        int record = 13 + 4 + 8 + 1 + 8;
        assertEquals(record, p.client.outbound(CLIENT, SERVER).cipher().overheadBytes());
        // + inner header 2, Record-Security option 5, payload marker 1
        assertEquals(record + 2 + 5 + 1, CoapCodec.encode(req.outer()).length - CoapCodec.encode(get).length);
        UnprotectedRequest got = p.serverProtector.unprotectRequest(req.outer());
        CoapMessage resp = content(1, token, "21.5");
        CoapMessage out = p.serverProtector.protectResponse(resp, got.context());
        // + the inner Request-Sequence option (header 1, extended delta 2, value 1 << 48: 7 bytes)
        assertEquals(record + 2 + 5 + 1 + 10, CoapCodec.encode(out).length - CoapCodec.encode(resp).length);
    }

    @Test
    void builderRefusesASecretForTheCidProfile() {
        assertThrows(IllegalStateException.class, () -> ManualSa.outbound(CipherSuite.AES_128_CCM_8)
                .profile(RecordProfile.DTLS12_CID).spi(0x1001).route(CLIENT, SERVER)
                .secret(SecretBytes.copyOf(new byte[32])).build());
        assertThrows(IllegalArgumentException.class, () -> ManualSa.outbound(CipherSuite.AES_128_CCM_8)
                .profile(RecordProfile.DTLS12_CID).spi(0x1001).route(CLIENT, SERVER)
                .key(SecretBytes.copyOf(new byte[15])).iv(new byte[4]).build());
    }

    @Test
    void verifyChecksWithoutMovingTheWindow() throws RecSecException {
        Pair p = new Pair(CipherSuite.CHACHA20_POLY1305, 0x1001, 0x2002);
        ProtectedRequest req = p.clientProtector.protectRequest(get(1, new byte[] {1}), CLIENT, SERVER);
        assertEquals(0x1001, p.serverProtector.verify(req.outer()));
        assertEquals(0x1001, p.serverProtector.verify(req.outer()));
        byte[] bad = req.outer().payload();
        bad[bad.length - 1] ^= 1;
        assertEquals(Reason.AUTH_FAILED, assertThrows(RecSecException.class,
                () -> p.serverProtector.verify(req.outer().withPayload(bad))).reason());
        p.serverProtector.unprotectRequest(req.outer());
    }
}
