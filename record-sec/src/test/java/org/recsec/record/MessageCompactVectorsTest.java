package org.recsec.record;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.crypto.Rfc9147Reference;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.vectors.SpecVectors;

/**
 * spec-vectors/vectors/message-compact.json: our protector reproduces and opens every vector, and the independent
 * RFC 9147 implementation opens each record to the inner plaintext {@code code ‖ ...} of the plain message (the
 * compact profile has no {@code 000000VV} byte; responses with the request's record number appended to the AAD).
 * Requests carry their SPI in the Record-Security option, responses an empty one.
 */
class MessageCompactVectorsTest {
    private static final LocalId LOCAL = LocalId.of("local");
    private static final PeerId PEER = PeerId.of("peer");

    static Stream<JsonNode> vectors() {
        return SpecVectors.vectors("message-compact.json").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void protectReproducesUnprotectReturnsAndTheReferenceOpens(JsonNode v) throws Exception {
        String name = v.get("name").asText();
        CipherSuite suite = CipherSuite.forTls13Code(Integer.parseInt(v.get("suite").asText(), 16));
        byte[] secret = SpecVectors.hex(v, "secret");
        byte[] plainBytes = SpecVectors.hex(v, "plain");
        byte[] prot = SpecVectors.hex(v, "protected");
        CoapMessage plain = CoapCodec.decode(plainBytes, 0, plainBytes.length);
        CoapMessage outer = CoapCodec.decode(prot, 0, prot.length);
        long spi = v.get("spi").asLong();
        int epoch = v.get("epoch").asInt();
        long seq = v.get("seq").asLong();
        long binding = v.has("request_sequence") ? v.get("request_sequence").asLong() : -1;

        InMemorySaRegistry out = new InMemorySaRegistry();
        out.install(ManualSa.outbound(suite).profile(RecordProfile.COMPACT).spi(spi).epoch(epoch).firstSequence(seq)
                .route(LOCAL, PEER).secret(SecretBytes.copyOf(secret)).build());
        RecordProtector po = new RecordProtector(out);
        CoapMessage again = plain.isRequest() ? po.protectRequest(plain, LOCAL, PEER).outer()
                : po.protectResponse(plain, new RequestContext(LOCAL, PEER, binding));
        assertEquals(Bytes.toHex(prot), Bytes.toHex(CoapCodec.encode(again)), name);
        assertEquals(plain.isRequest() ? spi : 0, outer.option(OptionNumbers.RECORD_SECURITY).orElseThrow().uintValue(),
                name);
        if (plain.isResponse()) {
            assertEquals(0, outer.option(OptionNumbers.RECORD_SECURITY).orElseThrow().length(), name + ": empty");
        }

        InMemorySaRegistry in = new InMemorySaRegistry();
        in.install(ManualSa.inbound(suite).profile(RecordProfile.COMPACT).spi(spi).epoch(epoch).route(LOCAL, PEER)
                .secret(SecretBytes.copyOf(secret)).build());
        RecordProtector pi = new RecordProtector(in);
        byte[] extra = null;
        if (plain.isRequest()) {
            CoapMessage got = pi.unprotectRequest(outer).message();
            if (!plain.hasOption(OptionNumbers.PROXY_URI)) {
                assertEquals(plain, got, name);
            }
        } else {
            assertEquals(plain, pi.unprotectResponse(outer, new ProtectedRequest(outer.withCode(1), binding, PEER,
                    LOCAL)), name);
            extra = new byte[8];
            for (int i = 0; i < 8; i++) {
                extra[i] = (byte) (binding >>> (56 - 8 * i));
            }
        }
        Rfc9147Reference.Opened ref = Rfc9147Reference.open(suite.tls13Code(), secret, outer.payload(), seq, extra);
        assertEquals(seq, ref.seq(), name);
        assertEquals(23, ref.type(), name);
        assertEquals(plain.code(), ref.content()[0] & 0xff, name + ": inner code, first");
        if (plain.payloadLength() > 0) {
            byte[] c = ref.content();
            assertArrayEquals(plain.payload(), Arrays.copyOfRange(c, c.length - plain.payloadLength(), c.length),
                    name + ": payload at the end of the content");
        }
        assertTrue(outer.payloadLength() <= plainBytes.length + 64);
    }
}
