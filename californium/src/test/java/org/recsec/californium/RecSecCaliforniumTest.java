package org.recsec.californium;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.internal.crypto.RecordCiphers;

/**
 * A real Californium CoapServer and CoapClient over UDP on loopback, with a {@link UdpTap} between them that shows
 * (and alters) the bytes on the wire. The SAs are manual keys from a seeded Random.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecSecCaliforniumTest {
    private static final String CLIENT = "client";
    private static final String SERVER = "server";
    private static final long TIMEOUT_MS = 5000;
    /**
     * How long a test waits for a notification: a CON notification whose ACK is late on a loaded machine comes again
     * only after ACK_TIMEOUT (2-3 s), so 5 s is not enough to tell "lost" from "slow"; the class timeout bounds it.
     */
    private static final long NOTE_WAIT_MS = 20_000;
    private static final String SECRET = "top secret: the eagle lands at dawn";
    private static final String BIG = bigText(700);

    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final List<CoapClient> clients = new ArrayList<>();
    private Configuration config;
    private InMemorySaRegistry clientSas;
    private InMemorySaRegistry serverSas;
    private CoapServer server;
    private UdpTap tap;
    private final SecretResource secret = new SecretResource();
    private final BigResource big = new BigResource();
    private final CountingResource open = new CountingResource("open");
    private final ObservedResource obs = new ObservedResource();
    private final LockResource lock = new LockResource();
    private final List<RecSecRefusal> serverRefusals = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock();
    private RecSecConfig serverCfg;
    private long serverSpi;

    @BeforeEach
    void start() throws Exception {
        config = Configuration.createStandardWithoutFile();
        // small blocks, so a few hundred bytes need block-wise transfer both ways
        config.set(CoapConfig.MAX_MESSAGE_SIZE, 64);
        config.set(CoapConfig.PREFERRED_BLOCK_SIZE, 32);
        clientSas = new InMemorySaRegistry();
        serverSas = new InMemorySaRegistry();
        serverSpi = installPair(CipherSuite.AES_128_CCM_8, 42, clientSas, serverSas);

        serverCfg = RecSecConfig.builder(serverSas, LocalId.of(SERVER))
                .protectResource("secret").protectResource("/big/").protectResource("obs")
                .requireFreshness("lock").echoLifetime(Duration.ofSeconds(10)).clock(clock)
                .secureRandom(seeded(5)).onRefusal(serverRefusals::add).build();
        server = new CoapServer(config);
        CoapEndpoint serverEndpoint = RecSec.endpointBuilder(serverCfg).setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
        server.addEndpoint(serverEndpoint);
        server.add(secret, big, open, obs, lock);
        server.start();
        tap = new UdpTap(serverEndpoint.getAddress());
    }

    @AfterEach
    void stop() throws Exception {
        for (CoapClient c : clients) {
            c.shutdown();
        }
        for (Endpoint e : endpoints) {
            e.destroy();
        }
        server.destroy();
        tap.close();
    }

    /**
     * Client→server SA (SPI chosen by the server) and server→client SA (SPI chosen by the client).
     *
     * @return the SPI of the client→server SA
     */
    private long installPair(CipherSuite suite, long seed, InMemorySaRegistry client, InMemorySaRegistry server) {
        Random rnd = new Random(seed);
        byte[] k1 = bytes(rnd, suite.keySizeBytes());
        byte[] iv1 = bytes(rnd, suite.ivSizeBytes());
        byte[] k2 = bytes(rnd, suite.keySizeBytes());
        byte[] iv2 = bytes(rnd, suite.ivSizeBytes());
        long serverSpi = 0x1000 + rnd.nextInt(1000);
        long clientSpi = 0x2000 + rnd.nextInt(1000);
        byte[] c2s = bytes(rnd, 32);
        byte[] s2c = bytes(rnd, 32);
        client.install(keyed(ManualSa.outbound(suite).spi(serverSpi).epoch(1).firstSequence(1)
                .route(LocalId.of(CLIENT), PeerId.of(SERVER)), k1, iv1, c2s).build());
        server.install(keyed(ManualSa.inbound(suite).spi(serverSpi).epoch(1).replayWindow(ReplayWindow.DEFAULT_SIZE)
                .route(LocalId.of(SERVER), PeerId.of(CLIENT)), k1, iv1, c2s).build());
        server.install(keyed(ManualSa.outbound(suite).spi(clientSpi).epoch(1).firstSequence(1)
                .route(LocalId.of(SERVER), PeerId.of(CLIENT)), k2, iv2, s2c).build());
        client.install(keyed(ManualSa.inbound(suite).spi(clientSpi).epoch(1).replayWindow(ReplayWindow.DEFAULT_SIZE)
                .route(LocalId.of(CLIENT), PeerId.of(SERVER)), k2, iv2, s2c).build());
        return serverSpi;
    }

    /** The record profile every SA of the test has: dtls12 here, compact in {@link RecSecCaliforniumCompactTest}. */
    RecordProfile profile() {
        return RecordProfile.DTLS12;
    }

    /** Keys a builder for {@link #profile()}: the dtls12 key and IV, or the compact traffic secret. */
    private <B extends ManualSa.Builder<B>> B keyed(B b, byte[] key, byte[] iv, byte[] secret) {
        if (profile() == RecordProfile.COMPACT) {
            return b.profile(RecordProfile.COMPACT).secret(SecretBytes.copyOf(secret));
        }
        return b.key(SecretBytes.copyOf(key)).iv(iv);
    }

    private static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock implements InstantSource {
        private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static String bigText(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < n; i++) {
            sb.append("line ").append(i).append(" of the large protected body;\n");
        }
        return sb.substring(0, n);
    }

    // ------------------------------------------------------------------ helpers

    private String uri(String path) {
        InetSocketAddress a = tap.address();
        return "coap://" + a.getHostString() + ":" + a.getPort() + "/" + path;
    }

    private CoapClient client(RecSecConfig cfg) {
        CoapEndpoint.Builder b = cfg == null ? new CoapEndpoint.Builder() : RecSec.endpointBuilder(cfg);
        CoapEndpoint endpoint = b.setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
        endpoints.add(endpoint);
        CoapClient c = new CoapClient();
        c.setEndpoint(endpoint);
        c.setTimeout(TIMEOUT_MS);
        clients.add(c);
        return c;
    }

    private CoapClient protectedClient() {
        return client(RecSecConfig.builder(clientSas, LocalId.of(CLIENT)).build());
    }

    private Request get(String path) {
        return RecSec.protect(Request.newGet().setURI(uri(path)), PeerId.of(SERVER));
    }

    private Request post(String path, String body) {
        Request r = Request.newPost().setURI(uri(path));
        r.setPayload(body);
        return RecSec.protect(r, PeerId.of(SERVER));
    }

    private static CoapMessage decode(byte[] datagram) throws RecSecException {
        return CoapCodec.decode(datagram, 0, datagram.length);
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Datagrams counted once each: a CON retransmission repeats the same bytes. */
    private static long distinct(List<byte[]> datagrams) {
        return datagrams.stream().map(java.nio.ByteBuffer::wrap).distinct().count();
    }

    private static byte[] flipLastBit(byte[] d) {
        byte[] c = d.clone();
        c[c.length - 1] ^= 0x01;
        return c;
    }

    /** Every non-empty datagram of {@code list} is a protected message that hides {@code hidden}. */
    private static void assertAllProtected(List<byte[]> list, String hidden) throws RecSecException {
        int protectedCount = 0;
        for (byte[] d : list) {
            CoapMessage m = decode(d);
            if (m.isEmpty()) {
                continue; // empty ACKs carry nothing to protect
            }
            protectedCount++;
            assertTrue(m.hasOption(OptionNumbers.RECORD_SECURITY), "no Record-Security on " + m);
            assertFalse(m.hasOption(OptionNumbers.URI_PATH), "Uri-Path visible on the wire");
            assertFalse(m.hasOption(OptionNumbers.BLOCK1) || m.hasOption(OptionNumbers.BLOCK2),
                    "end-to-end Block option visible on the wire");
            assertFalse(contains(d, hidden.getBytes(StandardCharsets.UTF_8)), "plaintext visible on the wire");
        }
        assertTrue(protectedCount > 0);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void getAndPostRoundTripAndTheWireHidesPathAndPayload() throws Exception {
        CoapClient c = protectedClient();
        CoapResponse r = c.advanced(get("secret"));
        assertNotNull(r);
        assertEquals(CoAP.ResponseCode.CONTENT, r.getCode());
        assertEquals(SECRET, r.getResponseText());

        String body = "the password is swordfish";
        CoapResponse p = c.advanced(post("secret", body));
        assertEquals(CoAP.ResponseCode.CHANGED, p.getCode());
        assertEquals("got:" + body, p.getResponseText());
        assertEquals(2, secret.calls.get());

        assertEquals(2, tap.toServer.size());
        CoapMessage outerGet = decode(tap.toServer.get(0));
        assertEquals(0x02, outerGet.code(), "outer code of a protected GET is POST (RFC 8613 §4.2)");
        assertFalse(contains(tap.toServer.get(0), "secret".getBytes(StandardCharsets.UTF_8)));
        assertAllProtected(tap.toServer, body);
        assertAllProtected(tap.toClient, SECRET);
        for (byte[] d : tap.toClient) {
            assertEquals(0x44, decode(d).code(), "outer code of a protected response is 2.04");
            assertFalse(contains(d, "got:".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void configuredDestinationProtectsAnUnchangedClientCall() throws Exception {
        CoapClient c = client(RecSecConfig.builder(clientSas, LocalId.of(CLIENT)).protectRequestsTo(tap.address(), PeerId.of(SERVER))
                .build());
        c.setURI(uri("secret"));
        CoapResponse r = c.get();
        assertEquals(CoAP.ResponseCode.CONTENT, r.getCode());
        assertEquals(SECRET, r.getResponseText());
        assertAllProtected(tap.toServer, "secret");
    }

    @Test
    void block2DownloadIsProtectedBlockByBlock() throws Exception {
        CoapClient c = protectedClient();
        CoapResponse r = c.advanced(get("big"));
        assertEquals(CoAP.ResponseCode.CONTENT, r.getCode());
        assertEquals(BIG, r.getResponseText());
        // 700 bytes in 32-byte blocks: 22 requests, each protected on its own
        assertTrue(tap.toServer.size() >= 22, "requests: " + tap.toServer.size());
        assertAllProtected(tap.toServer, "big");
        assertAllProtected(tap.toClient, "line 3 of");
        assertEquals(1, big.gets.get());
    }

    @Test
    void block1UploadIsProtectedBlockByBlock() throws Exception {
        CoapClient c = protectedClient();
        String upload = bigText(500).replace("line", "upld");
        CoapResponse r = c.advanced(post("big", upload));
        assertEquals(CoAP.ResponseCode.CHANGED, r.getCode());
        assertEquals("len=500", r.getResponseText());
        assertEquals(upload, big.uploaded.get());
        assertTrue(tap.toServer.size() >= 16, "requests: " + tap.toServer.size());
        assertAllProtected(tap.toServer, "upld 2 of");
        assertAllProtected(tap.toClient, "len=");
    }

    @Test
    void observeRelationGetsProtectedNotifications() throws Exception {
        CoapClient c = protectedClient();
        BlockingQueue<CoapResponse> notes = new LinkedBlockingQueue<>();
        AtomicReference<String> error = new AtomicReference<>();
        CoapObserveRelation relation = c.observe(get("obs").setObserve(), new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                notes.add(response);
            }

            @Override
            public void onError() {
                error.set("observe failed");
            }
        });
        CoapResponse first = notes.poll(NOTE_WAIT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(first, "registration answer");
        assertEquals("n=0", first.getResponseText());
        for (int i = 1; i <= 3; i++) {
            obs.change();
            CoapResponse n = notes.poll(NOTE_WAIT_MS, TimeUnit.MILLISECONDS);
            assertNotNull(n, "notification " + i);
            assertEquals("n=" + i, n.getResponseText());
            assertTrue(n.getOptions().hasObserve());
        }
        assertNull(error.get());
        relation.reactiveCancel();
        assertAllProtected(tap.toClient, "n=");
        long notifications = tap.toClient.stream().map(d -> {
            try {
                return decode(d);
            } catch (RecSecException e) {
                throw new AssertionError(e);
            }
        }).filter(m -> m.hasOption(OptionNumbers.OBSERVE)).count();
        assertTrue(notifications >= 4, "protected notifications on the wire: " + notifications);
    }

    @Test
    void unprotectedRequestToProtectedResourceGets401AndNeverReachesIt() throws Exception {
        CoapClient plain = client(null);
        CoapResponse r = plain.advanced(Request.newGet().setURI(uri("secret")));
        assertEquals(CoAP.ResponseCode.UNAUTHORIZED, r.getCode());
        assertEquals(0, r.getPayload().length);
        CoapResponse b = plain.advanced(Request.newGet().setURI(uri("big/sub")));
        assertEquals(CoAP.ResponseCode.UNAUTHORIZED, b.getCode());
        assertEquals(0, secret.calls.get());
        // unprotected resources still answer plain clients
        CoapResponse o = plain.advanced(Request.newGet().setURI(uri("open")));
        assertEquals(CoAP.ResponseCode.CONTENT, o.getCode());
        assertEquals("open", o.getResponseText());
    }

    @Test
    void tamperedRequestGets400AndTheHandlerIsNeverCalled() throws Exception {
        CoapClient c = protectedClient();
        tap.toServerMutator = UdpTap.once(RecSecCaliforniumTest::flipLastBit);
        CoapResponse r = c.advanced(get("secret"));
        assertEquals(CoAP.ResponseCode.BAD_REQUEST, r.getCode());
        assertEquals(0, r.getPayload().length);
        CoapMessage answer = decode(tap.toClient.get(0));
        assertFalse(answer.hasOption(OptionNumbers.RECORD_SECURITY), "the refusal is unprotected");
        assertEquals(0, secret.calls.get());
        // the SA is still usable afterwards: the failed record did not move the window
        assertEquals(SECRET, c.advanced(get("secret")).getResponseText());
    }

    @Test
    void replayedDatagramIsRefused() throws Exception {
        CoapClient c = protectedClient();
        assertEquals(SECRET, c.advanced(get("secret")).getResponseText());
        assertEquals(1, secret.calls.get());
        byte[] recorded = tap.toServer.get(0);
        CoapMessage replay = decode(recorded);
        InetSocketAddress serverAddress = server.getEndpoints().get(0).getAddress();
        try (DatagramSocket attacker = new DatagramSocket(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            attacker.setSoTimeout((int) TIMEOUT_MS);
            // from another port and with another MID, so CoAP deduplication does not absorb it: the replay window must
            byte[] d = CoapCodec.encode(replay.withMessageId((replay.messageId() + 1) & 0xffff));
            attacker.send(new DatagramPacket(d, d.length, serverAddress));
            DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
            attacker.receive(p);
            CoapMessage answer = decode(java.util.Arrays.copyOf(p.getData(), p.getLength()));
            assertEquals(0x80, answer.code(), "4.00 for a replay");
            assertFalse(answer.hasOption(OptionNumbers.RECORD_SECURITY));
            assertEquals(0, answer.payloadLength());
        }
        assertEquals(1, secret.calls.get());
    }

    @Test
    void clientWithoutSaAtTheServerGets401() throws Exception {
        InMemorySaRegistry strangerSas = new InMemorySaRegistry();
        InMemorySaRegistry nobody = new InMemorySaRegistry();
        installPair(CipherSuite.AES_128_GCM, 7, strangerSas, nobody); // SPIs and keys the server does not have
        CoapClient c = client(RecSecConfig.builder(strangerSas, LocalId.of(CLIENT)).build());
        CoapResponse r = c.advanced(get("secret"));
        assertEquals(CoAP.ResponseCode.UNAUTHORIZED, r.getCode());
        assertEquals(0, secret.calls.get());
        assertTrue(decode(tap.toServer.get(0)).hasOption(OptionNumbers.RECORD_SECURITY));
    }

    @Test
    void clientWithoutAnyOutboundSaFailsBeforeSending() {
        List<RecSecRefusal> refused = new CopyOnWriteArrayList<>();
        RecSecConfig cfg = RecSecConfig.builder(new InMemorySaRegistry(), LocalId.of(CLIENT)).onRefusal(refused::add).build();
        CoapClient c = client(cfg);
        IOException e = assertThrows(IOException.class, () -> c.advanced(get("secret")));
        // issue 11: it says so, instead of "response refused"
        RecSecSendException cause = assertInstanceOf(RecSecSendException.class, e.getCause());
        assertEquals(RecSecException.Reason.UNKNOWN_SA, cause.reason());
        assertTrue(cause.getMessage().contains("no outbound SA to peer server"), cause.getMessage());
        assertTrue(tap.toServer.isEmpty(), "nothing may leave unprotected");
        assertEquals(1, cfg.refusals().count(RecSecException.Reason.UNKNOWN_SA));
        assertEquals(RecSecRefusal.Kind.REQUEST_NOT_SENT, refused.get(0).kind());
    }

    @Test
    void tamperedResponseNeverReachesTheApplication() throws Exception {
        List<RecSecRefusal> refused = new CopyOnWriteArrayList<>();
        CoapClient c = client(RecSecConfig.builder(clientSas, LocalId.of(CLIENT)).onRefusal(refused::add).build());
        tap.toClientMutator = UdpTap.once(RecSecCaliforniumTest::flipLastBit);
        // The client's guard drops the forged response below Californium (RFC 6347 §4.1.2.7: invalid records are
        // discarded), so an attacker cannot end the exchange with it: the CON retransmission brings the genuine one.
        CoapResponse r = c.advanced(get("secret"));
        assertEquals(SECRET, r.getResponseText());
        assertEquals(1, refused.size());
        assertEquals(RecSecRefusal.Kind.DATAGRAM, refused.get(0).kind());
        assertEquals(RecSecException.Reason.AUTH_FAILED, refused.get(0).reason());
        assertEquals(1, secret.calls.get());
    }

    @Test
    void awaitedResponsesAreForgottenOnceAnsweredOrCancelled() throws Exception {
        RecSecConfig cfg = RecSecConfig.builder(clientSas, LocalId.of(CLIENT)).build();
        CoapClient c = client(cfg);
        for (int i = 0; i < 3; i++) {
            assertEquals(SECRET, c.advanced(get("secret")).getResponseText());
        }
        assertEquals(BIG, c.advanced(get("big")).getResponseText()); // one tracked request per block
        assertEquals(0, cfg.awaitedResponses().size(), "answered requests are forgotten");
        // A request the network swallows, given up by the application: forgotten too.
        tap.holdToServer = d -> true;
        Request lost = get("secret");
        c.advanced(new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
            }

            @Override
            public void onError() {
            }
        }, lost);
        while (cfg.awaitedResponses().size() == 0) {
            Thread.sleep(10); // until it is on its way (bounded by the class @Timeout)
        }
        lost.cancel();
        assertEquals(0, cfg.awaitedResponses().size(), "a cancelled request is forgotten");
        tap.holdToServer = d -> false;
    }

    @Test
    void replayedOldResponseEndsTheExchangeWithItsReason() throws Exception {
        RecSecConfig clientCfg = RecSecConfig.builder(clientSas, LocalId.of(CLIENT)).build();
        CoapClient c = client(clientCfg);
        assertEquals(SECRET, c.advanced(get("secret")).getResponseText());
        byte[] first = tap.toClient.get(0);
        // answer the next request with the earlier authentic response re-addressed to the new token: its tag
        // verifies, so the guard lets the replay window and the binding refuse it, and the application hears why
        tap.toClientMutator = UdpTap.once(d -> {
            try {
                CoapMessage now = decode(d);
                CoapMessage old = decode(first);
                return CoapCodec.encode(old.withMessageId(now.messageId()).withToken(now.token()));
            } catch (RecSecException ex) {
                throw new AssertionError(ex);
            }
        });
        IOException e = assertThrows(IOException.class, () -> c.advanced(get("secret")));
        RecSecResponseException cause = assertInstanceOf(RecSecResponseException.class, e.getCause());
        assertEquals(RecSecException.Reason.REPLAY, cause.reason());
        assertEquals(1, clientCfg.refusals().count(RecSecException.Reason.REPLAY), clientCfg.refusals().toString());
    }

    @Test
    void duplicatedResponsesNeverEndAnExchange() throws Exception {
        RecSecConfig clientCfg = RecSecConfig.builder(clientSas, LocalId.of(CLIENT)).build();
        CoapClient c = client(clientCfg);
        tap.duplicateToClient = true;
        // Each response arrives twice: the copy either dies in Californium's matcher (exchange complete) or reaches
        // the layer as a REPLAY of the response it already accepted, which is counted and dropped.
        for (int i = 0; i < 20; i++) {
            assertEquals(SECRET, c.advanced(get("secret")).getResponseText());
        }
        assertEquals(clientCfg.refusals().total(), clientCfg.refusals().count(RecSecException.Reason.REPLAY),
                clientCfg.refusals().toString());
    }

    @Test
    void unprotectedSuccessResponseToProtectedRequestIsRefused() throws Exception {
        CoapClient c = protectedClient();
        // an on-path attacker answers the protected request with a plain 2.05 "forged"
        tap.toClientMutator = UdpTap.once(d -> {
            try {
                CoapMessage real = decode(d);
                CoapMessage forged = new CoapMessage(real.type(), 0x45, real.messageId(), real.token(), List.of(),
                        "forged".getBytes(StandardCharsets.UTF_8));
                return CoapCodec.encode(forged);
            } catch (RecSecException ex) {
                throw new AssertionError(ex);
            }
        });
        IOException e = assertThrows(IOException.class, () -> c.advanced(get("secret")));
        RecSecResponseException cause = assertInstanceOf(RecSecResponseException.class, e.getCause());
        assertEquals(RecSecException.Reason.UNPROTECTED, cause.reason());
    }

    @Test
    void protectedDownloadsDifferOnTheWireForEqualContent() throws Exception {
        CoapClient c = protectedClient();
        assertEquals(SECRET, c.advanced(get("secret")).getResponseText());
        assertEquals(SECRET, c.advanced(get("secret")).getResponseText());
        byte[] a = decode(tap.toClient.get(0)).payload();
        byte[] b = decode(tap.toClient.get(1)).payload();
        assertFalse(java.util.Arrays.equals(a, b), "each record has its own sequence number and nonce");
        assertArrayEquals(decode(tap.toServer.get(0)).option(OptionNumbers.RECORD_SECURITY).orElseThrow().value(),
                decode(tap.toServer.get(1)).option(OptionNumbers.RECORD_SECURITY).orElseThrow().value());
    }


    // ------------------------------------------------------------------ issue 11 item 5, issue 12

    @Test
    void peerRestartedWithOldSequenceNumbersIsReportedAsReplay() throws Exception {
        CoapClient c = protectedClient();
        assertEquals(SECRET, c.advanced(get("secret")).getResponseText());
        // the client restarts and installs its old SA afresh: the sequence numbers start at 1 again
        InMemorySaRegistry restarted = new InMemorySaRegistry();
        installPair(CipherSuite.AES_128_CCM_8, 42, restarted, new InMemorySaRegistry());
        CoapClient again = client(RecSecConfig.builder(restarted, LocalId.of(CLIENT)).build());
        CoapResponse r = again.advanced(get("secret"));
        assertEquals(CoAP.ResponseCode.BAD_REQUEST, r.getCode());
        assertEquals(1, secret.calls.get());
        assertEquals(1, serverCfg.refusals().count(RecSecException.Reason.REPLAY));
        assertEquals(1, serverRefusals.size());
        RecSecRefusal refusal = serverRefusals.get(0);
        assertEquals(RecSecRefusal.Kind.REQUEST, refusal.kind());
        assertEquals(RecSecException.Reason.REPLAY, refusal.reason());
        assertEquals(serverSpi, refusal.spi().getAsLong());
        assertNotNull(refusal.peer());
    }

    @Test
    void refusalWarningsAreRateLimited() {
        RefusalReport report = new RefusalReport(null, clock, Duration.ofSeconds(10));
        for (int i = 0; i < 1000; i++) {
            report.refused(RecSecRefusal.Kind.REQUEST, RecSecException.Reason.AUTH_FAILED,
                    java.util.OptionalLong.of(7), null);
        }
        assertEquals(1000, report.count(RecSecException.Reason.AUTH_FAILED));
        assertEquals(1, report.warnings());
        clock.advance(Duration.ofSeconds(10));
        report.refused(RecSecRefusal.Kind.REQUEST, RecSecException.Reason.REPLAY, java.util.OptionalLong.empty(),
                null);
        assertEquals(2, report.warnings());
        assertEquals(1001, report.total());
    }

    @Test
    void resourceReadsTheAuthenticatedPeerAndSpi() throws Exception {
        CoapClient c = protectedClient();
        assertEquals(SECRET, c.advanced(get("secret")).getResponseText());
        AuthenticatedPeer who = secret.lastPeer.get();
        assertNotNull(who, "the protected request carries its authenticated peer");
        assertEquals(PeerId.of(CLIENT), who.peerId());
        assertEquals(serverSpi, who.spi());
        // a plain request has none, and no client can claim one
        CoapClient plain = client(null);
        assertEquals("open", plain.advanced(Request.newGet().setURI(uri("open"))).getResponseText());
        assertTrue(open.lastPeer.get() == null);
    }

    @Test
    void proactiveCancelOfAProtectedObservationIsProtected() throws Exception {
        CoapClient c = protectedClient();
        BlockingQueue<CoapResponse> notes = new LinkedBlockingQueue<>();
        CoapObserveRelation relation = c.observe(get("obs").setObserve(), new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                notes.add(response);
            }

            @Override
            public void onError() {
            }
        });
        assertNotNull(notes.poll(NOTE_WAIT_MS, TimeUnit.MILLISECONDS), "registration answer");
        assertEquals(1, obs.getObserverCount());
        int before = tap.toServer.size();
        relation.proactiveCancel();
        while (obs.getObserverCount() != 0) {
            Thread.sleep(10); // bounded by the class @Timeout
        }
        List<byte[]> sent = tap.toServer.subList(before, tap.toServer.size());
        assertFalse(sent.isEmpty());
        assertAllProtected(sent, "obs");
        assertTrue(serverRefusals.isEmpty(), "refused: " + serverRefusals);
    }

    @Test
    void notificationsReachTheUpperLayersOnThePlainRequest() throws Exception {
        CoapClient c = protectedClient();
        BlockingQueue<Response> onPlain = new LinkedBlockingQueue<>();
        Request registration = get("obs").setObserve();
        registration.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onResponse(Response response) {
                onPlain.add(response);
            }
        });
        BlockingQueue<CoapResponse> notes = new LinkedBlockingQueue<>();
        CoapObserveRelation relation = c.observe(registration, new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                notes.add(response);
            }

            @Override
            public void onError() {
            }
        });
        assertNotNull(notes.poll(NOTE_WAIT_MS, TimeUnit.MILLISECONDS));
        for (int i = 1; i <= 2; i++) {
            obs.change();
            assertNotNull(notes.poll(NOTE_WAIT_MS, TimeUnit.MILLISECONDS), "notification " + i);
        }
        relation.reactiveCancel();
        // the registration answer and both notifications arrived on the request the application sent
        List<String> texts = new ArrayList<>();
        for (Response r : onPlain) {
            texts.add(r.getPayloadString());
        }
        assertEquals(List.of("n=0", "n=1", "n=2"), texts);
    }

    @Test
    void retransmissionOfTheOuterMessageIsForwardedToThePlainOne() {
        AtomicInteger seen = new AtomicInteger();
        Request plain = Request.newGet();
        plain.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onRetransmission() {
                seen.incrementAndGet();
            }
        });
        OuterRequest outer = new OuterRequest(CoAP.Code.POST, CoAP.Type.CON, null, plain, false);
        outer.retransmitting();
        assertEquals(1, seen.get());

        Response plainResponse = new Response(CoAP.ResponseCode.CONTENT);
        AtomicInteger responseSeen = new AtomicInteger();
        plainResponse.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onRetransmission() {
                responseSeen.incrementAndGet();
            }
        });
        Response outerResponse = new Response(CoAP.ResponseCode.CHANGED);
        outerResponse.addMessageObserver(new FateForwarder(plainResponse));
        outerResponse.retransmitting();
        assertEquals(1, responseSeen.get());
    }

    @Test
    void forgedRecordIsDroppedBeforeCaliforniumAndAnsweredStatelessly() throws Exception {
        CoapClient c = protectedClient();
        assertEquals(SECRET, c.advanced(get("secret")).getResponseText());
        CoapMessage genuine = decode(tap.toServer.get(0));
        InetSocketAddress serverAddress = server.getEndpoints().get(0).getAddress();
        try (DatagramSocket attacker = new DatagramSocket(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            attacker.setSoTimeout((int) TIMEOUT_MS);
            // a record with a sequence number never used: only the tag can refuse it
            byte[] record = genuine.payload();
            record[10] = (byte) 0x7f; // low byte of the 48-bit record sequence number (DTLS 1.2 header)
            byte[] forged = CoapCodec.encode(genuine.withMessageId((genuine.messageId() + 7) & 0xffff)
                    .withPayload(record));
            attacker.send(new DatagramPacket(forged, forged.length, serverAddress));
            DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
            attacker.receive(p);
            CoapMessage answer = decode(java.util.Arrays.copyOf(p.getData(), p.getLength()));
            assertEquals(0x80, answer.code());
            assertEquals(CoapMessage.TYPE_ACK, answer.type());
            assertEquals(0, answer.payloadLength());
        }
        assertEquals(1, serverRefusals.size());
        assertEquals(RecSecRefusal.Kind.DATAGRAM, serverRefusals.get(0).kind(), "dropped below Californium");
        assertEquals(RecSecException.Reason.AUTH_FAILED, serverRefusals.get(0).reason());
        assertEquals(1, secret.calls.get());
    }

    // ------------------------------------------------------------------ RFC 9175 Echo

    private Request put(String path, String body) {
        Request r = Request.newPut().setURI(uri(path));
        r.setPayload(body);
        return RecSec.protect(r, PeerId.of(SERVER));
    }

    @Test
    void freshResourceChallengesWithAProtectedEchoAndThenExecutes() throws Exception {
        CoapClient c = protectedClient();
        CoapResponse r = c.advanced(put("lock", "open"));
        assertEquals(CoAP.ResponseCode.CHANGED, r.getCode());
        assertEquals(1, lock.executed.get());
        assertEquals(2, distinct(tap.toServer), "the request and its repetition with the Echo");
        CoapMessage challenge = decode(tap.toClient.get(0));
        assertTrue(challenge.hasOption(OptionNumbers.RECORD_SECURITY), "the 4.01 is protected");
        assertEquals(0x44, challenge.code(), "outer 2.04: the 4.01 and the Echo are inside the record");
        assertFalse(challenge.hasOption(OptionNumbers.ECHO), "Echo is Class E: inner only");
        assertAllProtected(tap.toServer, "open");
        // within the lifetime the remembered Echo is reused: one round trip
        assertEquals(CoAP.ResponseCode.CHANGED, c.advanced(put("lock", "close")).getCode());
        assertEquals(3, distinct(tap.toServer));
        assertEquals(2, lock.executed.get());
        // after it, the server challenges again
        clock.advance(Duration.ofSeconds(11));
        assertEquals(CoAP.ResponseCode.CHANGED, c.advanced(put("lock", "open")).getCode());
        assertEquals(5, distinct(tap.toServer));
        assertEquals(3, lock.executed.get());
        assertTrue(serverRefusals.isEmpty());
    }

    @Test
    void requestHeldBackByAProxyPastTheEchoLifetimeIsNotExecuted() throws Exception {
        CoapClient c = protectedClient();
        assertEquals(CoAP.ResponseCode.CHANGED, c.advanced(put("lock", "close")).getCode());
        assertEquals(1, lock.executed.get());
        // the proxy holds the next request back; the client gives up (CON retransmissions held too)
        tap.holdToServer = d -> true;
        c.setTimeout(1000L);
        CoapResponse lost = c.advanced(put("lock", "open"));
        assertNull(lost);
        tap.holdToServer = d -> false;
        assertFalse(tap.held.isEmpty());
        // ... and releases it after the Echo value inside it has expired
        clock.advance(Duration.ofSeconds(11));
        int answersBefore = tap.toClient.size();
        tap.releaseHeld();
        while (tap.toClient.size() == answersBefore) {
            Thread.sleep(10); // bounded by the class @Timeout
        }
        assertEquals(1, lock.executed.get(), "the delayed command must not move the lock");
        CoapMessage answer = decode(tap.toClient.get(answersBefore));
        assertTrue(answer.hasOption(OptionNumbers.RECORD_SECURITY), "answered by a protected 4.01 challenge");
    }

    // ------------------------------------------------------------------ resources

    static class CountingResource extends CoapResource {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicReference<AuthenticatedPeer> lastPeer = new AtomicReference<>();

        CountingResource(String name) {
            super(name);
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            calls.incrementAndGet();
            lastPeer.set(RecSec.authenticatedPeer(exchange).orElse(null));
            exchange.respond(CoAP.ResponseCode.CONTENT, getName());
        }
    }

    static final class SecretResource extends CountingResource {
        SecretResource() {
            super("secret");
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            calls.incrementAndGet();
            lastPeer.set(RecSec.authenticatedPeer(exchange).orElse(null));
            exchange.respond(CoAP.ResponseCode.CONTENT, SECRET);
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            calls.incrementAndGet();
            exchange.respond(CoAP.ResponseCode.CHANGED, "got:" + exchange.getRequestText());
        }
    }

    static final class BigResource extends CoapResource {
        final AtomicInteger gets = new AtomicInteger();
        final AtomicReference<String> uploaded = new AtomicReference<>();

        BigResource() {
            super("big");
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            gets.incrementAndGet();
            exchange.respond(CoAP.ResponseCode.CONTENT, BIG);
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            uploaded.set(exchange.getRequestText());
            exchange.respond(CoAP.ResponseCode.CHANGED, "len=" + exchange.getRequestPayload().length);
        }
    }

    /** An actuator: needs fresh requests (RFC 9175). */
    static final class LockResource extends CoapResource {
        final AtomicInteger executed = new AtomicInteger();

        LockResource() {
            super("lock");
        }

        @Override
        public void handlePUT(CoapExchange exchange) {
            executed.incrementAndGet();
            exchange.respond(CoAP.ResponseCode.CHANGED);
        }
    }

    static final class ObservedResource extends CoapResource {
        private final AtomicInteger n = new AtomicInteger();
        final AtomicInteger gets = new AtomicInteger();

        ObservedResource() {
            super("obs");
            setObservable(true);
            getAttributes().setObservable();
        }

        void change() {
            n.incrementAndGet();
            changed();
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            gets.incrementAndGet();
            exchange.respond(CoAP.ResponseCode.CONTENT, "n=" + n.get());
        }
    }
}
