package org.recsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.recsec.vectors.SpecVectors;

/** recsec protect/unprotect agree byte for byte with the library's vectors, and refuse what they must. */
class ProtectCommandTest {

    record Result(int code, String out, String err) {
    }

    static Result run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Recsec().run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Stream<JsonNode> vectors() {
        return SpecVectors.vectors("message-dtls12.json").stream();
    }

    private static String[] saArgs(String verb, JsonNode v) {
        List<String> a = new ArrayList<>(List.of(verb, "--suite", v.get("suite").asText(), "--key", v.get("key").asText(),
                "--iv", v.get("iv").asText(), "--spi", Long.toHexString(v.get("spi").asLong()),
                "--epoch", v.get("epoch").asText(), "--seq", v.get("seq").asText()));
        if (v.has("request_sequence")) {
            a.add("--request-seq");
            a.add(v.get("request_sequence").asText());
        }
        return a.toArray(new String[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void protectMatchesTheVector(JsonNode v) {
        Result r = run(v.get("plain").asText() + "\n", saArgs("protect", v));
        assertEquals(0, r.code(), r.err());
        assertEquals(v.get("protected").asText() + "\n", r.out());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void unprotectOpensTheVector(JsonNode v) {
        Result r = run(v.get("protected").asText() + "\n", saArgs("unprotect", v));
        assertEquals(0, r.code(), r.err());
        if (!v.get("name").asText().contains("Proxy-Uri")) {
            assertEquals(v.get("plain").asText() + "\n", r.out());
        }
        Result replay = run(v.get("protected").asText() + "\n" + v.get("protected").asText() + "\n", saArgs("unprotect", v));
        assertEquals(1, replay.code());
        assertTrue(replay.err().contains("REPLAY"), replay.err());
    }

    @Test
    void sequenceNumbersCountUpPerLine() {
        JsonNode v = SpecVectors.vectors("message-dtls12.json").get(0);
        String plain = v.get("plain").asText();
        Result r = run(plain + "\n" + plain + "\n", saArgs("protect", v));
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length);
        Result back = run(r.out(), saArgs("unprotect", v));
        assertEquals(0, back.code(), back.err());
        assertEquals(plain + "\n" + plain + "\n", back.out());
    }

    @Test
    void wrongArgumentsExitTwoWithOneLine() {
        Result r = run("", "protect", "--suite", "c0a8");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals(2, run("", "protect", "--bogus", "1").code());
        assertEquals(2, run("", "protect", "--suite", "beef", "--key", "00", "--iv", "00", "--spi", "1",
                "--epoch", "1", "--seq", "1").code());
        assertEquals(2, run("", "nosuchcommand").code());
        Result help = run("", "protect", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().startsWith("usage: recsec protect"));
    }

    @Test
    void garbageLinesAreReportedNotThrown() {
        JsonNode v = SpecVectors.vectors("message-dtls12.json").get(0);
        Result r = run("zz\n40\n" + v.get("protected").asText() + "\n", saArgs("unprotect", v));
        assertEquals(1, r.code());
        assertEquals(2, r.err().lines().count(), r.err());
        assertEquals(1, r.out().lines().count());
    }
}
