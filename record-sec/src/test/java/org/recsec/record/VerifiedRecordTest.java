package org.recsec.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.internal.crypto.RecordCiphers;
import org.recsec.record.spi.InboundSa;
import org.recsec.record.spi.RecordCipher;

/**
 * {@link RecordProtector#verifyRecord} and the accepts that take its result: one AEAD open per record, the replay
 * window and the SA checked again at accept time, a record accepted at most once however many copies were verified.
 */
class VerifiedRecordTest {
    private static final CipherSuite SUITE = CipherSuite.AES_128_CCM_8;
    private static final byte[] K1 = new byte[16];
    private static final byte[] K2 = new byte[16];
    private static final byte[] IV = {1, 2, 3, 4};

    static {
        K2[0] = 7;
    }

    private final InMemorySaRegistry client = new InMemorySaRegistry();
    private final InMemorySaRegistry server = new InMemorySaRegistry();
    private final RecordProtector clientSide = new RecordProtector(client);
    private final RecordProtector serverSide = new RecordProtector(server);
    private final CountingSa atServer;
    private final CountingSa atClient;

    VerifiedRecordTest() {
        client.install(ManualSa.outbound(SUITE).spi(500).epoch(1).firstSequence(1)
                .route(LocalId.of("c"), PeerId.of("s")).key(SecretBytes.copyOf(K1)).iv(IV).build());
        atServer = new CountingSa(ManualSa.inbound(SUITE).spi(500).epoch(1).replayWindow(ReplayWindow.DEFAULT_SIZE)
                .route(LocalId.of("s"), PeerId.of("c")).key(SecretBytes.copyOf(K1)).iv(IV).build());
        server.install(atServer);
        server.install(ManualSa.outbound(SUITE).spi(600).epoch(1).firstSequence(1)
                .route(LocalId.of("s"), PeerId.of("c")).key(SecretBytes.copyOf(K2)).iv(IV).build());
        atClient = new CountingSa(ManualSa.inbound(SUITE).spi(600).epoch(1).replayWindow(ReplayWindow.DEFAULT_SIZE)
                .route(LocalId.of("c"), PeerId.of("s")).key(SecretBytes.copyOf(K2)).iv(IV).build());
        client.install(atClient);
    }

    private ProtectedRequest request(int mid, String path) throws RecSecException {
        CoapMessage get = new CoapMessage(CoapMessage.TYPE_CON, 0x01, mid, new byte[] {9, (byte) mid},
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, path)), new byte[0]);
        return clientSide.protectRequest(get, LocalId.of("c"), PeerId.of("s"));
    }

    private CoapMessage response(UnprotectedRequest u, CoapMessage outerRequest) throws RecSecException {
        CoapMessage content = new CoapMessage(CoapMessage.TYPE_ACK, 0x45, outerRequest.messageId(),
                outerRequest.token(), List.of(), new byte[] {'o', 'k'});
        return serverSide.protectResponse(content, u.context());
    }

    @Test
    void aVerifiedRequestIsAcceptedWithoutASecondOpenAndEqualsTheUnprotectedOne() throws Exception {
        ProtectedRequest pr = request(1, "a");
        VerifiedRecord v = serverSide.verifyRecord(pr.outer());
        assertTrue(v.isOpened());
        assertEquals(500, v.spi());
        assertEquals(1, atServer.cipher().opens.get());
        UnprotectedRequest u = serverSide.unprotectRequest(v);
        assertEquals(1, atServer.cipher().opens.get(), "accepting the verified record opened nothing again");
        assertEquals(PeerId.of("c"), u.peerId());
        assertEquals(500, u.spi());
        assertEquals("a", u.message().options().get(0).stringValue());
        assertEquals(0x01, u.message().code());
        assertEquals(pr.requestSequence(), u.context().requestSequence());
        assertFalse(v.toString().contains("opens"), v.toString());

        // the response way: verified at the client, accepted against the request, one open
        CoapMessage outerResponse = response(u, pr.outer());
        VerifiedRecord r = clientSide.verifyRecord(outerResponse);
        CoapMessage plain = clientSide.unprotectResponse(r, pr);
        assertEquals(1, atClient.cipher().opens.get());
        assertEquals(0x45, plain.code());
        assertArrayEquals(new byte[] {'o', 'k'}, plain.payload());
        assertTrue(plain.options().stream().noneMatch(o -> o.number() == OptionNumbers.REQUEST_SEQUENCE));
    }

    @Test
    void twoCopiesVerifiedBeforeEitherIsAcceptedAreAcceptedOnce() throws Exception {
        ProtectedRequest pr = request(2, "b");
        VerifiedRecord first = serverSide.verifyRecord(pr.outer());
        VerifiedRecord second = serverSide.verifyRecord(pr.outer());
        serverSide.unprotectRequest(first);
        assertEquals(RecSecException.Reason.REPLAY,
                assertThrows(RecSecException.class, () -> serverSide.unprotectRequest(second)).reason());
        assertEquals(RecSecException.Reason.REPLAY,
                assertThrows(RecSecException.class, () -> serverSide.unprotectRequest(first)).reason(),
                "nor the same verified value twice");
        assertEquals(RecSecException.Reason.REPLAY,
                assertThrows(RecSecException.class, () -> serverSide.unprotectRequest(pr.outer())).reason());
    }

    @Test
    void copiesVerifiedOnManyThreadsAndAcceptedAtOnceAreAcceptedExactlyOnce() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 50; round++) {
                ProtectedRequest pr = request(100 + round, "r");
                List<VerifiedRecord> copies = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    copies.add(serverSide.verifyRecord(pr.outer()));
                }
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (VerifiedRecord copy : copies) {
                    results.add(pool.submit(() -> {
                        go.await();
                        try {
                            serverSide.unprotectRequest(copy);
                            return true;
                        } catch (RecSecException e) {
                            assertEquals(RecSecException.Reason.REPLAY, e.reason());
                            return false;
                        }
                    }));
                }
                go.countDown();
                int accepted = 0;
                for (Future<Boolean> f : results) {
                    accepted += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, accepted, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anSaThatExpiredAfterVerifyAcceptsNothingAndKeepsItsWindow() throws Exception {
        ProtectedRequest pr = request(3, "c");
        VerifiedRecord v = serverSide.verifyRecord(pr.outer());
        atServer.usable().set(false);
        assertEquals(RecSecException.Reason.SA_EXPIRED,
                assertThrows(RecSecException.class, () -> serverSide.unprotectRequest(v)).reason());
        atServer.usable().set(true);
        assertFalse(atServer.shouldDiscard(pr.requestSequence() & 0xffff_ffff_ffffL), "the window did not move");
        serverSide.unprotectRequest(v);
    }

    @Test
    void aVerifiedResponseIsStillBoundToItsRequest() throws Exception {
        ProtectedRequest first = request(4, "d");
        ProtectedRequest other = request(5, "e");
        UnprotectedRequest u = serverSide.unprotectRequest(serverSide.verifyRecord(first.outer()));
        CoapMessage outerResponse = response(u, first.outer());
        VerifiedRecord r = clientSide.verifyRecord(outerResponse);
        assertEquals(RecSecException.Reason.BAD_BINDING,
                assertThrows(RecSecException.class, () -> clientSide.unprotectResponse(r, other)).reason(),
                "another token");
        ProtectedRequest sameTokenOtherSequence = request(4, "d"); // same message ID and token, next sequence number
        assertEquals(RecSecException.Reason.BAD_BINDING, assertThrows(RecSecException.class,
                () -> clientSide.unprotectResponse(r, sameTokenOtherSequence)).reason(), "another Request-Sequence");
        assertEquals(0x45, clientSide.unprotectResponse(r, first).code(), "the refusals moved no window");
        assertEquals(1, atClient.cipher().opens.get());
    }

    @Test
    void aStatefulCipherIsOpenedOnceAtAcceptNeverByVerify() throws Exception {
        InMemorySaRegistry card = new InMemorySaRegistry();
        RecordCipher software = RecordCiphers.dtls12(SUITE, SecretBytes.copyOf(K1), IV);
        CountingCipher stateful = new CountingCipher(software, true);
        InboundSa window = ManualSa.inbound(SUITE).spi(500).epoch(1).route(LocalId.of("s"), PeerId.of("c"))
                .key(SecretBytes.copyOf(K1)).iv(IV).build();
        card.install(new CountingSa(window, stateful, new AtomicBoolean(true)));
        RecordProtector p = new RecordProtector(card);
        ProtectedRequest pr = request(6, "f");
        VerifiedRecord v = p.verifyRecord(pr.outer());
        assertFalse(v.isOpened());
        assertEquals(0, stateful.opens.get());
        assertEquals("f", p.unprotectRequest(v).message().options().get(0).stringValue());
        assertEquals(1, stateful.opens.get());
    }
}
