package org.recsec.bench;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole Californium stack over UDP loopback: a {@code CoapServer} with one resource answering a small payload,
 * and {@code clients} Californium clients, each with its own endpoint (own UDP socket) and its own security
 * association or context, each sending CON GETs back to back in a closed loop.
 *
 * <p>One operation is one completed request: the benchmark method takes the next completion from the clients'
 * queue, so Mode.Throughput reports requests per second over all clients, and {@code -prof gc} reports the bytes
 * allocated per request by client and server together (both run in this JVM). Latency percentiles (per request,
 * from send to response) are printed at the end of each trial.
 *
 * <p>Stacks, all Californium {@value #CF_VERSION}: {@code plain} (no security), {@code recsec} (our layer, profile
 * dtls12, suite c0a8), {@code recsec-compact} (profile compact, suite 1305), {@code oscore} (cf-oscore's stack,
 * AES-CCM-16-64-128), {@code dtls} (Scandium DTLS 1.2 PSK TLS_PSK_WITH_AES_128_CCM_8, each client's session
 * established before measuring).
 *
 * <p>Every stack's fork runs with the same fixed, pre-touched 1 GB heap ({@code -Xms1g -Xmx1g -XX:+AlwaysPreTouch},
 * as {@link RecordSecBench}): with G1's default sizing the heap grows in steps during the measurement, and the page
 * faults of each first touch of new eden pages fall on the stacks that allocate most, at times that depend on the
 * machine's load. A run that passes its own {@code -jvmArgsAppend} replaces these flags and must repeat them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@OutputTimeUnit(TimeUnit.SECONDS)
public class StackBench {
    static final String CF_VERSION = "3.13.0";
    static final String PAYLOAD = "21.5";
    static final String SERVER_ID = "coap://server.bench";

    @Param({"plain", "recsec", "recsec-compact", "oscore", "dtls"})
    public String stack;

    @Param({"1", "16", "64"})
    public int clients;

    private CoapServer server;
    private final List<ClientLoop> loops = new ArrayList<>();
    private final BlockingQueue<Long> completions = new ArrayBlockingQueue<>(4096);
    private final AtomicBoolean running = new AtomicBoolean();
    private final LatencyLog latencies = new LatencyLog();
    /** A client loop's failure, rethrown by {@link #request()} so a broken stack ends the run instead of stalling. */
    private final java.util.concurrent.atomic.AtomicReference<RuntimeException> failure =
            new java.util.concurrent.atomic.AtomicReference<>();
    private static final Long FAILED = Long.MIN_VALUE;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        Configuration config = config();
        Random random = new Random(42);
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        BenchStacks.Stack s = BenchStacks.stack(stack);
        server = new CoapServer(config);
        server.addEndpoint(s.serverEndpoint(config, any, clients, random));
        server.add(new CoapResource("hello") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond(PAYLOAD);
            }
        });
        server.start();
        InetSocketAddress serverAddr = server.getEndpoints().get(0).getAddress();
        String uri = s.scheme() + "://127.0.0.1:" + serverAddr.getPort() + "/hello";
        running.set(true);
        for (int i = 0; i < clients; i++) {
            Endpoint ep = s.clientEndpoint(config, any, i, uri);
            ep.start();
            ClientLoop loop = new ClientLoop(ep, () -> s.request(uri));
            loop.once(); // DTLS handshake, OSCORE first exchange, JIT of the path: not measured
            loops.add(loop);
        }
        loops.forEach(ClientLoop::start);
    }

    private long iterationCpuNs;

    /**
     * Californium's standard configuration, except that message IDs and deduplication entries live 2 s instead of
     * EXCHANGE_LIFETIME's 247 s (RFC 7252 §4.8.2), for every stack alike. A closed loop sends far faster than RFC
     * 7252 §4.7 means a peer to (65,536 message IDs per 247 s is about 265 messages/s): one client at several
     * thousand requests/s reused a message ID within the lifetime after about 10 s, the server answered the new
     * request as a duplicate of the old one (or the client's ID tracker ran dry), and the request never completed.
     */
    static Configuration config() {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.EXCHANGE_LIFETIME, 2, TimeUnit.SECONDS);
        config.set(CoapConfig.NON_LIFETIME, 2, TimeUnit.SECONDS);
        config.set(CoapConfig.MARK_AND_SWEEP_INTERVAL, 500, TimeUnit.MILLISECONDS);
        return config;
    }

    @Setup(Level.Iteration)
    public void resetLatencies() {
        latencies.clear();
        iterationCpuNs = processCpuNs();
    }

    /**
     * Latency percentiles and the CPU time of this JVM (all threads: clients, server, JIT, GC) per completed request
     * during the iteration; on a shared machine the CPU per request moves much less with other load than the rate.
     */
    @TearDown(Level.Iteration)
    public void printLatencies() {
        long cpu = processCpuNs() - iterationCpuNs;
        int n = latencies.count();
        System.out.println();
        System.out.println("StackBench latency stack=" + stack + " clients=" + clients + ": " + latencies.summary()
                + (n > 0 && cpu > 0 ? String.format(" cpu=%.1f us/request", cpu / 1e3 / n) : ""));
    }

    static long processCpuNs() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        running.set(false);
        completions.clear();
        for (ClientLoop l : loops) {
            l.join();
        }
        for (ClientLoop l : loops) {
            l.endpoint.destroy();
        }
        loops.clear();
        server.destroy();
    }

    /** One completed request (of any client). */
    @Benchmark
    public long request() throws InterruptedException {
        long ns = completions.take();
        if (ns == FAILED) {
            throw new IllegalStateException(stack + ": a client loop failed", failure.get());
        }
        return ns;
    }

    /** A client endpoint sending CON GETs back to back, each after the previous one's response. */
    private final class ClientLoop extends Thread {
        private final Endpoint endpoint;
        private final java.util.function.Supplier<Request> requests;

        ClientLoop(Endpoint endpoint, java.util.function.Supplier<Request> requests) {
            super("stackbench-client");
            setDaemon(true);
            this.endpoint = endpoint;
            this.requests = requests;
        }

        long once() throws InterruptedException {
            Request r = requests.get();
            r.setType(CoAP.Type.CON);
            long t0 = System.nanoTime();
            endpoint.sendRequest(r);
            Response resp = r.waitForResponse(10_000);
            if (resp == null || !PAYLOAD.equals(resp.getPayloadString())) {
                throw new IllegalStateException(stack + ": no or wrong response " + resp);
            }
            return System.nanoTime() - t0;
        }

        @Override
        public void run() {
            try {
                while (running.get()) {
                    long ns = once();
                    latencies.add(ns);
                    while (running.get() && !completions.offer(ns, 100, TimeUnit.MILLISECONDS)) {
                        // the benchmark thread is between iterations: wait, do not run ahead
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (running.get()) {
                    failure.compareAndSet(null, e);
                    completions.offer(FAILED);
                }
            }
        }
    }

    /** Per-request latencies of one iteration, reduced to percentiles at its end. */
    static final class LatencyLog {
        private long[] ns = new long[1 << 16];
        private int n;

        synchronized void add(long v) {
            if (n == ns.length) {
                ns = Arrays.copyOf(ns, n * 2);
            }
            ns[n++] = v;
        }

        synchronized void clear() {
            n = 0;
        }

        synchronized int count() {
            return n;
        }

        synchronized String summary() {
            if (n == 0) {
                return "no requests";
            }
            long[] s = Arrays.copyOf(ns, n);
            Arrays.sort(s);
            return String.format("n=%d p50=%.1f us p99=%.1f us", n, s[n / 2] / 1e3, s[Math.min(n - 1, n * 99 / 100)] / 1e3);
        }
    }
}
