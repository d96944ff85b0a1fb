package org.recsec.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.config.DtlsConfig;

/**
 * Cold start (issue 19 item 3): the time from starting a fresh JVM to the first protected response on loopback,
 * measured as a whole process, for each {@link StackBench} stack under the same harness.
 *
 * <p>Each run starts a new JVM ({@code java -cp <this class path> org.recsec.bench.ColdStart$Child <stack>}, no
 * extra JVM options) that builds a Californium server and one client in the one process, with the client's SA (or
 * OSCORE context, or DTLS PSK identity) installed, sends one CON GET and waits for the answer, then a second one,
 * and exits. The parent records the wall time from spawning the process to the child's first response (the child
 * reports {@code System.currentTimeMillis()} when it has it), and the child reports its own split: JVM start to
 * {@code main}, {@code main} to endpoints started (class loading, configuration, keys), the first request's round
 * trip (for DTLS, the handshake included) and the second's. Runs are interleaved over the stacks so drifting machine
 * load hits all alike; the table gives medians and the range.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar org.recsec.bench.ColdStart [runs] [stack...]} (default 7
 * runs of plain, recsec, oscore, dtls).
 */
public final class ColdStart {
    private ColdStart() {
    }

    /** The child's split of one cold start, in milliseconds. */
    record Split(double setupMs, double firstMs, double secondMs, long firstAtMillis) {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        List<String> stacks = args.length > 1 ? Arrays.asList(args).subList(1, args.length)
                : List.of("plain", "recsec", "oscore", "dtls");
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        Map<String, List<double[]>> rows = new LinkedHashMap<>();
        for (int r = 0; r < runs; r++) {
            for (String s : stacks) {
                long spawned = System.currentTimeMillis();
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder(java, "-cp", cp, Child.class.getName(), s).redirectErrorStream(true)
                        .start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int rc = p.waitFor();
                double processMs = (System.nanoTime() - t0) / 1e6;
                Split split = parse(out);
                if (rc != 0 || split == null) {
                    throw new IOException(s + ": child exited " + rc + ": " + out);
                }
                rows.computeIfAbsent(s, k -> new ArrayList<>()).add(new double[] {
                    split.firstAtMillis() - spawned, split.setupMs(), split.firstMs(), split.secondMs(), processMs});
            }
        }
        System.out.printf("Cold start, %d fresh JVMs per stack (median, [min-max]), ms%n%n", runs);
        System.out.println("| stack | spawn → first response | main → endpoints started | first request | "
                + "second request | whole process (exit included) |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, List<double[]>> e : rows.entrySet()) {
            StringBuilder line = new StringBuilder("| " + e.getKey() + " |");
            for (int c = 0; c < 5; c++) {
                double[] col = new double[e.getValue().size()];
                for (int i = 0; i < col.length; i++) {
                    col[i] = e.getValue().get(i)[c];
                }
                Arrays.sort(col);
                line.append(String.format(" %.1f [%.1f-%.1f] |", col[col.length / 2], col[0], col[col.length - 1]));
            }
            System.out.println(line);
        }
    }

    private static Split parse(String out) {
        for (String line : out.split("\n")) {
            if (line.startsWith("COLDSTART ")) {
                String[] f = line.trim().split(" ");
                return new Split(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                        Long.parseLong(f[4]));
            }
        }
        return null;
    }

    /**
     * One cold start in this JVM: server and one client of {@code stack}, two requests; the endpoints are destroyed
     * before it returns. Throws when a response is missing or wrong.
     */
    static Split once(String stack) throws Exception {
        long main = System.nanoTime();
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        Configuration config = StackBench.config();
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        BenchStacks.Stack s = BenchStacks.stack(stack);
        CoapServer server = new CoapServer(config);
        Endpoint client = null;
        try {
            server.addEndpoint(s.serverEndpoint(config, any, 1, new Random(42)));
            server.add(new CoapResource("hello") {
                @Override
                public void handleGET(CoapExchange exchange) {
                    exchange.respond(StackBench.PAYLOAD);
                }
            });
            server.start();
            String uri = s.scheme() + "://127.0.0.1:" + server.getEndpoints().get(0).getAddress().getPort()
                    + "/hello";
            client = s.clientEndpoint(config, any, 0, uri);
            client.start();
            long ready = System.nanoTime();
            if (Boolean.getBoolean("coldstart.trace")) {
                System.out.println("COLDSTART-READY"); // a marker in -Xlog:class+load output
            }
            double first = exchange(client, s.request(uri), stack);
            long firstAt = System.currentTimeMillis();
            if (Boolean.getBoolean("coldstart.trace")) {
                System.out.println("COLDSTART-FIRST");
            }
            double second = exchange(client, s.request(uri), stack);
            return new Split((ready - main) / 1e6, first, second, firstAt);
        } finally {
            if (client != null) {
                client.destroy();
            }
            server.destroy();
        }
    }

    private static double exchange(Endpoint client, Request r, String stack) throws InterruptedException {
        r.setType(CoAP.Type.CON);
        long t0 = System.nanoTime();
        client.sendRequest(r);
        Response resp = r.waitForResponse(30_000);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (resp == null || !StackBench.PAYLOAD.equals(resp.getPayloadString())) {
            throw new IllegalStateException(stack + ": no or wrong response " + resp);
        }
        return ms;
    }

    /** The process the parent starts: prints {@code COLDSTART setupMs firstMs secondMs firstAtMillis} and exits. */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws Exception {
            Split s = once(args[0]);
            System.out.printf("COLDSTART %.3f %.3f %.3f %d%n", s.setupMs(), s.firstMs(), s.secondMs(),
                    s.firstAtMillis());
            System.exit(0);
        }
    }
}
