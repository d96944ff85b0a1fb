package org.recsec.applet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code openssl s_server} as a child process on an ephemeral loopback port ({@code -accept 127.0.0.1:0}; the port
 * is read back from its "ACCEPT" line), with its output collected line by line and its stdin writable. A missing
 * openssl fails the test: .ci/run installs it.
 */
final class OpenSslServer implements AutoCloseable {

    static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final Pattern ACCEPT = Pattern.compile("ACCEPT .*:(\\d+)\\s*$");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** Everything printed so far, for failure messages. */
    final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    final int port;

    OpenSslServer(List<String> args) throws Exception {
        if (!Files.isExecutable(OPENSSL)) {
            throw new AssertionError("openssl is not installed (.ci/run installs it)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(OPENSSL.toString());
        cmd.add("s_server");
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
        }, "openssl-stdout");
        reader.setDaemon(true);
        reader.start();
        String accept = await("ACCEPT");
        Matcher m = ACCEPT.matcher(accept);
        if (!m.find()) {
            throw new AssertionError("no port in " + accept);
        }
        port = Integer.parseInt(m.group(1));
    }

    /** The next line containing needle (lines before it are consumed); fails after 20 s. */
    String await(String needle) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            long left = deadline - System.nanoTime();
            String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (l == null) {
                throw new AssertionError("openssl did not print \"" + needle + "\"; it printed: " + seen);
            }
            if (l.contains(needle)) {
                return l;
            }
        }
    }

    void type(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        process.getOutputStream().flush();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
