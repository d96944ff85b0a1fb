package org.recsec.record;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.recsec.record.base.RecSecException.Reason;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/** The compact profile (RFC 9147 records) through RecordProtector: round trips, replay, binding, overhead. */
class CompactProfileTest {
    private static final LocalId CLIENT = LocalId.of("coap://client");
    private static final PeerId SERVER = PeerId.of("coap://server");

    /** Client and server registries holding one compact SA pair keyed by two traffic secrets. */
    static final class Pair {
        final InMemorySaRegistry client = new InMemorySaRegistry();
        final InMemorySaRegistry server = new InMemorySaRegistry();
        final RecordProtector clientProtector = new RecordProtector(client);
        final RecordProtector serverProtector = new RecordProtector(server);
        final byte[] c2sSecret = new byte[32];
        final byte[] s2cSecret = new byte[32];

        Pair(CipherSuite suite, int seqBytes, long firstSeq, long serverSpi, long clientSpi) {
            Random rnd = new Random(seqBytes * 31L + suite.ordinal());
            rnd.nextBytes(c2sSecret);
            rnd.nextBytes(s2cSecret);
            client.install(ManualSa.outbound(suite).profile(RecordProfile.COMPACT).sequenceBytes(seqBytes)
                    .spi(serverSpi).epoch(3).firstSequence(firstSeq).route(CLIENT, SERVER)
                    .secret(SecretBytes.copyOf(c2sSecret)).build());
            server.install(ManualSa.inbound(suite).profile(RecordProfile.COMPACT).sequenceBytes(seqBytes)
                    .spi(serverSpi).epoch(3).route(SERVER.asLocal(), CLIENT.asPeer())
                    .secret(SecretBytes.copyOf(c2sSecret)).build());
            server.install(ManualSa.outbound(suite).profile(RecordProfile.COMPACT).sequenceBytes(seqBytes)
                    .spi(clientSpi).epoch(3).firstSequence(firstSeq).route(SERVER.asLocal(), CLIENT.asPeer())
                    .secret(SecretBytes.copyOf(s2cSecret)).build());
            client.install(ManualSa.inbound(suite).profile(RecordProfile.COMPACT).sequenceBytes(seqBytes)
                    .spi(clientSpi).epoch(3).route(CLIENT, SERVER).secret(SecretBytes.copyOf(s2cSecret)).build());
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
    @CsvSource({"AES_128_CCM_8,2", "AES_128_CCM_8,1", "AES_128_CCM,2", "AES_128_GCM,1", "CHACHA20_POLY1305,2"})
    void requestAndResponseRoundTrip(CipherSuite suite, int seqBytes) throws RecSecException {
        Pair p = new Pair(suite, seqBytes, 0, 0x21, 0x42);
        for (int i = 0; i < 300; i++) {
            byte[] token = {(byte) i, 7};
            ProtectedRequest req = p.clientProtector.protectRequest(get(i, token), CLIENT, SERVER);
            UnprotectedRequest got = p.serverProtector.unprotectRequest(req.outer());
            assertEquals(get(i, token), got.message());
            assertEquals(CLIENT.asPeer(), got.peerId());
            assertEquals(0x21, got.spi());
            CoapMessage out = p.serverProtector.protectResponse(content(i, token, "21.5"), got.context());
            assertFalse(out.hasOption(OptionNumbers.REQUEST_SEQUENCE));
            assertEquals(content(i, token, "21.5"), p.clientProtector.unprotectResponse(out, req));
        }
    }

    @Test
    void reconstructionFollowsTheCounterAcrossWraps() throws RecSecException {
        Pair p = new Pair(CipherSuite.AES_128_CCM_8, 1, 0, 0x21, 0x42);
        for (int i = 0; i < 600; i++) {
            ProtectedRequest req = p.clientProtector.protectRequest(get(i, new byte[] {1}), CLIENT, SERVER);
            assertEquals(i, p.serverProtector.unprotectRequest(req.outer()).context().requestSequence()
                    & ManualSa.MAX_SEQUENCE);
        }
    }

    @Test
    void replaysMovedResponsesAndOldNotificationsAreRefused() throws RecSecException {
        Pair p = new Pair(CipherSuite.AES_128_CCM_8, 2, 0, 0x21, 0x42);
        byte[] token = {9};
        ProtectedRequest a = p.clientProtector.protectRequest(get(1, token), CLIENT, SERVER);
        ProtectedRequest b = p.clientProtector.protectRequest(get(2, token), CLIENT, SERVER);
        UnprotectedRequest ua = p.serverProtector.unprotectRequest(a.outer());
        assertEquals(Reason.REPLAY, assertThrows(RecSecException.class,
                () -> p.serverProtector.unprotectRequest(a.outer())).reason());
        p.serverProtector.unprotectRequest(b.outer());
        CoapMessage toA = p.serverProtector.protectResponse(content(1, token, "a"), ua.context());
        // Same token, other request: the binding is in the tag, so the response does not open for b.
        assertEquals(Reason.AUTH_FAILED, assertThrows(RecSecException.class,
                () -> p.clientProtector.unprotectResponse(toA, b)).reason());
        assertEquals(content(1, token, "a"), p.clientProtector.unprotectResponse(toA, a));
        // An old notification (already accepted) comes again: the window refuses it.
        assertEquals(Reason.REPLAY, assertThrows(RecSecException.class,
                () -> p.clientProtector.unprotectResponse(toA, a)).reason());
    }

    @Test
    void aTamperedRecordNeverMovesTheWindow() throws RecSecException {
        Pair p = new Pair(CipherSuite.AES_128_GCM, 2, 5, 0x21, 0x42);
        ProtectedRequest req = p.clientProtector.protectRequest(get(1, new byte[] {1}), CLIENT, SERVER);
        byte[] rec = req.outer().payload();
        for (int i = 0; i < rec.length; i++) {
            byte[] bad = rec.clone();
            bad[i] ^= 0x40;
            Reason r = assertThrows(RecSecException.class,
                    () -> p.serverProtector.unprotectRequest(req.outer().withPayload(bad))).reason();
            assertTrue(r == Reason.AUTH_FAILED || r == Reason.MALFORMED, "byte " + i + ": " + r);
        }
        assertEquals(-1, ((ManualSa.Inbound) p.server.inbound(0x21)).highestAccepted());
        p.serverProtector.unprotectRequest(req.outer());
        assertEquals(5, ((ManualSa.Inbound) p.server.inbound(0x21)).highestAccepted());
    }

    @ParameterizedTest
    @CsvSource({"2,18,17", "1,17,16"})
    void overheadWithCcm8(int seqBytes, int overhead, int responseOverhead) throws RecSecException {
        // A 1-byte SPI: the Record-Security option is then 4 bytes (header, 2-byte extended delta, SPI).
        Pair p = new Pair(CipherSuite.AES_128_CCM_8, seqBytes, 1, 0x21, 0x42);
        byte[] token = {1, 2, 3, 4, 5, 6, 7, 8};
        CoapMessage plain = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 1, token,
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "sensors"),
                        CoapOption.ofString(OptionNumbers.URI_PATH, "temp")), new byte[0]);
        ProtectedRequest req = p.clientProtector.protectRequest(plain, CLIENT, SERVER);
        int requestOverhead = CoapCodec.encode(req.outer()).length - CoapCodec.encode(plain).length;
        // GET /temp: code and Uri-Path are 6 bytes, with the type 7, one short of the 8 that CCM_8's ciphertext needs
        // for the 16 bytes record number encryption samples (RFC 9147 §4.2.3): one zero of padding.
        CoapMessage tiny = get(3, token);
        assertEquals(overhead + 1, CoapCodec.encode(p.clientProtector.protectRequest(tiny, CLIENT, SERVER).outer())
                .length - CoapCodec.encode(tiny).length);
        CoapMessage post = new CoapMessage(CoapMessage.TYPE_CON, 0x02, 2, token,
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "temp")), new byte[64]);
        int postOverhead = CoapCodec.encode(p.clientProtector.protectRequest(post, CLIENT, SERVER).outer()).length
                - CoapCodec.encode(post).length;
        UnprotectedRequest got = p.serverProtector.unprotectRequest(req.outer());
        CoapMessage resp = content(1, token, "21.5");
        int respOverhead = CoapCodec.encode(p.serverProtector.protectResponse(resp, got.context())).length
                - CoapCodec.encode(resp).length;
        // record: header 1 + seq 1|2 + type 1 + tag 8; inner code 1; Record-Security 4 (requests) or 3 (responses:
        // empty); the outer payload marker 1 (the plain message's own marker, if any, moved into the record).
        assertEquals(overhead, requestOverhead);
        assertEquals(overhead, postOverhead);
        assertEquals(responseOverhead, respOverhead);
    }

    @Test
    void builderRefusesDtls12KeysForTheCompactProfileAndShortSecrets() {
        assertThrows(IllegalStateException.class, () -> ManualSa.outbound(CipherSuite.AES_128_CCM_8)
                .profile(RecordProfile.COMPACT).spi(1).route(CLIENT, SERVER).key(SecretBytes.copyOf(new byte[16]))
                .iv(new byte[4]).build());
        assertThrows(IllegalArgumentException.class, () -> ManualSa.outbound(CipherSuite.AES_128_CCM_8)
                .profile(RecordProfile.COMPACT).spi(1).route(CLIENT, SERVER).secret(SecretBytes.copyOf(new byte[16]))
                .build());
    }
}
