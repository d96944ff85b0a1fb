package org.recsec.californium;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
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
import org.recsec.record.CipherSuite;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.RecSecException;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.SecretBytes;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.OptionNumbers;
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

    @BeforeEach
    void start() throws Exception {
        config = Configuration.createStandardWithoutFile();
        // small blocks, so a few hundred bytes need block-wise transfer both ways
        config.set(CoapConfig.MAX_MESSAGE_SIZE, 64);
        config.set(CoapConfig.PREFERRED_BLOCK_SIZE, 32);
        clientSas = new InMemorySaRegistry();
        serverSas = new InMemorySaRegistry();
        installPair(CipherSuite.AES_128_CCM_8, 42, clientSas, serverSas);

        RecSecConfig serverCfg = RecSecConfig.builder(serverSas, SERVER)
                .protectResource("secret").protectResource("/big/").protectResource("obs").build();
        server = new CoapServer(config);
        CoapEndpoint serverEndpoint = RecSec.endpointBuilder(serverCfg).setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
        server.addEndpoint(serverEndpoint);
        server.add(secret, big, open, obs);
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

    /** Client→server SA (SPI chosen by the server) and server→client SA (SPI chosen by the client). */
    private static void installPair(CipherSuite suite, long seed, InMemorySaRegistry client,
                                    InMemorySaRegistry server) {
        Random rnd = new Random(seed);
        byte[] k1 = bytes(rnd, suite.keySizeBytes());
        byte[] iv1 = bytes(rnd, suite.ivSizeBytes());
        byte[] k2 = bytes(rnd, suite.keySizeBytes());
        byte[] iv2 = bytes(rnd, suite.ivSizeBytes());
        long serverSpi = 0x1000 + rnd.nextInt(1000);
        long clientSpi = 0x2000 + rnd.nextInt(1000);
        client.install(ManualSa.outbound(serverSpi, suite, 1, 1, CLIENT, SERVER,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k1), iv1)));
        server.install(ManualSa.inbound(serverSpi, suite, 1, ReplayWindow.DEFAULT_SIZE, SERVER, CLIENT,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k1), iv1)));
        server.install(ManualSa.outbound(clientSpi, suite, 1, 1, SERVER, CLIENT,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k2), iv2)));
        client.install(ManualSa.inbound(clientSpi, suite, 1, ReplayWindow.DEFAULT_SIZE, CLIENT, SERVER,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k2), iv2)));
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
        return client(RecSecConfig.builder(clientSas, CLIENT).build());
    }

    private Request get(String path) {
        return RecSec.protect(Request.newGet().setURI(uri(path)), SERVER);
    }

    private Request post(String path, String body) {
        Request r = Request.newPost().setURI(uri(path));
        r.setPayload(body);
        return RecSec.protect(r, SERVER);
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
        CoapClient c = client(RecSecConfig.builder(clientSas, CLIENT).protectRequestsTo(tap.address(), SERVER)
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
        CoapResponse first = notes.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(first, "registration answer");
        assertEquals("n=0", first.getResponseText());
        for (int i = 1; i <= 3; i++) {
            obs.change();
            CoapResponse n = notes.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
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
        CoapClient c = client(RecSecConfig.builder(strangerSas, CLIENT).build());
        CoapResponse r = c.advanced(get("secret"));
        assertEquals(CoAP.ResponseCode.UNAUTHORIZED, r.getCode());
        assertEquals(0, secret.calls.get());
        assertTrue(decode(tap.toServer.get(0)).hasOption(OptionNumbers.RECORD_SECURITY));
    }

    @Test
    void clientWithoutAnyOutboundSaFailsBeforeSending() {
        CoapClient c = client(RecSecConfig.builder(new InMemorySaRegistry(), CLIENT).build());
        IOException e = assertThrows(IOException.class, () -> c.advanced(get("secret")));
        RecSecResponseException cause = assertInstanceOf(RecSecResponseException.class, e.getCause());
        assertEquals(RecSecException.Reason.UNKNOWN_SA, cause.reason());
        assertTrue(tap.toServer.isEmpty(), "nothing may leave unprotected");
    }

    @Test
    void tamperedResponseNeverReachesTheApplication() throws Exception {
        CoapClient c = protectedClient();
        tap.toClientMutator = UdpTap.once(RecSecCaliforniumTest::flipLastBit);
        IOException e = assertThrows(IOException.class, () -> c.advanced(get("secret")));
        RecSecResponseException cause = assertInstanceOf(RecSecResponseException.class, e.getCause());
        assertEquals(RecSecException.Reason.AUTH_FAILED, cause.reason());
        assertEquals(1, secret.calls.get());
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
        assertArrayEquals(decode(tap.toServer.get(0)).option(OptionNumbers.RECORD_SECURITY).value(),
                decode(tap.toServer.get(1)).option(OptionNumbers.RECORD_SECURITY).value());
    }

    // ------------------------------------------------------------------ resources

    static class CountingResource extends CoapResource {
        final AtomicInteger calls = new AtomicInteger();

        CountingResource(String name) {
            super(name);
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            calls.incrementAndGet();
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
