package org.recsec.californium;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.internal.crypto.RecordCiphers;

/**
 * Issue 12 item 6, the probe's pattern: 16 client endpoints x 4 threads on one SA pair through the Californium
 * layer over UDP loopback. With the old default window (64) about 1% of these genuine exchanges were refused as
 * REPLAY, by the client or the server; with the default window every one must complete.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ConcurrentTrafficTest {
    private static final int ENDPOINTS = 16;
    private static final int THREADS_PER_ENDPOINT = 4;
    private static final int REQUESTS_PER_THREAD = 40;

    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    @Test
    void sixteenEndpointsTimesFourThreadsOnOneSaPairAreNeverRefused() throws Exception {
        Configuration config = Configuration.createStandardWithoutFile();
        InMemorySaRegistry clientSas = new InMemorySaRegistry();
        InMemorySaRegistry serverSas = new InMemorySaRegistry();
        CipherSuite suite = CipherSuite.AES_128_CCM_8;
        Random rnd = new Random(12);
        byte[] k1 = new byte[suite.keySizeBytes()];
        byte[] iv1 = new byte[suite.ivSizeBytes()];
        byte[] k2 = new byte[suite.keySizeBytes()];
        byte[] iv2 = new byte[suite.ivSizeBytes()];
        rnd.nextBytes(k1);
        rnd.nextBytes(iv1);
        rnd.nextBytes(k2);
        rnd.nextBytes(iv2);
        int w = ReplayWindow.DEFAULT_SIZE;
        clientSas.install(ManualSa.outbound(suite).spi(0x77).epoch(1).firstSequence(1).route(LocalId.of("c"), PeerId.of("s"))
                .key(SecretBytes.copyOf(k1)).iv(iv1).build());
        serverSas.install(ManualSa.inbound(suite).spi(0x77).epoch(1).replayWindow(w).route(LocalId.of("s"), PeerId.of("c"))
                .key(SecretBytes.copyOf(k1)).iv(iv1).build());
        serverSas.install(ManualSa.outbound(suite).spi(0x88).epoch(1).firstSequence(1).route(LocalId.of("s"), PeerId.of("c"))
                .key(SecretBytes.copyOf(k2)).iv(iv2).build());
        clientSas.install(ManualSa.inbound(suite).spi(0x88).epoch(1).replayWindow(w).route(LocalId.of("c"), PeerId.of("s"))
                .key(SecretBytes.copyOf(k2)).iv(iv2).build());
        RecSecConfig serverCfg = RecSecConfig.builder(serverSas, LocalId.of("s")).protectAllResources().build();
        RecSecConfig clientCfg = RecSecConfig.builder(clientSas, LocalId.of("c")).build();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        CoapServer server = new CoapServer(config);
        CoapEndpoint se = RecSec.endpointBuilder(serverCfg).setConfiguration(config).setInetSocketAddress(any)
                .build();
        server.addEndpoint(se);
        AtomicInteger executed = new AtomicInteger();
        server.add(new CoapResource("r") {
            @Override
            public void handlePOST(CoapExchange exchange) {
                executed.incrementAndGet();
                exchange.respond(CoAP.ResponseCode.CHANGED, exchange.getRequestPayload());
            }
        });
        server.start();
        String uri = "coap://127.0.0.1:" + se.getAddress().getPort() + "/r";
        List<CoapEndpoint> endpoints = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        try {
            for (int e = 0; e < ENDPOINTS; e++) {
                CoapEndpoint ce = RecSec.endpointBuilder(clientCfg).setConfiguration(config)
                        .setInetSocketAddress(any).build();
                ce.start();
                endpoints.add(ce);
                for (int t = 0; t < THREADS_PER_ENDPOINT; t++) {
                    CoapClient c = new CoapClient(uri);
                    c.setEndpoint(ce);
                    c.setTimeout(120_000L);
                    String id = e + "/" + t;
                    threads.add(new Thread(() -> {
                        try {
                            go.await();
                            for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
                                Request r = Request.newPost().setURI(uri);
                                r.setPayload(id + "#" + i);
                                String outcome;
                                try {
                                    CoapResponse resp = c.advanced(RecSec.protect(r, PeerId.of("s")));
                                    outcome = resp == null ? "timeout" : resp.getCode().toString();
                                } catch (java.io.IOException ex) {
                                    outcome = "refused by client: " + ex.getCause();
                                }
                                outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                            }
                        } catch (Throwable ex) {
                            unexpected.compareAndSet(null, ex);
                        }
                    }));
                }
            }
            threads.forEach(Thread::start);
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            for (CoapEndpoint ce : endpoints) {
                ce.destroy();
            }
            server.destroy();
        }
        if (unexpected.get() != null) {
            throw new AssertionError(unexpected.get());
        }
        int total = ENDPOINTS * THREADS_PER_ENDPOINT * REQUESTS_PER_THREAD;
        Map<String, Integer> seen = new java.util.TreeMap<>();
        outcomes.forEach((k, v) -> seen.put(k, v.get()));
        assertEquals(Map.of(CoAP.ResponseCode.CHANGED.toString(), total), seen);
        assertEquals(0, serverCfg.refusals().total(), serverCfg.refusals().toString());
        assertEquals(0, clientCfg.refusals().total(), clientCfg.refusals().toString());
        assertEquals(total, executed.get());
    }
}
