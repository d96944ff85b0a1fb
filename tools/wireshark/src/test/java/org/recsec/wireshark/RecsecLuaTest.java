package org.recsec.wireshark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.recsec.wireshark.Records.hex;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.vectors.SpecVectors;

/**
 * tshark with recsec.lua over captures of records of every profile and suite (built by {@link Records}, not by
 * the plugin's own code): the SPI, profile, epoch and sequence number fields, the inner message only with the key
 * file, expert info and never a Lua error for broken records.
 */
class RecsecLuaTest {
    /** One protected message of the capture and what tshark must show for it. */
    record Case(String profile, String suite, long spi, int epoch, long seq, byte[] datagram, boolean request,
                String text, String keyLine) {
    }

    static List<Case> cases;
    static Path pcap;
    static Path keys;

    @TempDir
    static Path dir;

    @BeforeAll
    static void capture() throws Exception {
        Random rnd = new Random(13);
        cases = new ArrayList<>();
        long spi = 0x10;
        int mid = 100;
        for (Records.Suite12 s : Records.Suite12.values()) {
            for (boolean cid : new boolean[] {false, true}) {
                byte[] key = random(rnd, s.keyBytes);
                byte[] iv = random(rnd, s.ivBytes);
                String profile = cid ? "dtls12-cid" : "dtls12";
                for (long seq : new long[] {0, 1, 0xffffffffffffL}) {
                    int epoch = seq == 1 ? 1 : 0x1234;
                    boolean request = seq != 1;
                    String text = "Hello " + profile + " " + s.code + " seq " + seq;
                    byte[] record = Records.dtls12(s, key, iv, epoch, seq, cid ? Records.u(spi, 4) : null,
                            Records.innerPlaintext(request ? 0x02 : 0x44, text));
                    cases.add(new Case(profile, s.code, spi, epoch, seq, Records.outer(request, mid++, spi, record),
                            request, text, String.format("RECSEC_SA %08x %s %s %s key=%s iv=%s", spi,
                            request ? "c2s" : "s2c", profile, s.code, hex(key), hex(iv))));
                }
                spi += 0x10;
            }
        }
        for (Records.Suite13 s : Records.Suite13.values()) {
            for (int seqBits : new int[] {8, 16}) {
                byte[] secret = random(rnd, 32);
                // reconstruction from the highest seen: increasing numbers, crossing the 8/16-bit wrap
                long[] seqs = seqBits == 8 ? new long[] {0, 1, 200, 255, 256, 300} : new long[] {5, 65535, 65537};
                for (long seq : seqs) {
                    String text = "Hello compact " + s.code + "/" + seqBits + " seq " + seq;
                    byte[] record = Records.compact(s, secret, 3, seq, seqBits,
                            Records.compactInnerPlaintext(0x02, text));
                    cases.add(new Case("compact", s.code, spi, 3, seq, Records.outer(true, mid++, spi, record), true,
                            text, String.format("RECSEC_SA %08x c2s compact %s secret=%s", spi, s.code,
                            hex(secret))));
                }
                spi += 0x10;
            }
        }
        List<Pcap.Datagram> datagrams = new ArrayList<>();
        List<String> lines = new ArrayList<>(List.of("# recsec key file written by RecsecLuaTest"));
        for (Case c : cases) {
            datagrams.add(new Pcap.Datagram(c.datagram(), c.request()));
            if (!lines.contains(c.keyLine())) {
                lines.add(c.keyLine());
            }
        }
        pcap = dir.resolve("profiles.pcap");
        keys = dir.resolve("keys.txt");
        Pcap.write(pcap, datagrams);
        Files.write(keys, lines);
    }

    private static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static final String[] FIELDS = {"recsec.spi", "recsec.profile", "recsec.epoch", "recsec.seq",
            "recsec.inner.text", "recsec.inner.code", "_ws.expert.group", "recsec.malformed", "_ws.malformed"};

    @Test
    void withoutKeysSpiProfileEpochAndSeqShowButNoText() throws Exception {
        List<String[]> rows = Tshark.fields(pcap, null, FIELDS);
        assertEquals(cases.size(), rows.size());
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String[] r = rows.get(i);
            String what = c.profile() + " " + c.suite() + " seq " + c.seq();
            assertEquals(Long.toString(c.spi()), r[0], what);
            assertEquals(c.profile(), r[1], what);
            // compact shows the epoch's low 2 bits and no sequence number (it is encrypted on the wire)
            assertEquals(Integer.toString(c.profile().equals("compact") ? c.epoch() & 3 : c.epoch()), r[2], what);
            assertEquals(c.profile().equals("compact") ? "" : Long.toString(c.seq()), r[3], what);
            assertEquals("", r[4], what);
            assertEquals("", r[7] + r[8], what + ": malformed");
        }
        Tshark.Result all = Tshark.run(pcap, null, "-V");
        Tshark.assertNoLuaError(all);
        for (Case c : cases) {
            assertFalse(all.out().contains(c.text()), c.text());
        }
    }

    @Test
    void withKeysTheInnerMessageAndTheFullSequenceNumberShow() throws Exception {
        List<String[]> rows = Tshark.fields(pcap, keys, FIELDS);
        assertEquals(cases.size(), rows.size());
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String[] r = rows.get(i);
            String what = c.profile() + " " + c.suite() + " seq " + c.seq() + ": " + String.join("|", r);
            assertEquals(Long.toString(c.spi()), r[0], what);
            assertEquals(c.profile(), r[1], what);
            assertEquals(Long.toString(c.seq()), r[3], what);
            assertEquals(c.text(), r[4], what);
            assertEquals(c.request() ? "0x02" : "0x44", r[5], what);
            assertEquals("", r[7] + r[8], what + ": malformed");
        }
        Tshark.Result all = Tshark.run(pcap, keys, "-V");
        Tshark.assertNoLuaError(all);
        for (Case c : cases) {
            assertTrue(all.out().contains(c.text()), c.text());
        }
        // and the inner message went through Wireshark's CoAP dissector: text/plain payload as line-based text
        assertTrue(all.out().contains("Line-based text data"), "inner CoAP subtree");
    }

    @Test
    void aWrongKeyIsReportedNotShown(@TempDir Path tmp) throws Exception {
        Path wrong = tmp.resolve("wrong.txt");
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(keys)) {
            // flip the last hex digit of every key and secret
            StringBuilder b = new StringBuilder();
            for (String field : l.split(" ")) {
                if (field.startsWith("key=") || field.startsWith("secret=")) {
                    char last = field.charAt(field.length() - 1);
                    field = field.substring(0, field.length() - 1) + (last == '0' ? '1' : '0');
                }
                b.append(b.length() == 0 ? "" : " ").append(field);
            }
            lines.add(b.toString());
        }
        Files.write(wrong, lines);
        Tshark.Result r = Tshark.run(pcap, wrong, "-V");
        Tshark.assertNoLuaError(r);
        for (Case c : cases) {
            assertFalse(r.out().contains(c.text()), c.text());
        }
        assertTrue(r.out().contains("Record does not authenticate"), "auth failure reported");
    }

    /** message-dtls12.json: the project's own vectors (made by record-sec) open with their keys. */
    @Test
    void specVectorsOpen(@TempDir Path tmp) throws Exception {
        List<JsonNode> vectors = SpecVectors.vectors("message-dtls12.json");
        // Two vectors share SPI 128 with different keys: one capture per SPI occupant.
        List<List<JsonNode>> rounds = new ArrayList<>();
        for (JsonNode v : vectors) {
            int round = 0;
            while (round < rounds.size() && rounds.get(round).stream()
                    .anyMatch(o -> o.get("spi").asLong() == v.get("spi").asLong())) {
                round++;
            }
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(v);
        }
        int checked = 0;
        for (List<JsonNode> round : rounds) {
            List<Pcap.Datagram> d = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            for (JsonNode v : round) {
                d.add(new Pcap.Datagram(SpecVectors.hex(v, "protected"), true));
                lines.add(String.format("RECSEC_SA %x c2s dtls12 %s key=%s iv=%s", v.get("spi").asLong(),
                        v.get("suite").asText(), v.get("key").asText(), v.get("iv").asText()));
            }
            Path p = tmp.resolve("vectors" + checked + ".pcap");
            Path k = tmp.resolve("vectors" + checked + ".txt");
            Pcap.write(p, d);
            Files.write(k, lines);
            List<String[]> rows = Tshark.fields(p, k, "recsec.spi", "recsec.epoch", "recsec.seq", "recsec.inner",
                    "recsec.decrypted");
            assertEquals(round.size(), rows.size());
            for (int i = 0; i < round.size(); i++) {
                JsonNode v = round.get(i);
                String[] r = rows.get(i);
                String name = v.get("name").asText();
                assertEquals(v.get("spi").asText(), r[0], name);
                assertEquals(v.get("epoch").asText(), r[1], name);
                assertEquals(v.get("seq").asText(), r[2], name);
                byte[] plain = SpecVectors.hex(v, "plain");
                // the inner plaintext starts with 000000VV ‖ code of the plain message
                String inner = r[3].replace(":", "");
                assertTrue(inner.startsWith(String.format("%02x%02x", (plain[0] & 0xff) >> 6, plain[1] & 0xff)),
                        name + ": " + inner);
                checked++;
            }
        }
        assertEquals(vectors.size(), checked);
    }

    /**
     * Every truncation of a valid message of each profile: expert info, never a Lua error. A compact record has no
     * length field, so a cut that leaves 16 or more bytes of ciphertext is only visible with the key (the tag fails).
     */
    @Test
    void truncatedRecordsAreMalformedNotLuaErrors(@TempDir Path tmp) throws Exception {
        Map<String, Case> onePerProfile = new HashMap<>();
        for (Case c : cases) {
            onePerProfile.putIfAbsent(c.profile(), c);
        }
        List<Pcap.Datagram> d = new ArrayList<>();
        List<Boolean> visibleWithoutKey = new ArrayList<>();
        for (Case c : onePerProfile.values()) {
            int recordStart = c.datagram().length - recordLength(c);
            for (int cut = recordStart + 1; cut < c.datagram().length; cut++) {
                d.add(new Pcap.Datagram(java.util.Arrays.copyOf(c.datagram(), cut), true));
                int seqBytes = (c.datagram()[recordStart] & 0x08) != 0 ? 2 : 1;
                visibleWithoutKey.add(!c.profile().equals("compact") || cut - recordStart - 1 - seqBytes < 16);
            }
        }
        Path p = tmp.resolve("cut.pcap");
        Pcap.write(p, d);
        for (Path k : new Path[] {null, keys}) {
            List<String[]> rows = Tshark.fields(p, k, "recsec.profile", "recsec.malformed", "recsec.auth_failed",
                    "recsec.inner.text");
            assertEquals(d.size(), rows.size());
            for (int i = 0; i < rows.size(); i++) {
                String[] r = rows.get(i);
                String what = (k == null ? "no key: " : "key: ") + String.join("|", r);
                assertFalse(r[0].isEmpty(), what);
                if (visibleWithoutKey.get(i)) {
                    assertFalse(r[1].isEmpty(), "not flagged malformed: " + what);
                } else {
                    assertTrue(k == null || !r[2].isEmpty(), "not flagged as failing authentication: " + what);
                }
                assertEquals("", r[3], what);
            }
        }
    }

    private static int recordLength(Case c) {
        byte[] d = c.datagram();
        for (int i = 4 + 2; i < d.length; i++) {
            if ((d[i] & 0xff) == 0xff) {
                return d.length - i - 1;
            }
        }
        throw new IllegalStateException();
    }

    /** Records that authenticate but hold a bad inner plaintext: expert info, no Lua error, no inner message. */
    @Test
    void authenticatedGarbageInsideIsMalformed(@TempDir Path tmp) throws Exception {
        byte[] key = hex("000102030405060708090a0b0c0d0e0f");
        byte[] iv = hex("a0a1a2a3");
        byte[] secret = new byte[32];
        byte[][] contents = {new byte[0], hex("01"), hex("ff02"), hex("0102f0"), hex("0102ff"), hex("0102d1"),
                hex("0145e8fcdd0102"), hex("0145e9fcdd010203040506070809")};
        List<Pcap.Datagram> d = new ArrayList<>();
        for (byte[] c : contents) {
            d.add(new Pcap.Datagram(Records.outer(true, 1, 0x71, Records.dtls12(Records.Suite12.C0A8, key, iv, 1, 1,
                    null, c)), true));
            d.add(new Pcap.Datagram(Records.outer(true, 1, 0x72, Records.dtls12(Records.Suite12.C0A8, key, iv, 1, 1,
                    Records.u(0x72, 4), c)), true));
        }
        // compact has no 000000VV byte: the same faults one byte earlier (and a code with an overrunning option)
        byte[][] compactContents = {new byte[0], hex("ff02"), hex("02f0"), hex("02ff"), hex("02d1"),
                hex("45e8fcdd0102"), hex("45e9fcdd010203040506070809")};
        for (byte[] c : compactContents) {
            d.add(new Pcap.Datagram(Records.outer(true, 1, 0x73, Records.compact(Records.Suite13.S1305, secret, 1, 1,
                    16, c)), true));
        }
        Path p = tmp.resolve("garbage.pcap");
        Path k = tmp.resolve("garbage.txt");
        Pcap.write(p, d);
        Files.write(k, List.of("RECSEC_SA 71 c2s dtls12 c0a8 key=" + hex(key) + " iv=" + hex(iv),
                "RECSEC_SA 72 c2s dtls12-cid c0a8 key=" + hex(key) + " iv=" + hex(iv),
                "RECSEC_SA 73 c2s compact 1305 secret=" + hex(secret)));
        List<String[]> rows = Tshark.fields(p, k, "recsec.profile", "recsec.decrypted", "recsec.inner.malformed",
                "recsec.inner.text");
        assertEquals(d.size(), rows.size());
        for (String[] r : rows) {
            String what = String.join("|", r);
            assertFalse(r[1].isEmpty(), "authenticates: " + what);
            assertFalse(r[2].isEmpty(), "inner malformed: " + what);
        }
    }

    /** dtls12-cid with the CID as the option's minimal SPI bytes (not 4): found from the length field. */
    @Test
    void aShortCidIsFoundFromTheLengthField(@TempDir Path tmp) throws Exception {
        byte[] key = hex("000102030405060708090a0b0c0d0e0f");
        byte[] iv = hex("a0a1a2a3");
        List<Pcap.Datagram> d = new ArrayList<>();
        long[] spis = {0x72, 0x1234, 0xabcdef};
        for (long spi : spis) {
            d.add(new Pcap.Datagram(Records.outer(true, 1, spi, Records.dtls12(Records.Suite12.A8, key, iv, 1, 9,
                    Records.minimal(spi), Records.innerPlaintext(2, "short cid " + spi))), true));
        }
        Path p = tmp.resolve("cid.pcap");
        Pcap.write(p, d);
        Path k = tmp.resolve("cid.txt");
        List<String> lines = new ArrayList<>();
        for (long spi : spis) {
            lines.add(String.format("RECSEC_SA %x c2s dtls12-cid 00a8 key=%s iv=%s cid=%s", spi, hex(key), hex(iv),
                    hex(Records.minimal(spi))));
        }
        Files.write(k, lines);
        for (Path keyFile : new Path[] {null, k}) {
            List<String[]> rows = Tshark.fields(p, keyFile, "recsec.spi", "recsec.cid", "recsec.seq",
                    "recsec.malformed", "recsec.inner.text");
            for (int i = 0; i < spis.length; i++) {
                String what = String.join("|", rows.get(i));
                assertEquals(Long.toString(spis[i]), rows.get(i)[0], what);
                assertEquals(hex(Records.minimal(spis[i])), rows.get(i)[1].replace(":", ""), what);
                assertEquals("9", rows.get(i)[2], what);
                assertEquals("", rows.get(i)[3], what);
                assertEquals(keyFile == null ? "" : "short cid " + spis[i], rows.get(i)[4], what);
            }
        }
    }

    /**
     * Off port 5683 (e.g. the demo on ephemeral ports) the plugin's UDP heuristic hands protected messages to the
     * CoAP dissector; other UDP traffic on those ports is left alone.
     */
    @Test
    void protectedMessagesOnAnyPortAreFound(@TempDir Path tmp) throws Exception {
        List<Pcap.Datagram> d = new ArrayList<>();
        for (Case c : cases) {
            d.add(new Pcap.Datagram(c.datagram(), c.request()));
        }
        byte[] notCoap = "not coap at all".getBytes(StandardCharsets.US_ASCII);
        d.add(new Pcap.Datagram(notCoap, true));
        // CoAP without Record-Security: not claimed either
        d.add(new Pcap.Datagram(hex("40010001b474657374"), true));
        Path p = tmp.resolve("ports.pcap");
        Pcap.write(p, d, 41000, 42000);
        List<String[]> rows = Tshark.fields(p, keys, "coap.mid", "recsec.spi", "recsec.seq", "recsec.inner.text");
        assertEquals(d.size(), rows.size());
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String what = String.join("|", rows.get(i));
            assertEquals(Long.toString(c.spi()), rows.get(i)[1], what);
            assertEquals(Long.toString(c.seq()), rows.get(i)[2], what);
            assertEquals(c.text(), rows.get(i)[3], what);
        }
        assertEquals("", String.join("", rows.get(cases.size())), "plain UDP stays undissected");
        assertEquals("", String.join("", rows.get(cases.size() + 1)), "CoAP without the option is not claimed");
    }

    /** A key file line that does not parse is named, with its line number, in the expert info. */
    @Test
    void keyFileErrorsAreShownAsExpertInfo(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.txt");
        Files.writeString(bad, "RECSEC_SA zz c2s dtls12 c0a8 key=00 iv=00\nRECSEC_SA 10 up dtls12 c0a8\n",
                StandardCharsets.UTF_8);
        Tshark.Result r = Tshark.run(pcap, bad, "-V");
        Tshark.assertNoLuaError(r);
        assertTrue(r.out().contains("line 1: SPI must be hex"), r.out().substring(0, 2000));
        assertTrue(r.out().contains("line 2: expected RECSEC_SA"), "line 2");
    }
}
