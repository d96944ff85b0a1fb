package org.recsec.record.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.vectors.SpecVectors;

/**
 * Writes the seed inputs of this module's fuzz targets into the Jazzer inputs directories
 * ({@code src/test/resources/org/recsec/record/fuzz/<Class>Inputs/<method>/}). Run from the module directory
 * (FUZZING.md); the output is deterministic and committed, so CI never runs this.
 */
public final class SeedWriter {
    private static final Path BASE = Path.of("src/test/resources/org/recsec/record/fuzz");

    private SeedWriter() {
    }

    public static void main(String[] args) throws IOException, RecSecException {
        coap();
        records();
        unprotect();
        compact();
        cid();
    }

    /** Dtls12CidFuzzTest: every record-dtls12-cid.json vector in the open layout, genuine dtls12-cid requests. */
    private static void cid() throws IOException, RecSecException {
        List<CipherSuite> suites = java.util.Arrays.asList(CipherSuite.values());
        for (JsonNode v : SpecVectors.vectors("record-dtls12-cid.json")) {
            CipherSuite suite = CipherSuite.forCode(Integer.parseInt(v.get("suite").asText(), 16));
            write("Dtls12CidFuzzTest", "open", "vector-" + v.get("name").asText(), Dtls12CidFuzzTest.openSeed(
                    suites.indexOf(suite), SpecVectors.hex(v, "cid"), SpecVectors.hex(v, "key"),
                    SpecVectors.hex(v, "iv"), SpecVectors.hex(v, "record")));
        }
        write("Dtls12CidFuzzTest", "unprotectRequest", "genuine-11", Dtls12CidFuzzTest.unprotectSeed(11));
        write("Dtls12CidFuzzTest", "unprotectRequest", "genuine-300", Dtls12CidFuzzTest.unprotectSeed(300));
        write("Dtls12CidFuzzTest", "unprotectRequest", "replay-10", Dtls12CidFuzzTest.unprotectSeed(10));
    }

    /** CompactFuzzTest: every record-dtls13.json vector in the open layout, genuine compact requests. */
    private static void compact() throws IOException, RecSecException {
        CipherSuite[] suites = CipherSuite.values();
        for (JsonNode v : SpecVectors.vectors("record-dtls13.json")) {
            CipherSuite suite = CipherSuite.forTls13Code(Integer.parseInt(v.get("suite").asText(), 16));
            write("CompactFuzzTest", "open", "vector-" + v.get("name").asText(), CompactFuzzTest.openSeed(
                    java.util.Arrays.asList(suites).indexOf(suite), v.get("seq_bytes").asInt(),
                    SpecVectors.hex(v, "secret"), (int) v.get("expected_next").asLong() & 0xffff,
                    SpecVectors.hex(v, "record")));
        }
        write("CompactFuzzTest", "unprotectRequest", "genuine-11", CompactFuzzTest.unprotectSeed(11));
        write("CompactFuzzTest", "unprotectRequest", "genuine-300", CompactFuzzTest.unprotectSeed(300));
        write("CompactFuzzTest", "unprotectRequest", "replay-10", CompactFuzzTest.unprotectSeed(10));
        write("CompactFuzzTest", "unprotectResponse", "genuine-old-1", CompactFuzzTest.unprotectResponseSeed(false, 1));
        write("CompactFuzzTest", "unprotectResponse", "genuine-new-5", CompactFuzzTest.unprotectResponseSeed(true, 5));
        write("CompactFuzzTest", "unprotectResponse", "replay-new-0", CompactFuzzTest.unprotectResponseSeed(true, 0));
    }

    private static void coap() throws IOException {
        for (JsonNode v : SpecVectors.vectors("message-dtls12.json")) {
            String name = slug(v.get("name").asText());
            write("CoapCodecFuzzTest", "decode", "vector-plain-" + name, SpecVectors.hex(v, "plain"));
            write("CoapCodecFuzzTest", "decode", "vector-protected-" + name, SpecVectors.hex(v, "protected"));
            byte[] plain = SpecVectors.hex(v, "plain");
            int tkl = plain[0] & 0x0f;
            write("CoapCodecFuzzTest", "decodeBody", "vector-tail-" + name,
                    java.util.Arrays.copyOfRange(plain, 4 + tkl, plain.length));
        }
        // RFC 7252 Appendix A, Figure 16: CON GET /temperature, and a 2.05 with extended option forms.
        write("CoapCodecFuzzTest", "decode", "rfc7252-get", ProtectorFixture.hex("40017d34bb74656d7065726174757265"));
        write("CoapCodecFuzzTest", "decode", "extended-forms", ProtectorFixture.hex(
                "6445007b01020304d10aaae10100ff4142"));
        write("CoapCodecFuzzTest", "decodeBody", "extended-forms", ProtectorFixture.hex("d10aaae10100e1fe0001ff41"));
    }

    private static void records() throws IOException {
        CipherSuite[] suites = CipherSuite.values();
        for (JsonNode v : SpecVectors.vectors("record-dtls12.json")) {
            int code = Integer.parseInt(v.get("suite").asText(), 16);
            int index = -1;
            for (int i = 0; i < suites.length; i++) {
                if (suites[i].code() == code) {
                    index = i;
                }
            }
            byte[] key = SpecVectors.hex(v, "key");
            byte[] iv = SpecVectors.hex(v, "iv");
            byte[] record = SpecVectors.hex(v, "record");
            byte[] seed = new byte[1 + key.length + iv.length + record.length];
            seed[0] = (byte) index;
            System.arraycopy(key, 0, seed, 1, key.length);
            System.arraycopy(iv, 0, seed, 1 + key.length, iv.length);
            System.arraycopy(record, 0, seed, 1 + key.length + iv.length, record.length);
            write("RecordOpenFuzzTest", "open", "vector-" + v.get("name").asText(), seed);
        }
    }

    private static void unprotect() throws IOException, RecSecException {
        List<CoapMessage> requests = new ArrayList<>();
        requests.add(ProtectorFixture.genericRequest());
        requests.add(ProtectorFixture.request(0x02, ProtectorFixture.hex("aa"),
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "actuators"),
                        CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, 50)), "{\"on\":true}".getBytes()));
        requests.add(ProtectorFixture.request(0x01, ProtectorFixture.hex("0b0c0d0e0f101112"),
                List.of(CoapOption.ofUint(OptionNumbers.OBSERVE, 0),
                        CoapOption.ofString(OptionNumbers.URI_PATH, "obs")), new byte[0]));
        requests.add(ProtectorFixture.request(0x01, new byte[0],
                List.of(CoapOption.ofString(OptionNumbers.PROXY_URI, "coap://sensor.example:5683/a/b?x=1")),
                new byte[0]));
        long[] seqs = {0, 11, 70, (1L << 48) - 1};
        for (int i = 0; i < requests.size(); i++) {
            write("UnprotectFuzzTest", "unprotectRequest", "genuine-" + i + "-seq" + seqs[i],
                    ProtectorFixture.protectedRequest(requests.get(i), seqs[i]));
        }
        for (JsonNode v : SpecVectors.vectors("message-dtls12.json")) {
            write("UnprotectFuzzTest", "unprotectRequest", "vector-" + slug(v.get("name").asText()),
                    SpecVectors.hex(v, "protected"));
        }
        CoapMessage plain = ProtectorFixture.genericResponse();
        CoapMessage notification = plain.withOptions(List.of(CoapOption.ofUint(OptionNumbers.OBSERVE, 5),
                CoapOption.ofUint(OptionNumbers.MAX_AGE, 60)));
        write("UnprotectFuzzTest", "unprotectResponse", "genuine-seq3",
                ProtectorFixture.protectedResponse(plain, 3, ProtectorFixture.REQUEST_SEQUENCE));
        write("UnprotectFuzzTest", "unprotectResponse", "genuine-notification-seq12",
                ProtectorFixture.protectedResponse(notification, 12, ProtectorFixture.REQUEST_SEQUENCE));
        // Inner plaintexts (flags ‖ plaintext) of genuine messages, opened with the receiving key.
        for (int i = 0; i < requests.size(); i++) {
            byte[] wire = ProtectorFixture.protectedRequest(requests.get(i), 11);
            write("UnprotectFuzzTest", "innerPlaintext", "request-" + i,
                    inner(0x00 | (requests.get(i).hasOption(OptionNumbers.OBSERVE) ? 2 : 0), wire, true));
        }
        write("UnprotectFuzzTest", "innerPlaintext", "response", inner(0x01,
                ProtectorFixture.protectedResponse(plain, 11, ProtectorFixture.REQUEST_SEQUENCE), false));
        write("UnprotectFuzzTest", "innerPlaintext", "notification", inner(0x03,
                ProtectorFixture.protectedResponse(notification, 11, ProtectorFixture.REQUEST_SEQUENCE), false));
        // A genuine response to another request sent with the same token: must be refused by the binding.
        write("UnprotectFuzzTest", "unprotectResponse", "genuine-other-request-seq20",
                ProtectorFixture.protectedResponse(plain, 20, ProtectorFixture.REQUEST_SEQUENCE + 1));
    }

    private static byte[] inner(int flags, byte[] wire, boolean request) throws RecSecException {
        byte[] record = org.recsec.record.coap.CoapCodec.decode(wire, 0, wire.length).payload();
        byte[] pt = (request ? ProtectorFixture.c2sIn() : ProtectorFixture.s2cIn()).cipher()
                .open(record, 0, record.length);
        byte[] out = new byte[1 + pt.length];
        out[0] = (byte) flags;
        System.arraycopy(pt, 0, out, 1, pt.length);
        return out;
    }

    private static void write(String testClass, String method, String name, byte[] bytes) throws IOException {
        Path dir = BASE.resolve(testClass + "Inputs").resolve(method);
        Files.createDirectories(dir);
        Files.write(dir.resolve(slug(name)), bytes);
    }

    private static String slug(String s) {
        return s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-");
    }
}
