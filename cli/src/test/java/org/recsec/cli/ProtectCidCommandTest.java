package org.recsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.vectors.SpecVectors;

/**
 * {@code recsec protect/unprotect --profile dtls12-cid}: the dtls12 arguments, RFC 9146 records. Each message of
 * message-dtls12.json is protected under the cid profile: the record is the dtls12 one plus the CID (the SPI, 4
 * bytes) and the inner content type, unprotect gives the plain message back, and the other profile refuses it.
 */
class ProtectCidCommandTest {

    static Stream<JsonNode> vectors() {
        return SpecVectors.vectors("message-dtls12.json").stream()
                .filter(v -> !v.get("name").asText().contains("Proxy-Uri"));
    }

    private static String[] args(String verb, String profile, JsonNode v) {
        List<String> a = new ArrayList<>(List.of(verb, "--profile", profile, "--suite", v.get("suite").asText(),
                "--key", v.get("key").asText(), "--iv", v.get("iv").asText(),
                "--spi", Long.toHexString(v.get("spi").asLong()), "--epoch", v.get("epoch").asText(),
                "--seq", v.get("seq").asText()));
        if (v.has("request_sequence")) {
            a.add("--request-seq");
            a.add(v.get("request_sequence").asText());
        }
        return a.toArray(new String[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void protectsAsRfc9146RecordsAndUnprotects(JsonNode v) throws Exception {
        String plain = v.get("plain").asText();
        ProtectCommandTest.Result r = ProtectCommandTest.run(plain + "\n", args("protect", "dtls12-cid", v));
        assertEquals(0, r.code(), r.err());
        byte[] wire = HexFormat.of().parseHex(r.out().strip());
        CoapMessage m = CoapCodec.decode(wire, 0, wire.length);
        byte[] record = m.payload();
        assertEquals(25, record[0] & 0xff, "tls12_cid");
        long cid = ((record[11] & 0xffL) << 24) | ((record[12] & 0xff) << 16) | ((record[13] & 0xff) << 8)
                | (record[14] & 0xff);
        assertEquals(v.get("spi").asLong(), cid, "CID = the SPI");
        // Same inner plaintext as the dtls12 vector: 4 CID bytes and 1 inner type byte more on the wire.
        assertEquals(v.get("protected").asText().length() / 2 + 5, wire.length);

        ProtectCommandTest.Result back = ProtectCommandTest.run(r.out(), args("unprotect", "dtls12-cid", v));
        assertEquals(0, back.code(), back.err());
        assertEquals(plain + "\n", back.out());

        ProtectCommandTest.Result wrong = ProtectCommandTest.run(r.out(), args("unprotect", "dtls12", v));
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("MALFORMED"), wrong.err());
        ProtectCommandTest.Result other = ProtectCommandTest.run(v.get("protected").asText() + "\n",
                args("unprotect", "dtls12-cid", v));
        assertEquals(1, other.code());
        assertTrue(other.err().contains("MALFORMED"), other.err());
    }

    @Test
    void unknownProfileIsAUsageError() {
        JsonNode v = vectors().findFirst().orElseThrow();
        ProtectCommandTest.Result r = ProtectCommandTest.run("", args("protect", "dtls12-cidx", v));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("dtls12-cid"), r.err());
    }
}
