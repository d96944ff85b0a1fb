package org.recsec.record;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/** Several threads on one SA pair: no two records share a sequence number and no message gets another's parts. */
class ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 120; // 8 x 120 < 1024: a stalled thread can never fall out of the window

    private static CoapMessage request(int thread, int i) {
        // Method, path and payload all depend on (thread, i): a mix-up between threads shows in any of them.
        int method = 1 + (thread + i) % 4;
        return new CoapMessage(CoapMessage.TYPE_CON, method, (thread * PER_THREAD + i) & 0xffff,
                new byte[] {(byte) thread, (byte) i, (byte) (i >> 8)},
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "t" + thread),
                        CoapOption.ofString(OptionNumbers.URI_PATH, "m" + i)),
                ("payload " + thread + "/" + i).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void protectAndUnprotectFromManyThreads() throws Exception {
        SaPair p = new SaPair(CipherSuite.AES_128_CCM_8, 21, 1024);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final int thread = t;
                futures.add(pool.submit(() -> {
                    List<Long> seqs = new ArrayList<>();
                    for (int i = 0; i < PER_THREAD; i++) {
                        CoapMessage plain = request(thread, i);
                        ProtectedRequest req = p.clientProtector.protectRequest(plain, SaPair.CLIENT, SaPair.SERVER);
                        UnprotectedRequest got = p.serverProtector.unprotectRequest(req.outer());
                        assertEquals(plain, got.message());
                        CoapMessage resp = new CoapMessage(CoapMessage.TYPE_ACK, 0x45, plain.messageId(), plain.token(),
                                List.of(), plain.payload());
                        CoapMessage out = p.serverProtector.protectResponse(resp, got.context());
                        assertEquals(resp, p.clientProtector.unprotectResponse(out, req));
                        seqs.add(req.requestSequence());
                    }
                    return seqs;
                }));
            }
            Set<Long> all = new HashSet<>();
            for (Future<List<Long>> f : futures) {
                all.addAll(f.get());
            }
            assertEquals(THREADS * PER_THREAD, all.size(), "every request got its own sequence number");
            assertEquals(THREADS * PER_THREAD, p.c2sIn.recordsUsed());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSameRecordRacedByManyThreadsIsAcceptedOnce() throws Exception {
        SaPair p = new SaPair(CipherSuite.AES_128_GCM, 22);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < 50; round++) {
                CoapMessage outer = p.clientProtector.protectRequest(request(0, round), SaPair.CLIENT, SaPair.SERVER).outer();
                AtomicInteger accepted = new AtomicInteger();
                AtomicInteger replays = new AtomicInteger();
                List<Callable<Void>> tasks = new ArrayList<>(Collections.nCopies(THREADS, () -> {
                    try {
                        p.serverProtector.unprotectRequest(outer);
                        accepted.incrementAndGet();
                    } catch (RecSecException e) {
                        assertEquals(RecSecException.Reason.REPLAY, e.reason());
                        replays.incrementAndGet();
                    }
                    return null;
                }));
                for (Future<Void> f : pool.invokeAll(tasks)) {
                    f.get();
                }
                assertEquals(1, accepted.get(), "round " + round);
                assertEquals(THREADS - 1, replays.get(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
