package org.recsec.wireshark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.vectors.SpecVectors;

/**
 * tshark with recsec.lua over a capture of random and mutated protected messages: no Lua error, with and without
 * the key file. The valid messages are the record-sec fuzz targets' seed corpora (genuine requests and responses
 * under {@code ProtectorFixture}'s SA pair), message-dtls12.json, and records of every profile from
 * {@link Records}; each is mutated many times (bit flips, byte rewrites, cuts, extensions, header fields set to
 * edge values), and pure random payloads sit behind a valid Record-Security option.
 */
class RecsecLuaFuzzTest {
    /** The seed: {@code -Drecsec.fuzz.seed=N} to replay or vary; every failure message names it. */
    private static final long SEED = Long.getLong("recsec.fuzz.seed", 0x13L);
    private static final int MUTANTS_PER_INPUT = 24;

    /** The record-sec fuzz corpora: every file under a {@code *FuzzTestInputs} directory of a record module. */
    static List<byte[]> seedCorpora() throws IOException {
        Path root = Tshark.PLUGIN.getParent().getParent().getParent();
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root, 14)) {
            for (Path p : s.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("/target/"))
                    .filter(p -> p.toString().contains("UnprotectFuzzTestInputs")
                            || p.toString().contains("CoapCodecFuzzTestInputs"))
                    .sorted().toList()) {
                out.add(Files.readAllBytes(p));
            }
        }
        return out;
    }

    static List<byte[]> validMessages(Random rnd, List<String> keyLines) throws IOException {
        List<byte[]> valid = new ArrayList<>(seedCorpora());
        assertTrue(valid.size() >= 10, "record-sec fuzz corpora not found (" + valid.size() + " files)");
        keyLines.add("RECSEC_SA 1001 c2s dtls12 c0a8 key=000102030405060708090a0b0c0d0e0f iv=a0a1a2a3");
        keyLines.add("RECSEC_SA 2002 s2c dtls12 c0a8 key=f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff iv=b0b1b2b3");
        for (JsonNode v : SpecVectors.vectors("message-dtls12.json")) {
            valid.add(SpecVectors.hex(v, "protected"));
        }
        long spi = 0x3000;
        for (Records.Suite12 s : Records.Suite12.values()) {
            byte[] key = bytes(rnd, s.keyBytes);
            byte[] iv = bytes(rnd, s.ivBytes);
            for (boolean cid : new boolean[] {false, true}) {
                String profile = cid ? "dtls12-cid" : "dtls12";
                keyLines.add(String.format("RECSEC_SA %x c2s %s %s key=%s iv=%s", spi, profile, s.code,
                        Records.hex(key), Records.hex(iv)));
                valid.add(Records.outer(true, 1, spi, Records.dtls12(s, key, iv, 1, rnd.nextInt(1000),
                        cid ? Records.u(spi, 4) : null, Records.innerPlaintext(2, "fuzz " + profile))));
                spi++;
            }
        }
        for (Records.Suite13 s : Records.Suite13.values()) {
            byte[] secret = bytes(rnd, 32);
            keyLines.add(String.format("RECSEC_SA %x c2s compact %s secret=%s", spi, s.code, Records.hex(secret)));
            for (int bits : new int[] {8, 16}) {
                valid.add(Records.outer(true, 1, spi, Records.compact(s, secret, 1, rnd.nextInt(70000), bits,
                        Records.compactInnerPlaintext(2, "fuzz compact " + bits))));
            }
            spi++;
        }
        return valid;
    }

    static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** Offset of the payload (the record) in a CoAP message, or -1. */
    static int payloadOffset(byte[] m) {
        if (m.length < 4) {
            return -1;
        }
        for (int i = 4 + (m[0] & 0x0f); i < m.length; i++) {
            if ((m[i] & 0xff) == 0xff) {
                return i + 1 < m.length ? i + 1 : -1;
            }
        }
        return -1;
    }

    static byte[] mutate(Random rnd, byte[] in) {
        byte[] m = in.clone();
        int rec = payloadOffset(m);
        int kind = rnd.nextInt(9);
        switch (kind) {
            case 0 -> { // flip one bit, anywhere
                int i = rnd.nextInt(m.length);
                m[i] ^= (byte) (1 << rnd.nextInt(8));
            }
            case 1 -> { // rewrite a few bytes
                for (int n = 1 + rnd.nextInt(4); n > 0; n--) {
                    m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                }
            }
            case 2 -> m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length + 1)); // cut
            case 3 -> m = Records.concat(m, bytes(rnd, 1 + rnd.nextInt(40))); // extend
            case 4 -> { // the record's first byte: every profile and the unknown ones
                if (rec > 0) {
                    int[] firsts = {0x17, 0x19, 0x20, 0x28, 0x2c, 0x3f, 0x30, 0x34, 0x00, 0xff, 0x40};
                    m[rec] = (byte) firsts[rnd.nextInt(firsts.length)];
                }
            }
            case 5 -> { // a length or CID position set to an edge value
                if (rec > 0) {
                    int i = rec + 1 + rnd.nextInt(Math.max(1, Math.min(16, m.length - rec - 1)));
                    if (i < m.length) {
                        m[i] = (byte) (rnd.nextBoolean() ? 0xff : 0x00);
                    }
                }
            }
            case 6 -> { // the record cut to a short length
                if (rec > 0) {
                    m = java.util.Arrays.copyOf(m, Math.min(m.length, rec + rnd.nextInt(20)));
                }
            }
            case 7 -> { // random record behind the header and options
                if (rec > 0) {
                    m = Records.concat(java.util.Arrays.copyOf(m, rec), bytes(rnd, rnd.nextInt(80)));
                }
            }
            default -> { // the Record-Security option's length nibble
                for (int i = 4; i + 2 < m.length; i++) {
                    if ((m[i] & 0xf0) == 0xe0 && (m[i + 1] & 0xff) == 0xfc && (m[i + 2] & 0xff) == 0xdc) {
                        m[i] = (byte) (0xe0 | rnd.nextInt(16));
                        break;
                    }
                }
            }
        }
        return m;
    }

    @Test
    void mutatedAndRandomMessagesNeverRaiseALuaError(@TempDir Path dir) throws Exception {
        Random rnd = new Random(SEED);
        List<String> keyLines = new ArrayList<>();
        List<byte[]> valid = validMessages(rnd, keyLines);
        List<Pcap.Datagram> datagrams = new ArrayList<>();
        for (byte[] v : valid) {
            datagrams.add(new Pcap.Datagram(v, rnd.nextBoolean()));
            for (int k = 0; k < MUTANTS_PER_INPUT; k++) {
                byte[] m = v;
                for (int rounds = 1 + rnd.nextInt(3); rounds > 0 && m.length > 0; rounds--) {
                    m = mutate(rnd, m);
                }
                datagrams.add(new Pcap.Datagram(m, rnd.nextBoolean()));
            }
        }
        // pure random records behind a valid option, with each profile's first byte
        for (int k = 0; k < 400; k++) {
            byte[] record = bytes(rnd, 1 + rnd.nextInt(60));
            record[0] = (byte) new int[] {0x17, 0x19, 0x20 + rnd.nextInt(32), rnd.nextInt(256)}[rnd.nextInt(4)];
            datagrams.add(new Pcap.Datagram(Records.outer(rnd.nextBoolean(), k, 0x1001 + rnd.nextInt(2) * 0xfff1L,
                    record), true));
        }
        Path pcap = dir.resolve("fuzz.pcap");
        Path keys = dir.resolve("keys.txt");
        Pcap.write(pcap, datagrams);
        Files.write(keys, keyLines);
        // the same datagrams off port 5683: through the plugin's UDP heuristic
        Path offPort = dir.resolve("fuzz-ports.pcap");
        Pcap.write(offPort, datagrams, 41000, 42000);
        String seed = " (seed " + SEED + ", -Drecsec.fuzz.seed to replay)";
        String keep = System.getProperty("recsec.fuzz.keep");
        if (keep != null) { // -Drecsec.fuzz.keep=DIR: the capture and key file, to open in Wireshark
            Files.createDirectories(Path.of(keep));
            Files.copy(pcap, Path.of(keep, "fuzz.pcap"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(keys, Path.of(keep, "keys.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        for (Path k : new Path[] {null, keys}) {
            Tshark.Result r = Tshark.run(pcap, k, "-V");
            assertEquals(0, r.exit(), r.err() + seed);
            try {
                Tshark.assertNoLuaError(r);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + seed, e);
            }
            assertEquals("", Tshark.framesWithLuaErrors(pcap, k), "frames with a Lua error" + seed);
            int frames = countOf(r.out(), "\nFrame ");
            int dissected = countOf(r.out(), "\nCoAP Record Security (recsec)");
            assertEquals(datagrams.size(), frames + (r.out().startsWith("Frame ") ? 1 : 0), "frames" + seed);
            // not vacuous: most inputs still reach the plugin (mutations may break the CoAP framing)
            assertTrue(dissected > datagrams.size() / 2, dissected + " of " + datagrams.size() + seed);
            if (k != null) {
                assertTrue(r.out().contains("Record decrypted with the key file"), "valid ones decrypt" + seed);
                assertTrue(r.out().contains("Record does not authenticate"), "mutants fail the tag" + seed);
            }
        }
        Tshark.Result r = Tshark.run(offPort, keys, "-V");
        assertEquals(0, r.exit(), r.err() + seed);
        try {
            Tshark.assertNoLuaError(r);
        } catch (AssertionError e) {
            throw new AssertionError("off port 5683: " + e.getMessage() + seed, e);
        }
        assertEquals("", Tshark.framesWithLuaErrors(offPort, keys), "frames with a Lua error off 5683" + seed);
        assertTrue(countOf(r.out(), "\nCoAP Record Security (recsec)") > datagrams.size() / 3,
                "the heuristic finds protected messages off port 5683" + seed);
    }

    /** The check above can fail: a postdissector that raises a Lua error is caught by it. */
    @Test
    void aLuaErrorIsDetected(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("broken.lua");
        Files.writeString(script, "local p = Proto('broken', 'Broken')\n"
                + "function p.dissector(tvb, pinfo, tree) local x = nil; return x.y end\n"
                + "register_postdissector(p)\n");
        Path pcap = dir.resolve("one.pcap");
        Pcap.write(pcap, List.of(new Pcap.Datagram(Records.outer(true, 1, 1, new byte[] {0x17}), true)));
        Tshark.Result r = Tshark.runScript(script, pcap, null, "-V");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Constrained Application Protocol"), r.out());
        assertThrows(AssertionError.class, () -> Tshark.assertNoLuaError(r));
        Tshark.Result filtered = Tshark.runScript(script, pcap, null, "-Y", "_ws.lua.error");
        assertEquals(1, filtered.rows().size(), filtered.out());
    }

    private static int countOf(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
