package org.recsec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecSecException.Reason;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.spi.InboundSa;

/**
 * A compact-profile response names its SA by the request it answers (an empty Record-Security option): the client
 * finds it among the inbound SAs of the request's route, also during a rollover, and nowhere else.
 */
class CompactResponseRouteTest {
    private static final LocalId CLIENT = LocalId.of("coap://client");
    private static final PeerId SERVER = PeerId.of("coap://server");
    private static final CipherSuite SUITE = CipherSuite.AES_128_CCM_8;

    private static byte[] secret(long seed) {
        byte[] s = new byte[32];
        new Random(seed).nextBytes(s);
        return s;
    }

    private static InboundSa clientInbound(long spi, byte[] secret) {
        return ManualSa.inbound(SUITE).profile(RecordProfile.COMPACT).spi(spi).epoch(3).route(CLIENT, SERVER)
                .secret(SecretBytes.copyOf(secret)).build();
    }

    private static ManualSa.Outbound serverOutbound(long spi, byte[] secret) {
        return ManualSa.outbound(SUITE).profile(RecordProfile.COMPACT).spi(spi).epoch(3)
                .route(SERVER.asLocal(), CLIENT.asPeer()).secret(SecretBytes.copyOf(secret)).build();
    }

    private static CoapMessage content(byte[] token, String body) {
        return new CoapMessage(CoapMessage.TYPE_ACK, 0x45, 1, token,
                List.of(CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, 0)), body.getBytes());
    }

    /** The request the client sent (it needs only the outer token, its record number and the route). */
    private static ProtectedRequest sent(byte[] token, long requestSeq) {
        CoapMessage outer = new CoapMessage(CoapMessage.TYPE_CON, 0x02, 1, token,
                List.of(CoapOption.ofUint(OptionNumbers.RECORD_SECURITY, 0x100)), new byte[0]);
        return new ProtectedRequest(outer, (3L << 48) | requestSeq, SERVER, CLIENT);
    }

    /** A server holding one outbound SA, so its sequence numbers go on from response to response. */
    private static RecordProtector server(ManualSa.Outbound sa) {
        InMemorySaRegistry server = new InMemorySaRegistry();
        server.install(sa);
        return new RecordProtector(server);
    }

    private static CoapMessage response(RecordProtector server, byte[] token, long requestSeq, String body)
            throws RecSecException {
        return server.protectResponse(content(token, body),
                new RequestContext(SERVER.asLocal(), CLIENT.asPeer(), (3L << 48) | requestSeq));
    }

    private static CoapMessage response(ManualSa.Outbound sa, byte[] token, long requestSeq, String body)
            throws RecSecException {
        return response(server(sa), token, requestSeq, body);
    }

    @Test
    void theResponseCarriesAnEmptyOptionAndOpensUnderTheRoutesSa() throws RecSecException {
        byte[] s2c = secret(1);
        byte[] token = {4, 2};
        CoapMessage out = response(serverOutbound(0x142, s2c), token, 7, "21.5");
        assertEquals(0, out.option(OptionNumbers.RECORD_SECURITY).orElseThrow().length());
        InMemorySaRegistry client = new InMemorySaRegistry();
        client.install(clientInbound(0x142, s2c));
        assertEquals(content(token, "21.5"), new RecordProtector(client).unprotectResponse(out, sent(token, 7)));
    }

    @Test
    void duringARolloverAResponseUnderTheOldSaStillOpensAndEachOnlyOnce() throws RecSecException {
        byte[] oldSecret = secret(2);
        byte[] newSecret = secret(3);
        byte[] token = {5};
        InMemorySaRegistry client = new InMemorySaRegistry();
        client.install(clientInbound(0x150, oldSecret));
        client.install(clientInbound(0x151, newSecret)); // newest first: tried before the old one
        assertEquals(List.of(0x151L, 0x150L), client.inbound(CLIENT, SERVER).stream().map(InboundSa::spi).toList());
        RecordProtector p = new RecordProtector(client);
        RecordProtector newServer = server(serverOutbound(0x151, newSecret));
        CoapMessage underOld = response(serverOutbound(0x150, oldSecret), token, 1, "old");
        CoapMessage underNew = response(newServer, token, 2, "new");
        assertEquals(content(token, "old"), p.unprotectResponse(underOld, sent(token, 1)));
        assertEquals(content(token, "new"), p.unprotectResponse(underNew, sent(token, 2)));
        assertEquals(Reason.REPLAY, assertThrows(RecSecException.class,
                () -> p.unprotectResponse(underOld, sent(token, 1))).reason());
        CoapMessage toFour = response(newServer, token, 4, "four");
        assertEquals(Reason.AUTH_FAILED, assertThrows(RecSecException.class,
                () -> p.unprotectResponse(toFour, sent(token, 3))).reason(), "bound to request 4, not 3");
        assertEquals(content(token, "four"), p.unprotectResponse(toFour, sent(token, 4)), "refusal moved nothing");
    }

    @Test
    void aResponseFromAnotherPeersSaOrUnderAnSpiIsRefused() throws RecSecException {
        byte[] s2c = secret(4);
        byte[] token = {6};
        CoapMessage out = response(serverOutbound(0x160, s2c), token, 1, "x");
        InMemorySaRegistry client = new InMemorySaRegistry();
        // The same keys, but installed as coming from another peer: not a candidate for a request to SERVER.
        client.install(ManualSa.inbound(SUITE).profile(RecordProfile.COMPACT).spi(0x160).epoch(3)
                .route(CLIENT, PeerId.of("coap://elsewhere")).secret(SecretBytes.copyOf(s2c)).build());
        RecordProtector p = new RecordProtector(client);
        assertEquals(Reason.UNKNOWN_SA, assertThrows(RecSecException.class,
                () -> p.unprotectResponse(out, sent(token, 1))).reason());
        // The right route, but the response names an SPI: a compact response never does.
        client.install(clientInbound(0x161, s2c));
        CoapMessage named = out.withOptions(List.of(CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, 0),
                CoapOption.ofUint(OptionNumbers.RECORD_SECURITY, 0x161)));
        assertEquals(Reason.MALFORMED, assertThrows(RecSecException.class,
                () -> p.unprotectResponse(named, sent(token, 1))).reason());
        assertEquals(content(token, "x"), p.unprotectResponse(out, sent(token, 1)));
    }

    @Test
    void theRegistryForgetsRemovedAndReplacedSas() {
        InMemorySaRegistry r = new InMemorySaRegistry();
        InboundSa a = clientInbound(0x170, secret(5));
        InboundSa b = clientInbound(0x171, secret(6));
        r.install(a);
        r.install(b);
        r.remove(a);
        assertEquals(List.of(b), r.inbound(CLIENT, SERVER));
        InboundSa b2 = clientInbound(0x171, secret(7));
        r.install(b2); // same SPI: replaces b
        assertEquals(List.of(b2), r.inbound(CLIENT, SERVER));
        r.remove(b2);
        assertTrue(r.inbound(CLIENT, SERVER).isEmpty());
    }
}
