package org.recsec.kmp.ticket.fuzz;

import org.recsec.testsupport.FuzzSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.recsec.kmp.ticket.AsKey;
import org.recsec.kmp.ticket.ClaimsJson;
import org.recsec.kmp.ticket.CwtInspector;
import org.recsec.kmp.ticket.ReplayCache;
import org.recsec.kmp.ticket.TicketValidator;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.kmp.ticket.internal.CborReader;
import org.recsec.kmp.ticket.internal.CborValue;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

/**
 * Coverage-guided fuzzing of the ticket decoders: the CBOR reader, {@link TicketValidator#validate} and the CWT
 * inspector (reached through {@code ticket inspect}, its only entry point outside its package). Contract: only
 * {@link TicketException} escapes (the CLI turns it into exit code 2 and one line), nothing the reader returns is
 * larger than its input, and a refused ticket leaves no entry in the replay cache.
 */
class TicketFuzzTest {
    /** The AS keys and times of spec-vectors ticket.json: its tickets validate, so the fuzzer starts past the tag. */
    static final AsKey AS1 = AsKey.of(Bytes.fromHex("fccc"),
            SecretBytes.copyOf(Bytes.fromHex("73d51abbd89cb8196f0efb6892f94d68")));
    static final AsKey AS2 = AsKey.of(Bytes.fromHex("eac3"),
            SecretBytes.copyOf(Bytes.fromHex("39722cbbf8b91a4b9045c5e6175f1001")));
    static final long NOW = 1_760_001_001L;
    static final String AUDIENCE = "coap://rs1.example";
    /** Keys for the inspector: the two AS keys and RFC 8392 A.2.1 Symmetric128 and A.2.2 Symmetric256. */
    static final List<String> INSPECT_KEYS = List.of("73d51abbd89cb8196f0efb6892f94d68",
            "39722cbbf8b91a4b9045c5e6175f1001", "231f4c4d4d3051fdc2ec0a3851d5b383",
            "403697de87af64611c1d32a05dab0fe1fcb715a86ab435f1ec99192d79569388");

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void cbor(byte[] input) {
        CborValue v;
        try {
            v = CborReader.decode(input);
        } catch (TicketException e) {
            assertEquals(TicketException.Reason.MALFORMED_CBOR, e.reason(), e::getMessage);
            return;
        }
        assertTrue(weight(v) <= input.length, "decoded item larger than its encoding");
    }

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void validate(byte[] input) throws TicketException {
        ReplayCache cache = new ReplayCache(16);
        TicketValidator validator = new TicketValidator(AUDIENCE, List.of(AS1, AS2),
                Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC), cache, 60);
        try {
            validator.validate(input);
        } catch (TicketException e) {
            assertEquals(0, cache.size(), "a refused ticket left a replay-cache entry");
            return;
        }
        assertEquals(1, cache.size());
        assertEquals(TicketException.Reason.REPLAYED,
                assertThrows(TicketException.class, () -> validator.validate(input)).reason());
    }

    /** First byte: which key; the rest: the CWT. What {@code recsec ticket inspect --no-expiry} runs. */
    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void inspect(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String key = INSPECT_KEYS.get((input[0] & 0xff) % INSPECT_KEYS.size());
        byte[] cwt = Arrays.copyOfRange(input, 1, input.length);
        try {
            CborValue.Map claims = CwtInspector.open(cwt, SecretBytes.copyOf(HexFormat.of().parseHex(key)), null, null);
            assertTrue(ClaimsJson.render(claims, false).startsWith("{"), "claims render as JSON");
        } catch (TicketException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty(), "a refusal names its cause");
        }
    }

    /** A lower bound on the bytes that encode {@code v}: one head byte per item plus string contents. */
    static long weight(CborValue v) {
        if (v instanceof CborValue.Bytes b) {
            return 1L + b.value().length;
        }
        if (v instanceof CborValue.Text t) {
            return 1L + t.value().getBytes(StandardCharsets.UTF_8).length;
        }
        if (v instanceof CborValue.Array a) {
            long n = 1;
            for (CborValue item : a.items()) {
                n += weight(item);
            }
            return n;
        }
        if (v instanceof CborValue.Map m) {
            long n = 1;
            for (CborValue.Entry e : m.entries()) {
                n += weight(e.key()) + weight(e.value());
            }
            return n;
        }
        if (v instanceof CborValue.Tag t) {
            return 1L + weight(t.content());
        }
        return 1;
    }
}
