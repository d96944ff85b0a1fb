package org.recsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.recsec.vectors.SpecVectors;

/**
 * The CLI contract of issue 15: {@code recsec protect --profile compact --suite 1305 --secret HEX32 --spi HEX
 * --seq N} and {@code recsec unprotect --profile compact --suite 1305 --secret HEX32 --spi HEX [--request-seq N]},
 * byte for byte with message-compact.json.
 */
class ProtectCompactCommandTest {

    static Stream<JsonNode> vectors() {
        return SpecVectors.vectors("message-compact.json").stream();
    }

    private static String[] args(String verb, JsonNode v) {
        List<String> a = new ArrayList<>(List.of(verb, "--profile", "compact", "--suite", v.get("suite").asText(),
                "--secret", v.get("secret").asText(), "--spi", Long.toHexString(v.get("spi").asLong())));
        if (verb.equals("protect")) {
            a.add("--seq");
            a.add(v.get("seq").asText());
        }
        if (v.has("request_sequence")) {
            a.add("--request-seq");
            a.add(Long.toString(v.get("request_sequence").asLong() & 0xffff_ffff_ffffL));
        }
        return a.toArray(new String[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void protectMatchesAndUnprotectReturnsThePlainMessage(JsonNode v) {
        ProtectCommandTest.Result p = ProtectCommandTest.run(v.get("plain").asText() + "\n", args("protect", v));
        assertEquals(0, p.code(), p.err());
        assertEquals(v.get("protected").asText() + "\n", p.out());
        ProtectCommandTest.Result u = ProtectCommandTest.run(p.out(), args("unprotect", v));
        assertEquals(0, u.code(), u.err());
        if (!v.get("name").asText().contains("Proxy-Uri")) {
            assertEquals(v.get("plain").asText() + "\n", u.out());
        }
        ProtectCommandTest.Result replay = ProtectCommandTest.run(p.out() + p.out(), args("unprotect", v));
        assertEquals(1, replay.code());
        assertTrue(replay.err().contains("REPLAY"), replay.err());
    }

    @Test
    void wrongArgumentsAreUsageErrors() {
        String secret = "00".repeat(32);
        assertEquals(2, ProtectCommandTest.run("", "protect", "--profile", "compact", "--suite", "c0a8", "--secret",
                secret, "--spi", "1", "--seq", "0").code());
        assertEquals(2, ProtectCommandTest.run("", "protect", "--profile", "compact", "--suite", "1305", "--secret",
                "00", "--spi", "1", "--seq", "0").code());
        assertEquals(2, ProtectCommandTest.run("", "protect", "--profile", "compact", "--suite", "1305", "--key",
                "00", "--secret", secret, "--spi", "1", "--seq", "0").code());
        assertEquals(2, ProtectCommandTest.run("", "protect", "--profile", "tls", "--suite", "1305").code());
    }
}
