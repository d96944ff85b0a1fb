package org.recsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.vectors.SpecVectors;

/**
 * Issue 12 item 8: every command that takes a key also takes it from a file or from standard input, with the same
 * result as the key on the command line (where other users can read it in /proc/PID/cmdline).
 */
class KeyFromFileOrStdinTest {

    private static List<String> protectArgs(JsonNode v, String... key) {
        List<String> a = new ArrayList<>(List.of("protect", "--suite", v.get("suite").asText()));
        a.addAll(List.of(key));
        a.addAll(List.of("--iv", v.get("iv").asText(), "--spi", Long.toHexString(v.get("spi").asLong()),
                "--epoch", v.get("epoch").asText(), "--seq", v.get("seq").asText()));
        if (v.has("request_sequence")) {
            a.add("--request-seq");
            a.add(v.get("request_sequence").asText());
        }
        return a;
    }

    @Test
    void protectTakesTheKeyFromAFileOrTheFirstLineOfStdin(@TempDir Path tmp) throws Exception {
        JsonNode v = SpecVectors.vectors("message-dtls12.json").get(0);
        String key = v.get("key").asText();
        String plain = v.get("plain").asText() + "\n";
        String expected = v.get("protected").asText() + "\n";
        Path f = tmp.resolve("k.hex");
        Files.writeString(f, "  0x" + key + "\n");
        ProtectCommandTest.Result fromFile = ProtectCommandTest.run(plain,
                protectArgs(v, "--key-file", f.toString()).toArray(new String[0]));
        assertEquals(0, fromFile.code(), fromFile.err());
        assertEquals(expected, fromFile.out());
        ProtectCommandTest.Result fromStdin = ProtectCommandTest.run(key + "\n" + plain,
                protectArgs(v, "--key", "-").toArray(new String[0]));
        assertEquals(0, fromStdin.code(), fromStdin.err());
        assertEquals(expected, fromStdin.out());
        ProtectCommandTest.Result both = ProtectCommandTest.run(plain,
                protectArgs(v, "--key", key, "--key-file", f.toString()).toArray(new String[0]));
        assertEquals(2, both.code());
        assertTrue(both.err().contains("not both"), both.err());
        Files.writeString(f, "not hex\n");
        ProtectCommandTest.Result bad = ProtectCommandTest.run(plain,
                protectArgs(v, "--key-file", f.toString()).toArray(new String[0]));
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("is not hex") && !bad.err().contains("not hex\n" + "not"), bad.err());
    }

    @Test
    void ticketInspectAndIssueTakeTheirKeysFromAFileOrStdin(@TempDir Path tmp) throws Exception {
        JsonNode rfc = SpecVectors.load("external/rfc8392/cwt_rfc8392_vectors.json");
        String key = rfc.get("keys").get("Symmetric128").get("k_hex").asText();
        String token = rfc.get("tokens").get("encrypted").get("hex").asText();
        Path f = tmp.resolve("as.hex");
        Files.writeString(f, key + "\n");
        ProtectCommandTest.Result fromFile = ProtectCommandTest.run("", "ticket", "inspect", "--key-file",
                f.toString(), "--no-expiry", token);
        assertEquals(0, fromFile.code(), fromFile.err());
        assertTrue(fromFile.out().contains("\"aud\":\"coap://light.example.com\""), fromFile.out());
        ProtectCommandTest.Result fromStdin = ProtectCommandTest.run(key + "\n", "ticket", "inspect", "--key", "-",
                "--no-expiry", token);
        assertEquals(0, fromStdin.code(), fromStdin.err());
        ProtectCommandTest.Result issued = ProtectCommandTest.run("", "ticket", "issue", "--as-key-file",
                f.toString(), "--aud", "coap://rs.example", "--exp", "60");
        assertEquals(0, issued.code(), issued.err());
        assertTrue(issued.out().startsWith("{\"ticket\":\""), issued.out());
    }
}
