package org.recsec.cli.ticket;

import org.recsec.kmp.ticket.TicketClaims;

import org.recsec.kmp.ticket.Rfc8392VectorsTest;
import org.recsec.kmp.ticket.TestTickets;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

class TicketCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AS_KEY = "00112233445566778899aabbccddeeff";
    private static final String A21_KEY = "231f4c4d4d3051fdc2ec0a3851d5b383";
    private static final String A5 = Rfc8392VectorsTest.V.get("tokens").get("encrypted").get("hex").asText();

    record Result(int code, String out, String err) {
    }

    static Result run(long now, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new TicketCli(TestTickets.clockAt(now), TestTickets.seeded(now)).execute(args,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertRefused(Result r, String reasonText) {
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().endsWith("\n"));
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(reasonText), r.err());
    }

    @Test
    void a5OpensWithTheA21KeyAndPrintsTheA1Claims() throws Exception {
        Result r = run(TestTickets.T0, "inspect", "--key", A21_KEY, "--no-expiry", A5);
        assertEquals(0, r.code(), r.err());
        JsonNode c = JSON.readTree(r.out());
        assertEquals("coap://as.example.com", c.get("iss").asText());
        assertEquals("erikw", c.get("sub").asText());
        assertEquals("coap://light.example.com", c.get("aud").asText());
        assertEquals(1444064944L, c.get("exp").asLong());
        assertEquals(1443944944L, c.get("nbf").asLong());
        assertEquals(1443944944L, c.get("iat").asLong());
        assertEquals("0b71", c.get("cti").asText());
        assertEquals(7, c.size());
        // the audience is checked only when asked for
        assertEquals(0, run(TestTickets.T0, "inspect", "--key", A21_KEY, "--no-expiry", "--aud",
                "coap://light.example.com", A5).code());
        assertRefused(run(TestTickets.T0, "inspect", "--key", A21_KEY, "--no-expiry", "--aud", "coap://x", A5),
                "WRONG_AUDIENCE");
        // in 2023 the 2015 token has expired unless --no-expiry
        assertRefused(run(TestTickets.T0, "inspect", "--key", A21_KEY, A5), "EXPIRED");
        assertEquals(0, run(1444000000L, "inspect", "--key", A21_KEY, A5).code());
        assertRefused(run(1443944943L, "inspect", "--key", A21_KEY, A5), "NOT_YET_VALID");
    }

    @Test
    void a4AndA7MacedCwtsOpenToo() throws Exception {
        String a22 = "403697de87af64611c1d32a05dab0fe1fcb715a86ab435f1ec99192d79569388";
        Result a4 = run(TestTickets.T0, "inspect", "--key", a22, "--no-expiry",
                Rfc8392VectorsTest.V.get("tokens").get("maced").get("hex").asText());
        assertEquals(0, a4.code(), a4.err());
        assertEquals("erikw", JSON.readTree(a4.out()).get("sub").asText());
        Result a7 = run(TestTickets.T0, "inspect", "--key", a22,
                Rfc8392VectorsTest.V.get("tokens").get("maced_float").get("hex").asText());
        assertEquals(0, a7.code(), a7.err());
        assertEquals(1443944944.5, JSON.readTree(a7.out()).get("iat").asDouble());
        assertTrue(a7.out().contains("1443944944.5"), a7.out());
    }

    @Test
    void tamperedOrWrongKeyIsRefused() {
        byte[] t = Bytes.fromHex(A5);
        t[t.length - 1] ^= 1;
        assertRefused(run(TestTickets.T0, "inspect", "--key", A21_KEY, "--no-expiry", Bytes.toHex(t)), "BAD_TAG");
        assertRefused(run(TestTickets.T0, "inspect", "--key", AS_KEY, "--no-expiry", A5), "BAD_TAG");
        assertRefused(run(TestTickets.T0, "inspect", "--key", A21_KEY, "--no-expiry", "d0"), "MALFORMED_CBOR");
        assertRefused(run(TestTickets.T0, "inspect", "--key", A21_KEY, "--no-expiry",
                Rfc8392VectorsTest.V.get("tokens").get("signed").get("hex").asText()), "UNSUPPORTED_ALG");
    }

    @Test
    void issueThenInspectRoundTrip() throws Exception {
        Result issued = run(TestTickets.T0, "issue", "--as-key", AS_KEY, "--aud", "coap://rs.example", "--exp",
                "3600", "--iss", "coap://as.example", "--kid", "a5", "--suite", "ccab", "--replay-window", "128",
                "--hard-seconds", "600");
        assertEquals(0, issued.code(), issued.err());
        JsonNode i = JSON.readTree(issued.out());
        String ticket = i.get("ticket").asText();
        String cnfKey = i.get("cnf_key").asText();
        assertEquals(TestTickets.T0 + 3600, i.get("exp").asLong());

        // the library validator accepts what the CLI issued, with the printed cnf key
        TicketClaims claims = TestTickets.validator(TestTickets.T0 + 1).validate(Bytes.fromHex(ticket));
        assertTrue(claims.cnfKey().equalsSecret(SecretBytes.copyOf(Bytes.fromHex(cnfKey))));
        assertEquals(org.recsec.record.base.CipherSuite.CHACHA20_POLY1305, claims.sa().suite());
        assertEquals(128, claims.sa().replayWindow());
        assertEquals(600, claims.sa().hardLifetimeSeconds());

        Result inspected = run(TestTickets.T0 + 1, "inspect", "--key", AS_KEY, "--aud", "coap://rs.example", ticket);
        assertEquals(0, inspected.code(), inspected.err());
        assertFalse(inspected.out().contains(cnfKey), "cnf key must be redacted");
        JsonNode c = JSON.readTree(inspected.out());
        assertEquals("coap://as.example", c.get("iss").asText());
        assertEquals(i.get("cti").asText(), c.get("cti").asText());
        assertEquals("redacted", c.get("cnf").get("COSE_Key").get("k").asText());
        assertEquals(4, c.get("cnf").get("COSE_Key").get("kty").asInt());
        assertEquals("ccab", c.get("recsec_suite").asText());
        assertEquals(128, c.get("recsec_replay_window").asInt());

        Result shown = run(TestTickets.T0 + 1, "inspect", "--key", AS_KEY, "--show-key", ticket);
        assertEquals(cnfKey, JSON.readTree(shown.out()).get("cnf").get("COSE_Key").get("k").asText());

        assertRefused(run(TestTickets.T0 + 3600, "inspect", "--key", AS_KEY, ticket), "EXPIRED");
    }

    @Test
    void helpAndWrongArguments() {
        for (List<String> help : List.of(List.of("--help"), List.of("issue", "--help"), List.of("inspect", "--help"))) {
            Result r = run(TestTickets.T0, help.toArray(new String[0]));
            assertEquals(0, r.code());
            assertTrue(r.out().startsWith("usage: ticket issue"), r.out());
        }
        assertRefused(run(TestTickets.T0), "missing subcommand");
        assertRefused(run(TestTickets.T0, "frobnicate"), "unknown subcommand");
        assertRefused(run(TestTickets.T0, "issue", "--aud", "x", "--exp", "1"), "missing --as-key");
        assertRefused(run(TestTickets.T0, "issue", "--as-key", "0011", "--aud", "x", "--exp", "1"), "16 bytes");
        assertRefused(run(TestTickets.T0, "issue", "--as-key", AS_KEY, "--aud", "x", "--exp", "soon"), "not a number");
        assertRefused(run(TestTickets.T0, "issue", "--as-key", AS_KEY, "--aud", "x", "--exp", "0"), "at least 1");
        assertRefused(run(TestTickets.T0, "issue", "--as-key", AS_KEY, "--aud", "x", "--exp", "9223372036854775807"),
                "--exp");
        assertRefused(run(TestTickets.T0, "issue", "--as-key", AS_KEY, "--aud", "x", "--exp", "5", "--suite", "1234"),
                "--suite");
        assertRefused(run(TestTickets.T0, "issue", "--as-key", AS_KEY, "--aud", "x", "--exp", "5", "--profile", "y"),
                "bad SA parameters");
        assertRefused(run(TestTickets.T0, "issue", "--as-key", "zz", "--aud", "x", "--exp", "5"), "not hex");
        assertRefused(run(TestTickets.T0, "issue", "--as-key", AS_KEY, "--aud", "x", "--aud", "y", "--exp", "5"),
                "twice");
        assertRefused(run(TestTickets.T0, "issue", "--as-key", AS_KEY, "--aud", "x", "--exp", "5", "--bogus"),
                "unknown option");
        assertRefused(run(TestTickets.T0, "inspect", "--key", AS_KEY), "exactly one");
        assertRefused(run(TestTickets.T0, "inspect", "--key", AS_KEY, "a", "b"), "exactly one");
        assertRefused(run(TestTickets.T0, "inspect", "--key"), "needs a value");
        assertRefused(run(TestTickets.T0, "inspect", "--key", AS_KEY, "abc"), "not hex");
        // a refusal never echoes the key
        Result r = run(TestTickets.T0, "inspect", "--key", AS_KEY, "--no-expiry", A5);
        assertFalse(r.err().contains(AS_KEY));
    }
}
