package org.recsec.kmp.eap.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs external peers (eapol_test, freeradius) for the interop tests; a missing program fails the test. */
public final class Processes {
    private Processes() {
    }

    /** The absolute path of {@code program} on PATH or in /usr/sbin; fails when it is not installed. */
    public static String require(String program) {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError(program + " is not installed: .ci/run installs it (apt-get install "
                + ("eapol_test".equals(program) ? "eapoltest" : program) + ")");
    }

    /** Runs to completion (the program's own timeout bounds it), returns exit code and merged output. */
    public static Result run(List<String> command, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int rc = p.waitFor();
        return new Result(rc, Files.readString(log, StandardCharsets.UTF_8));
    }

    public record Result(int exitCode, String output) {
    }
}
