package org.recsec.cli.se;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code recsec se serve ...} on a thread of the test: its port once it listens, its output and exit code. */
final class ServeRun {
    private static final Pattern LISTENING = Pattern.compile(
            "listening on coap://127.0.0.1:([0-9]+)/.well-known/recsec-hs");
    private static final Pattern DONE = Pattern.compile(
            "handshake [0-9]+ done: SPI (0x[0-9a-f]+) \\(client->server\\), (0x[0-9a-f]+) \\(server->client\\)"
                    + "(, resumed)?");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile int code = -1;

    /** Starts {@code recsec se serve} with these arguments (after "serve") and waits until it listens. */
    ServeRun(String... args) throws InterruptedException {
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        thread = new Thread(() -> code = SeCli.run(all, new ByteArrayInputStream(new byte[0]), ps, ps));
        thread.setDaemon(true);
        thread.start();
        while (!LISTENING.matcher(output()).find()) {
            assertTrue(thread.isAlive(), "serve ended before listening: " + output());
            Thread.sleep(20);
        }
    }

    String output() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    int port() {
        Matcher m = LISTENING.matcher(output());
        assertTrue(m.find());
        return Integer.parseInt(m.group(1));
    }

    /**
     * Waits for serve to exit (a hang guard, not a speed check: the client is done, so the server has counted its
     * handshakes or never will) and returns its exit code.
     */
    int awaitExit() throws InterruptedException {
        thread.join(120_000);
        assertTrue(!thread.isAlive(), "serve did not end: " + output());
        return code;
    }

    /** Interrupts serve (it then ends with exit code 1 and closes its server) and waits for it. */
    void stop() throws InterruptedException {
        thread.interrupt();
        thread.join(120_000);
    }

    /** Each completed handshake as "c2s s2c" plus " resumed" when serve saw it resumed. */
    List<String> handshakes() {
        List<String> l = new ArrayList<>();
        Matcher m = DONE.matcher(output());
        while (m.find()) {
            l.add(m.group(1) + " " + m.group(2) + (m.group(3) != null ? " resumed" : ""));
        }
        return l;
    }

    /** The same for the client's output of {@code se handshake --se-transport coap} with the modes' lines. */
    static List<String> clientHandshakes(String clientOut) {
        Matcher h = Pattern.compile("handshake [0-9]+/[0-9]+ \\([^)]*\\) with coap://\\S+( via proxy \\S+)?: "
                + "(full|resumed)")
                .matcher(clientOut);
        Matcher s = Pattern.compile("SA pair: SPI (0x[0-9a-f]+) \\(client->server\\), (0x[0-9a-f]+) "
                + "\\(server->client\\)").matcher(clientOut);
        List<String> l = new ArrayList<>();
        while (h.find()) {
            assertTrue(s.find(h.end()), "an SA pair line after the handshake line: " + clientOut);
            l.add(s.group(1) + " " + s.group(2) + (h.group(2).equals("resumed") ? " resumed" : ""));
        }
        return l;
    }
}
