package org.recsec.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code recsec demo --pcap --keylog} read by tshark with tools/wireshark/recsec.lua: the SPI, epoch and sequence
 * number tshark shows for each datagram are the ones the demo printed, no packet is malformed, and the inner
 * "Hello, end-to-end CoAP!" shows only with the key file the demo wrote.
 */
class DemoWiresharkTest {
    private static final String TEXT = "Hello, end-to-end CoAP!";
    private static final Pattern SPI = Pattern.compile("outer: .*Record-Security=spi=0x([0-9a-f]+)");
    private static final Pattern RECORD = Pattern.compile("record: type \\d+ version fefd epoch (\\d+) seq (\\d+)");

    record Shown(int exit, String out, String err) {
    }

    /** The plugin from the module directory: the repository's tools/wireshark/recsec.lua. */
    static Path plugin() {
        Path p = Path.of("..", "tools", "wireshark", "recsec.lua").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(p), p.toString());
        return p;
    }

    static Shown tshark(Path pcap, Path keylog, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(), "-X",
                "lua_script:" + plugin(), "-o", "recsec.keylog_file:" + (keylog == null ? "" : keylog)));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("RECSEC_KEYLOG_FILE");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            Assumptions.assumeTrue("true".equals(System.getenv("CI")), "tshark is not installed here");
            throw e;
        }
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        Shown s = new Shown(exit, out, err.join());
        assertEquals(0, s.exit(), s.err());
        assertFalse(s.out().contains("Lua Error") || s.err().contains("Lua Error")
                || s.out().contains("recsec.lua: "), s.out() + s.err());
        return s;
    }

    /** "spi/epoch/seq" of every datagram the demo printed, sorted. */
    static List<String> printed(String demoOut) {
        List<String> spis = new ArrayList<>();
        List<String> records = new ArrayList<>();
        for (String line : demoOut.split("\n")) {
            Matcher m = SPI.matcher(line);
            if (m.find()) {
                spis.add(Long.toString(Long.parseLong(m.group(1), 16)));
            }
            Matcher r = RECORD.matcher(line);
            if (r.find()) {
                records.add(r.group(1) + "/" + r.group(2));
            }
        }
        assertEquals(spis.size(), records.size(), demoOut);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < spis.size(); i++) {
            out.add(spis.get(i) + "/" + records.get(i));
        }
        out.sort(null);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"manual", "ticket", "se"})
    void tsharkShowsWhatTheDemoPrintedAndTheInnerTextOnlyWithTheKeyFile(String kmp, @TempDir Path dir)
            throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        Path keylog = dir.resolve("demo.keys");
        DemoTest.Run run = DemoTest.demo("--kmp", kmp, "--pcap", pcap.toString(), "--keylog", keylog.toString());
        assertEquals(0, run.code(), run.out() + run.err());
        List<String> printed = printed(run.out());
        assertEquals(4, printed.size(), run.out());
        assertTrue(Files.readAllLines(keylog).stream().filter(l -> l.startsWith("RECSEC_SA ")).count() >= 2,
                "key file holds the SA pair");

        String[] fields = {"-T", "fields", "-E", "occurrence=f", "-e", "recsec.spi", "-e", "recsec.epoch", "-e",
                "recsec.seq", "-e", "recsec.profile", "-e", "recsec.inner.text", "-e", "_ws.malformed", "-e",
                "recsec.malformed"};
        for (Path keys : new Path[] {null, keylog}) {
            Shown s = tshark(pcap, keys, fields);
            List<String> shown = new ArrayList<>();
            for (String line : s.out().split("\n")) {
                String[] f = line.split("\t", -1);
                assertEquals(7, f.length, line);
                assertEquals("dtls12", f[3], line);
                assertEquals("", f[5] + f[6], "malformed: " + line);
                assertEquals(keys == null ? "" : TEXT, f[4], (keys == null ? "without" : "with") + " keys: " + line);
                shown.add(f[0] + "/" + f[1] + "/" + f[2]);
            }
            shown.sort(null);
            assertEquals(printed, shown, run.out());
            Shown verbose = tshark(pcap, keys, "-V");
            assertEquals(keys != null, verbose.out().contains(TEXT), "inner text in tshark -V");
        }
    }

    private static final Pattern SEQ = Pattern.compile("record: .*[ ,]seq (\\d+)");

    /**
     * The other record profiles: tshark with the plugin shows each datagram's SPI, profile and sequence number as
     * the demo printed them (a compact record's sequence number is encrypted on the wire, so tshark shows it only
     * with the key file; the demo, which holds the keys, prints it decrypted), and the inner text only with keys.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dtls12-cid", "compact"})
    void everyRecordProfileShowsInTsharkAsTheDemoPrintedIt(String profile, @TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        Path keylog = dir.resolve("demo.keys");
        DemoTest.Run run = DemoTest.demo("--profile", profile, "--pcap", pcap.toString(), "--keylog",
                keylog.toString());
        assertEquals(0, run.code(), run.out() + run.err());
        List<String> spis = new ArrayList<>();
        List<String> printed = new ArrayList<>();
        for (String line : run.out().split("\n")) {
            Matcher m = SPI.matcher(line);
            if (m.find()) {
                spis.add(Long.toString(Long.parseLong(m.group(1), 16)));
            }
            Matcher q = SEQ.matcher(line);
            if (q.find()) {
                printed.add(spis.get(spis.size() - 1) + "/" + q.group(1));
            }
        }
        assertEquals(4, spis.size(), run.out());
        assertEquals(4, printed.size(), run.out());
        spis.sort(null);
        printed.sort(null);
        String[] fields = {"-T", "fields", "-E", "occurrence=f", "-e", "recsec.spi", "-e", "recsec.seq", "-e",
                "recsec.profile", "-e", "recsec.inner.text", "-e", "_ws.malformed", "-e", "recsec.malformed"};
        for (Path keys : new Path[] {null, keylog}) {
            Shown s = tshark(pcap, keys, fields);
            List<String> shownSpis = new ArrayList<>();
            List<String> shown = new ArrayList<>();
            for (String line : s.out().split("\n")) {
                String[] f = line.split("\t", -1);
                assertEquals(6, f.length, line);
                assertEquals(profile, f[2], line);
                assertEquals("", f[4] + f[5], "malformed: " + line);
                assertEquals(keys == null ? "" : TEXT, f[3], (keys == null ? "without" : "with") + " keys: " + line);
                shownSpis.add(f[0]);
                shown.add(f[0] + "/" + f[1]);
            }
            shownSpis.sort(null);
            shown.sort(null);
            assertEquals(spis, shownSpis, s.out());
            if (keys == null && profile.equals("compact")) {
                assertTrue(shown.stream().allMatch(x -> x.endsWith("/")), "encrypted: no seq without keys " + shown);
            } else {
                assertEquals(printed, shown, run.out() + s.out());
            }
        }
    }
}
