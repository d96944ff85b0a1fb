package org.recsec.record.fuzz;

import java.util.List;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.RequestContext;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.spi.InboundSa;
import org.recsec.record.spi.OutboundSa;
import org.recsec.record.spi.SecurityAssociation;

/**
 * The fixed SA pair of the unprotect fuzz targets (keys made up, AES_128_CCM_8, epoch 1) and the genuine messages
 * they are seeded with. Every SA is built fresh on demand so each fuzz input starts from the same state.
 */
final class ProtectorFixture {
    static final LocalId CLIENT = LocalId.of("coap://127.0.0.1:40000");
    static final PeerId SERVER = PeerId.of("coap://127.0.0.1:5683");
    static final CipherSuite SUITE = CipherSuite.AES_128_CCM_8;
    static final int EPOCH = 1;
    static final long C2S_SPI = 0x1001;
    static final long S2C_SPI = 0x2002;
    static final byte[] C2S_KEY = hex("000102030405060708090a0b0c0d0e0f");
    static final byte[] C2S_IV = hex("a0a1a2a3");
    static final byte[] S2C_KEY = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    static final byte[] S2C_IV = hex("b0b1b2b3");
    /** The token of the request every fuzzed response answers. */
    static final byte[] TOKEN = hex("5a17c0de");
    /** The request's record sequence ({@code epoch << 48 | seq}) the genuine responses carry. */
    static final long REQUEST_SEQUENCE = ((long) EPOCH << 48) | 7;
    /** Sequence number of the genuine message each input is preceded by, so the window is not empty. */
    static final long HISTORY_SEQ = 10;

    private ProtectorFixture() {
    }

    static ManualSa.Outbound c2sOut(long firstSeq) {
        return ManualSa.outbound(SUITE).spi(C2S_SPI).epoch(EPOCH).firstSequence(firstSeq).route(CLIENT, SERVER)
                .key(SecretBytes.copyOf(C2S_KEY)).iv(C2S_IV).build();
    }

    static ManualSa.Inbound c2sIn() {
        return ManualSa.inbound(SUITE).spi(C2S_SPI).epoch(EPOCH).replayWindow(64)
                .route(SERVER.asLocal(), CLIENT.asPeer()).key(SecretBytes.copyOf(C2S_KEY)).iv(C2S_IV).build();
    }

    static ManualSa.Outbound s2cOut(long firstSeq) {
        return ManualSa.outbound(SUITE).spi(S2C_SPI).epoch(EPOCH).firstSequence(firstSeq)
                .route(SERVER.asLocal(), CLIENT.asPeer()).key(SecretBytes.copyOf(S2C_KEY)).iv(S2C_IV).build();
    }

    static ManualSa.Inbound s2cIn() {
        return ManualSa.inbound(SUITE).spi(S2C_SPI).epoch(EPOCH).replayWindow(64).route(CLIENT, SERVER)
                .key(SecretBytes.copyOf(S2C_KEY)).iv(S2C_IV).build();
    }

    static RecordProtector protector(SecurityAssociation... sas) {
        InMemorySaRegistry r = new InMemorySaRegistry();
        for (SecurityAssociation sa : sas) {
            if (sa instanceof InboundSa in) {
                r.install(in);
            } else {
                r.install((OutboundSa) sa);
            }
        }
        return new RecordProtector(r);
    }

    /** Fuzz input as a CoAP message, or null when the codec refused it, which it may only do as MALFORMED. */
    static CoapMessage decodedOrMalformed(byte[] input) {
        try {
            return CoapCodec.decode(input, 0, input.length);
        } catch (RecSecException e) {
            org.junit.jupiter.api.Assertions.assertEquals(RecSecException.Reason.MALFORMED, e.reason(),
                    e::getMessage);
            return null;
        }
    }

    /** What the client kept of the request the fuzzed responses answer. */
    static ProtectedRequest pendingRequest() {
        CoapMessage outer = new CoapMessage(CoapMessage.TYPE_CON, 0x02, 0x7001, TOKEN,
                List.of(CoapOption.ofUint(OptionNumbers.RECORD_SECURITY, C2S_SPI)), new byte[0]);
        return new ProtectedRequest(outer, REQUEST_SEQUENCE, SERVER, CLIENT);
    }

    /** A request as the client application writes it, with a Class U option, Class E options and a payload. */
    static CoapMessage request(int code, byte[] token, List<CoapOption> options, byte[] payload) {
        return new CoapMessage(CoapMessage.TYPE_CON, code, 0x1234, token, options, payload);
    }

    /** The wire bytes of {@code request} protected with sequence number {@code seq}. */
    static byte[] protectedRequest(CoapMessage request, long seq) throws RecSecException {
        return CoapCodec.encode(protector(c2sOut(seq)).protectRequest(request, CLIENT, SERVER).outer());
    }

    /** The wire bytes of {@code response} protected with {@code seq}, bound to request sequence {@code bound}. */
    static byte[] protectedResponse(CoapMessage response, long seq, long bound) throws RecSecException {
        return CoapCodec.encode(protector(s2cOut(seq)).protectResponse(response,
                new RequestContext(SERVER.asLocal(), CLIENT.asPeer(), bound)));
    }

    static CoapMessage genericRequest() {
        return request(0x01, hex("0102"), List.of(CoapOption.ofString(OptionNumbers.URI_HOST, "sensor.example"),
                CoapOption.ofString(OptionNumbers.URI_PATH, "temp")), new byte[0]);
    }

    static CoapMessage genericResponse() {
        return new CoapMessage(CoapMessage.TYPE_ACK, 0x45, 0x7001, TOKEN,
                List.of(CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, 0)), "21.5 C".getBytes());
    }

    static byte[] hex(String s) {
        return org.recsec.record.internal.wire.Bytes.fromHex(s);
    }
}
