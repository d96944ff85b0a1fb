package org.recsec.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The openssl command line tool, as tests of several modules use it: to make keys, certificates and DH parameters
 * ({@link #run}), and as the independent peer ({@link OpenSslServer}). A missing openssl fails the test: .ci/run
 * installs it.
 */
public final class OpenSsl {
    /** The openssl command line tool. */
    public static final Path OPENSSL = Path.of("/usr/bin/openssl");

    private OpenSsl() {
    }

    /**
     * Runs {@code openssl ARGS} in {@code dir} (to make keys, certificates, DH parameters) and fails the test unless
     * it exits with 0 within 60 s.
     *
     * @throws IOException the process does not start
     * @throws InterruptedException interrupted while waiting
     */
    public static void run(Path dir, String... args) throws IOException, InterruptedException {
        require();
        List<String> cmd = new ArrayList<>(List.of(OPENSSL.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + ": " + out);
        }
    }

    /** Fails the test when openssl is not installed. */
    static void require() {
        if (!Files.isExecutable(OPENSSL)) {
            throw new AssertionError("openssl is not installed (.ci/run installs it)");
        }
    }
}
