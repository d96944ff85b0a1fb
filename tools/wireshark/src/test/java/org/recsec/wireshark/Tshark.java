package org.recsec.wireshark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs tshark with recsec.lua. tshark must be installed where CI runs (.ci/run installs it); elsewhere a test
 * without it is skipped, never passed.
 */
final class Tshark {
    /** The plugin, found from the module directory (Surefire's working directory) or the repository root. */
    static final Path PLUGIN = locate();

    record Result(int exit, String out, String err) {
        /** Rows of {@code -T fields} output, tab-separated. */
        List<String[]> rows() {
            List<String[]> rows = new ArrayList<>();
            for (String line : out.split("\n", -1)) {
                if (!line.isEmpty()) {
                    rows.add(line.split("\t", -1));
                }
            }
            return rows;
        }
    }

    private Tshark() {
    }

    private static Path locate() {
        for (Path p : List.of(Path.of("recsec.lua"), Path.of("tools/wireshark/recsec.lua"))) {
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("recsec.lua not found from " + Path.of("").toAbsolutePath());
    }

    /** tshark -r PCAP -X lua_script:recsec.lua [-o recsec.keylog_file:KEYS] ARGS... */
    static Result run(Path pcap, Path keylog, String... args) throws IOException, InterruptedException {
        return runScript(PLUGIN, pcap, keylog, args);
    }

    static Result runScript(Path script, Path pcap, Path keylog, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(),
                "-X", "lua_script:" + script));
        // An empty key file path means "no key file" to the plugin (RECSEC_KEYLOG_FILE is cleared below).
        if (script.equals(PLUGIN)) {
            cmd.add("-o");
            cmd.add("recsec.keylog_file:" + (keylog == null ? "" : keylog.toString()));
        }
        cmd.addAll(Arrays.asList(args));
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
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        String out = readAll(p.getInputStream());
        p.waitFor();
        return new Result(p.exitValue(), out, err.join());
    }

    /**
     * {@code -T fields} with one column per field, first occurrence only; asserts exit 0 and, through two more
     * columns it strips again, that no frame has a Lua error ({@code _ws.lua.error}) or recsec.lua's guard
     * ({@code recsec.internal}).
     */
    static List<String[]> fields(Path pcap, Path keylog, String... fields) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-T", "fields", "-E", "occurrence=f"));
        for (String f : fields) {
            args.add("-e");
            args.add(f);
        }
        args.addAll(List.of("-e", "_ws.lua.error", "-e", "recsec.internal"));
        Result r = run(pcap, keylog, args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertNoLuaError(r);
        List<String[]> rows = new ArrayList<>();
        for (String[] row : r.rows()) {
            assertEquals(fields.length + 2, row.length, String.join("|", row));
            assertEquals("", row[fields.length] + row[fields.length + 1], () -> "Lua error: " + String.join("|", row));
            rows.add(Arrays.copyOf(row, fields.length));
        }
        return rows;
    }

    /** Lua errors show as "Lua Error" in the tree or on stderr; recsec.lua's own guard as recsec.internal. */
    static void assertNoLuaError(Result r) {
        assertTrue(!r.out().contains("Lua Error") && !r.err().contains("Lua Error"), () -> "Lua error:\n"
                + r.err() + excerpt(r.out(), "Lua Error"));
        assertTrue(!r.out().contains("recsec.lua internal error") && !r.out().contains("recsec.lua: "),
                () -> "recsec.lua guard fired:\n" + excerpt(r.out(), "recsec.lua"));
        assertTrue(!r.err().contains("lua_script") && !r.err().toLowerCase().contains("error"),
                () -> "tshark stderr: " + r.err());
    }

    /** The frames where a Lua error or recsec.lua's guard fired, by display filter (empty when none). */
    static String framesWithLuaErrors(Path pcap, Path keylog) throws IOException, InterruptedException {
        Result r = run(pcap, keylog, "-Y", "_ws.lua.error || recsec.internal", "-T", "fields", "-e", "frame.number",
                "-e", "_ws.expert.message");
        assertEquals(0, r.exit(), r.err());
        return r.out();
    }

    private static String excerpt(String text, String needle) {
        int i = text.indexOf(needle);
        return i < 0 ? "" : text.substring(Math.max(0, i - 2000), Math.min(text.length(), i + 500));
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
