package org.recsec.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.UDPConnector;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.recsec.californium.RecSec;
import org.recsec.californium.RecSecConfig;
import org.recsec.californium.RecSecResponseException;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * Measurements of issue 12 through the Californium layer over real UDP on loopback (not a test: it prints numbers).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.recsec.bench.CaliforniumLoad concurrency [window] [requestsPerThread]
 * java -cp bench/target/benchmarks.jar org.recsec.bench.CaliforniumLoad flood [guard|noguard] [seconds]
 * </pre>
 *
 * <p>{@code concurrency}: 16 client endpoints x 4 threads, all on one SA pair (the probe's pattern), each thread
 * sending CON POSTs one after the other; counts genuine exchanges refused by the client (response refused) and by
 * the server (4.00/4.01, refusals counter).
 *
 * <p>{@code flood}: one genuine client sends a CON GET every 10 ms for a baseline period of {@code seconds}, then
 * for {@code seconds} more while a flooder in a child JVM (mode {@code flooder}) sends forged CON records (the
 * server's real SPI, fresh sequence numbers, random tags) as fast as one socket can. Prints the genuine client's
 * p50/p99 in both periods and how much the used heap after a full GC grew in each (the genuine exchanges themselves
 * keep deduplication state for EXCHANGE_LIFETIME in both). {@code noguard} builds the server endpoint on a bare
 * UDPConnector, i.e. without {@code RecordGuard}, for comparison. {@code -Drecommended=true} applies the settings
 * californium/README.md recommends; {@code -Dreceivers=N} then sets the UDP receiver thread count;
 * {@code -Dflood.spi=N} makes the flooder use another SPI (e.g. one the server does not know) and
 * {@code -Dflood.sources=N} spreads the flood over N source ports.
 */
public final class CaliforniumLoad {
    private static final String CLIENT = "client";
    private static final String SERVER = "server";

    private CaliforniumLoad() {
    }

    public static void main(String[] args) throws Exception {
        CoapConfig.register();
        UdpConfig.register();
        String mode = args.length > 0 ? args[0] : "concurrency";
        if (mode.equals("concurrency")) {
            int window = args.length > 1 ? Integer.parseInt(args[1]) : org.recsec.record.internal.ReplayWindow.DEFAULT_SIZE;
            int perThread = args.length > 2 ? Integer.parseInt(args[2]) : 500;
            concurrency(window, perThread);
        } else if (mode.equals("flooder")) {
            flooder(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]),
                    Integer.parseInt(args[4]));
        } else if (mode.equals("flood")) {
            boolean guard = args.length <= 1 || !args[1].equals("noguard");
            int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
            flood(guard, seconds);
        } else {
            System.err.println("usage: CaliforniumLoad concurrency [window] [perThread] | flood [guard|noguard] [s]");
            System.exit(2);
        }
    }

    private static final long SERVER_SPI = 0x1234;
    private static final long CLIENT_SPI = 0x4321;

    private static void installPair(InMemorySaRegistry client, InMemorySaRegistry server, int window) {
        CipherSuite suite = CipherSuite.AES_128_CCM_8;
        Random rnd = new Random(1);
        byte[] k1 = new byte[suite.keySizeBytes()];
        byte[] iv1 = new byte[suite.ivSizeBytes()];
        byte[] k2 = new byte[suite.keySizeBytes()];
        byte[] iv2 = new byte[suite.ivSizeBytes()];
        rnd.nextBytes(k1);
        rnd.nextBytes(iv1);
        rnd.nextBytes(k2);
        rnd.nextBytes(iv2);
        client.install(ManualSa.outbound(suite).spi(SERVER_SPI).epoch(1).firstSequence(1).route(LocalId.of(CLIENT), PeerId.of(SERVER))
                .key(SecretBytes.copyOf(k1)).iv(iv1).build());
        server.install(ManualSa.inbound(suite).spi(SERVER_SPI).epoch(1).replayWindow(window).route(LocalId.of(SERVER), PeerId.of(CLIENT))
                .key(SecretBytes.copyOf(k1)).iv(iv1).build());
        server.install(ManualSa.outbound(suite).spi(CLIENT_SPI).epoch(1).firstSequence(1).route(LocalId.of(SERVER), PeerId.of(CLIENT))
                .key(SecretBytes.copyOf(k2)).iv(iv2).build());
        client.install(ManualSa.inbound(suite).spi(CLIENT_SPI).epoch(1).replayWindow(window).route(LocalId.of(CLIENT), PeerId.of(SERVER))
                .key(SecretBytes.copyOf(k2)).iv(iv2).build());
    }

    private static CoapEndpoint endpoint(RecSecConfig cfg, Configuration config, boolean guard) {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        CoapEndpoint.Builder b = RecSec.endpointBuilder(cfg).setConfiguration(config);
        if (guard) {
            b.setInetSocketAddress(any);
        } else {
            b.setConnector(new UDPConnector(any, config));
        }
        return b.build();
    }

    private static final class Echo extends CoapResource {
        Echo() {
            super("r");
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            exchange.respond(CoAP.ResponseCode.CONTENT, "21.5");
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            exchange.respond(CoAP.ResponseCode.CHANGED, exchange.getRequestPayload());
        }
    }

    // ------------------------------------------------------------------ concurrency

    private static void concurrency(int window, int perThread) throws Exception {
        Configuration config = Configuration.createStandardWithoutFile();
        InMemorySaRegistry clientSas = new InMemorySaRegistry();
        InMemorySaRegistry serverSas = new InMemorySaRegistry();
        installPair(clientSas, serverSas, window);
        RecSecConfig serverCfg = RecSecConfig.builder(serverSas, LocalId.of(SERVER)).protectAllResources().build();
        RecSecConfig clientCfg = RecSecConfig.builder(clientSas, LocalId.of(CLIENT)).build();
        CoapServer server = new CoapServer(config);
        CoapEndpoint se = endpoint(serverCfg, config, true);
        server.addEndpoint(se);
        server.add(new Echo());
        server.start();
        String uri = "coap://127.0.0.1:" + se.getAddress().getPort() + "/r";

        int endpoints = 16;
        int threadsPer = 4;
        LongAdder ok = new LongAdder();
        LongAdder serverRefused = new LongAdder();
        LongAdder timeouts = new LongAdder();
        LongAdder other = new LongAdder();
        Map<RecSecException.Reason, LongAdder> clientRefused = new ConcurrentHashMap<>();
        List<CoapClient> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int e = 0; e < endpoints; e++) {
            CoapEndpoint ce = endpoint(clientCfg, config, true);
            ce.start();
            for (int t = 0; t < threadsPer; t++) {
                CoapClient c = new CoapClient(uri);
                c.setEndpoint(ce);
                c.setTimeout(30_000L);
                clients.add(c);
                int id = e * threadsPer + t;
                threads.add(new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException ex) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        Request r = Request.newPost().setURI(uri);
                        r.setPayload("t" + id + " i" + i);
                        try {
                            CoapResponse resp = c.advanced(RecSec.protect(r, PeerId.of(SERVER)));
                            if (resp == null) {
                                timeouts.increment();
                            } else if (resp.getCode() == CoAP.ResponseCode.CHANGED) {
                                ok.increment();
                            } else {
                                serverRefused.increment();
                            }
                        } catch (Exception ex) {
                            if (ex.getCause() instanceof RecSecResponseException rre) {
                                clientRefused.computeIfAbsent(rre.reason(), k -> new LongAdder()).increment();
                            } else {
                                other.increment();
                            }
                        }
                    }
                }, "load-" + id));
            }
        }
        threads.forEach(Thread::start);
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long total = (long) endpoints * threadsPer * perThread;
        long refusedAtClient = clientRefused.values().stream().mapToLong(LongAdder::sum).sum();
        System.out.printf("concurrency: %d endpoints x %d threads, one SA pair, window %d, %d exchanges in %.1f s%n",
                endpoints, threadsPer, window, total, secs);
        System.out.printf("  ok %d, refused by client %d %s, refused by server %d (server refusals %s),"
                        + " timeouts %d, other %d, refused %.3f%%%n",
                ok.sum(), refusedAtClient, clientRefused, serverRefused.sum(), serverCfg.refusals(), timeouts.sum(),
                other.sum(), 100.0 * (refusedAtClient + serverRefused.sum()) / total);
        for (CoapClient c : clients) {
            c.shutdown();
        }
        server.destroy();
        System.exit(0);
    }

    // ------------------------------------------------------------------ flood

    private static void flood(boolean guard, int seconds) throws Exception {
        Configuration config = Configuration.createStandardWithoutFile();
        if (Boolean.getBoolean("recommended")) {
            // the settings californium/README.md recommends for a protected server
            config.set(UdpConfig.UDP_RECEIVE_BUFFER_SIZE, 4 * 1024 * 1024);
            config.set(UdpConfig.UDP_RECEIVER_THREAD_COUNT, 2);
            config.set(CoapConfig.DEDUPLICATOR, CoapConfig.DEDUPLICATOR_PEERS_MARK_AND_SWEEP);
        }
        if (Integer.getInteger("receivers") != null) {
            config.set(UdpConfig.UDP_RECEIVER_THREAD_COUNT, Integer.getInteger("receivers"));
        }
        InMemorySaRegistry clientSas = new InMemorySaRegistry();
        InMemorySaRegistry serverSas = new InMemorySaRegistry();
        installPair(clientSas, serverSas, org.recsec.record.internal.ReplayWindow.DEFAULT_SIZE);
        RecSecConfig serverCfg = RecSecConfig.builder(serverSas, LocalId.of(SERVER)).protectAllResources().build();
        CoapServer server = new CoapServer(config);
        CoapEndpoint se = endpoint(serverCfg, config, guard);
        server.addEndpoint(se);
        server.add(new Echo());
        server.start();
        InetSocketAddress target = se.getAddress();
        String uri = "coap://127.0.0.1:" + target.getPort() + "/r";
        CoapEndpoint ce = endpoint(RecSecConfig.builder(clientSas, LocalId.of(CLIENT)).build(), config, true);
        CoapClient client = new CoapClient(uri);
        client.setEndpoint(ce);
        client.setTimeout(30_000L);
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();

        // a genuine protected request, to forge from: same SPI, fresh sequence numbers, random tag bytes
        CoapResponse warm = client.advanced(RecSec.protect(Request.newGet().setURI(uri), PeerId.of(SERVER)));
        if (warm == null) {
            throw new IllegalStateException("no answer from the server");
        }
        measure(client, uri, 5, "warm-up");
        long heapBefore = usedAfterGc(mem);
        long cpu0 = processCpuNanos();
        long[] base = measure(client, uri, seconds, "baseline");
        long cpuBaseline = processCpuNanos() - cpu0;

        long heapAfterBaseline = usedAfterGc(mem);
        long kernelDropsBefore = udpReceiveBufferErrors();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process flooder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CaliforniumLoad.class.getName(), "flooder", Integer.toString(target.getPort()),
                Integer.toString(seconds), Long.toString(Long.getLong("flood.spi", SERVER_SPI)),
                Integer.toString(Integer.getInteger("flood.sources", 1))).inheritIO().start();
        long cpu1 = processCpuNanos();
        long[] during = measure(client, uri, seconds, "during flood");
        long cpuFlood = processCpuNanos() - cpu1;
        long heapAfterFlood = usedAfterGc(mem);
        flooder.waitFor();
        long kernelDrops = udpReceiveBufferErrors() - kernelDropsBefore;
        System.out.printf("flood (%s), genuine client one CON GET per 10 ms:%n", guard ? "RecordGuard" : "no guard");
        System.out.printf("  genuine p50/p99 ms: baseline %.3f/%.3f, during flood %.3f/%.3f (p99 x%.2f);"
                        + " genuine exchanges baseline %d, during %d%n",
                base[0] / 1e6, base[1] / 1e6, during[0] / 1e6, during[1] / 1e6, during[1] / (double) base[1],
                base[2], during[2]);
        System.out.printf("  used heap after full GC: start %.1f MB, after baseline %.1f MB (+%.1f), after flood"
                        + " %.1f MB (+%.1f)%n", heapBefore / 1e6, heapAfterBaseline / 1e6,
                (heapAfterBaseline - heapBefore) / 1e6, heapAfterFlood / 1e6,
                (heapAfterFlood - heapAfterBaseline) / 1e6);
        System.out.printf("  server refusals %s%n", serverCfg.refusals());
        if (se.getConnector() instanceof org.recsec.californium.RecordGuard g) {
            long read = g.dropped() + g.penalized();
            System.out.printf("  guard: %d dropped after verification, %d dropped unread (penalty box)%n",
                    g.dropped(), g.penalized());
            System.out.printf("  server JVM CPU: baseline %.2f s, during flood %.2f s: %.2f us more per forged datagram"
                    + " read%n", cpuBaseline / 1e9, cpuFlood / 1e9, (cpuFlood - cpuBaseline) / 1e3 / Math.max(1, read));
        }
        System.out.printf("  datagrams the kernel dropped for full receive buffers during the flood (whole machine,"
                + " UDP RcvbufErrors): %d%n", kernelDrops);
        client.shutdown();
        server.destroy();
        System.exit(0);
    }

    /**
     * The child JVM of {@code flood}: forged records under {@code spi} to 127.0.0.1:{@code port} for {@code seconds},
     * round robin from {@code sources} sockets (many sources keep each below the guard's per-source limit).
     */
    private static void flooder(int port, int seconds, long spi, int sources) throws Exception {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        Random rnd = new Random(7);
        byte[] record = new byte[13 + 8 + 16 + 8];
        long sent = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        DatagramSocket[] sockets = new DatagramSocket[sources];
        for (int i = 0; i < sources; i++) {
            sockets[i] = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }
        try {
            long seq = 1_000_000;
            while (System.nanoTime() < end) {
                rnd.nextBytes(record);
                record[0] = 23;
                record[1] = (byte) 0xfe;
                record[2] = (byte) 0xfd;
                record[3] = 0;
                record[4] = 1;
                seq++;
                for (int i = 0; i < 6; i++) {
                    record[5 + i] = (byte) (seq >>> (8 * (5 - i)));
                }
                int len = record.length - 13;
                record[11] = (byte) (len >>> 8);
                record[12] = (byte) len;
                byte[] token = new byte[8];
                rnd.nextBytes(token);
                CoapMessage m = new CoapMessage(CoapMessage.TYPE_CON, 0x02, rnd.nextInt(0x10000), token,
                        List.of(CoapOption.ofUint(OptionNumbers.RECORD_SECURITY, spi)), record);
                byte[] d = CoapCodec.encode(m);
                sockets[(int) (sent % sources)].send(new DatagramPacket(d, d.length, target));
                sent++;
            }
        } finally {
            for (DatagramSocket s : sockets) {
                s.close();
            }
        }
        System.out.printf("  flooder JVM: %d forged datagrams in %d s (%.0f/s)%n", sent, seconds,
                sent / (double) seconds);
    }

    /** CPU time of this JVM (server and genuine client), or 0 when the platform does not tell. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    /** Linux's count of UDP datagrams dropped for a full socket receive buffer (whole machine), or -1. */
    private static long udpReceiveBufferErrors() {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                    List<String> names = Arrays.asList(lines.get(i).split("\\s+"));
                    return Long.parseLong(lines.get(i + 1).split("\\s+")[names.indexOf("RcvbufErrors")]);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static long usedAfterGc(MemoryMXBean mem) {
        System.gc();
        System.gc();
        return mem.getHeapMemoryUsage().getUsed();
    }

    /** {p50, p99, count} in ns of back-to-back genuine GETs for {@code seconds}. */
    private static long[] measure(CoapClient client, String uri, int seconds, String label) throws Exception {
        List<Long> lat = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long failures = 0;
        long next = System.nanoTime();
        while (System.nanoTime() < end) {
            long pause = next - System.nanoTime();
            if (pause > 0) {
                Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
            }
            next = Math.max(next + 10_000_000L, System.nanoTime());
            long t = System.nanoTime();
            CoapResponse r = client.advanced(RecSec.protect(Request.newGet().setURI(uri), PeerId.of(SERVER)));
            long d = System.nanoTime() - t;
            if (r == null || r.getCode() != CoAP.ResponseCode.CONTENT) {
                failures++;
            }
            lat.add(d);
        }
        long[] a = lat.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        if (failures > 0) {
            System.out.println("  " + label + ": " + failures + " genuine exchanges failed");
        }
        return new long[] {a[a.length / 2], a[(int) Math.min(a.length - 1, Math.floor(a.length * 0.99))], a.length};
    }
}
