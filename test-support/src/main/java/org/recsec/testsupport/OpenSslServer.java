package org.recsec.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code openssl s_server} as a child process on an ephemeral loopback port ({@code -accept 127.0.0.1:0}; the port
 * is read back from its "ACCEPT" line), with its output (stdout and stderr) collected line by line and its stdin
 * writable: the independent TLS/DTLS 1.2 peer of the interop tests of several modules. A missing openssl fails the
 * test: .ci/run installs it ({@link OpenSsl}).
 */
public final class OpenSslServer implements AutoCloseable {
    private static final Pattern ACCEPT = Pattern.compile("ACCEPT .*:(\\d+)\\s*$");

    private final Process process;
    private final Duration patience;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private final int port;

    /**
     * Starts {@code openssl s_server ARGS -accept 127.0.0.1:0} and waits for its ACCEPT line.
     *
     * @param args     s_server's options (not {@code -accept})
     * @param patience how long {@link #await} waits for a line before it fails the test
     * @throws IOException the process does not start
     * @throws InterruptedException interrupted while waiting for the ACCEPT line
     */
    public OpenSslServer(List<String> args, Duration patience) throws IOException, InterruptedException {
        OpenSsl.require();
        this.patience = patience;
        List<String> cmd = new ArrayList<>(List.of(OpenSsl.OPENSSL.toString(), "s_server"));
        cmd.addAll(args);
        cmd.addAll(List.of("-accept", "127.0.0.1:0"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                for (String l; (l = r.readLine()) != null; ) {
                    seen.add(l);
                    lines.add(l);
                }
            } catch (IOException e) {
                lines.add("(reader: " + e.getMessage() + ")");
            }
        }, "openssl-s_server-out");
        reader.setDaemon(true);
        reader.start();
        String accept = await("ACCEPT");
        Matcher m = ACCEPT.matcher(accept);
        if (!m.find()) {
            close();
            throw new AssertionError("no port in " + accept);
        }
        port = Integer.parseInt(m.group(1));
    }

    /** The loopback port s_server accepts on. */
    public int port() {
        return port;
    }

    /** Every line s_server printed so far (a copy), for failure messages. */
    public List<String> seen() {
        synchronized (seen) {
            return new ArrayList<>(seen);
        }
    }

    /**
     * The next line that contains {@code needle}; the lines before it are consumed.
     *
     * @throws AssertionError no such line within the patience given to the constructor
     * @throws InterruptedException interrupted while waiting
     */
    public String await(String needle) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (l == null) {
                throw new AssertionError("openssl s_server did not print \"" + needle + "\"; it printed: " + seen);
            }
            if (l.contains(needle)) {
                return l;
            }
        }
    }

    /**
     * Types {@code line} and a newline into s_server's stdin (s_server sends it to the client as application data).
     *
     * @throws IOException the process is gone
     */
    public void type(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        process.getOutputStream().flush();
    }

    /** Ends s_server (forcibly if it does not end within 5 s, or when interrupted while waiting). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
