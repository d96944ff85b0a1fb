package org.recsec.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.recsec.californium.RecSec;
import org.recsec.californium.RecSecConfig;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * The simulator's end-to-end checks once more over real UDP on loopback: Californium client and server with the
 * record-sec layer, the Californium forward proxy in between, SAs installed through PF_KEY. An honest proxy delivers
 * and sees nothing protected; a proxy that tampers, strips or replays is refused and the server application never
 * sees the forged request.
 */
class CaliforniumProxyTest {
    private static final String CLIENT = "coap://client.test";
    private static final String SERVER = "coap://origin.test";
    private static final InetAddress SERVER_IP = address(2);

    private final List<byte[]> upstream = new ArrayList<>();
    private final AtomicInteger handled = new AtomicInteger();
    private volatile TappingConnector.Mutator mutator = (src, dst, bytes) -> bytes;
    private CoapServer server;
    private ForwardingProxy proxy;
    private CoapClient client;
    private InetSocketAddress serverAddress;

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void start() throws Exception {
        Configuration config = Configuration.createStandardWithoutFile();
        SecureRandom random = new SecureRandom();
        SecurityAssociationDatabase clientSad = SecurityAssociationDatabase.builder(Clock.systemUTC(), random)
                .localIdentities(Set.of(CLIENT)).build();
        SecurityAssociationDatabase serverSad = SecurityAssociationDatabase.builder(Clock.systemUTC(), random)
                .localIdentities(Set.of(SERVER)).build();
        server = new CoapServer(config);
        server.addEndpoint(RecSec.endpointBuilder(RecSecConfig.builder(serverSad, LocalId.of(SERVER)).protectAllResources().build())
                .setConfiguration(config).setInetSocketAddress(new InetSocketAddress(SERVER_IP, 0)).build());
        server.add(new CoapResource("echo") {
            @Override
            public void handlePOST(CoapExchange exchange) {
                handled.incrementAndGet();
                exchange.respond(CoAP.ResponseCode.CHANGED, exchange.getRequestPayload());
            }

            @Override
            public void handleGET(CoapExchange exchange) {
                handled.incrementAndGet();
                exchange.respond(CoAP.ResponseCode.CONTENT, exchange.getRequestOptions().getUriQueryString());
            }
        });
        server.start();
        serverAddress = server.getEndpoints().get(0).getAddress();
        new ManualKmp(random, CipherSuite.AES_128_CCM_8).establish(new DemoKmp.Setup(clientSad, CLIENT, serverSad,
                SERVER, serverAddress, new Trace(new PrintStream(OutputStream.nullOutputStream())), server, config));
        InetAddress loopback = address(1);
        proxy = new ForwardingProxy(new InetSocketAddress(loopback, 0), new InetSocketAddress(loopback, 0), config,
                (src, dst, bytes) -> {
                    if (dst.equals(serverAddress)) {
                        synchronized (upstream) {
                            upstream.add(bytes);
                        }
                    }
                }, (src, dst, bytes) -> mutator.apply(src, dst, bytes));
        client = new CoapClient();
        client.setEndpoint(RecSec.endpointBuilder(RecSecConfig.builder(clientSad, LocalId.of(CLIENT)).build())
                .setConfiguration(config).setInetSocketAddress(new InetSocketAddress(loopback, 0)).build());
        client.setTimeout(10_000L);
    }

    @AfterEach
    void stop() {
        client.shutdown();
        proxy.close();
        server.destroy();
    }

    private CoapResponse send(Request request) throws Exception {
        request.setURI("coap://127.0.0.1:" + proxy.address().getPort());
        return client.advanced(RecSec.protect(request, PeerId.of(SERVER)));
    }

    private Request post(String path, String payload) {
        Request r = Request.newPost();
        r.getOptions().setProxyUri("coap://127.0.0.2:" + serverAddress.getPort() + "/" + path);
        r.setPayload(payload);
        return r;
    }

    @Test
    void honestProxyDeliversAndSeesNothingProtected() throws Exception {
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String secret = "payload-secret-" + i + "-" + System.nanoTime();
            secrets.add(secret);
            CoapResponse r = send(post("echo", secret));
            assertNotNull(r);
            assertEquals(CoAP.ResponseCode.CHANGED, r.getCode());
            assertEquals(secret, r.getResponseText());
        }
        String query = "q-secret-" + System.nanoTime();
        Request get = Request.newGet();
        get.getOptions().setProxyUri("coap://127.0.0.2:" + serverAddress.getPort() + "/echo?" + query);
        CoapResponse r = send(get);
        assertEquals(CoAP.ResponseCode.CONTENT, r.getCode());
        assertEquals(query, r.getResponseText());
        secrets.add(query);
        assertEquals(5, handled.get());
        synchronized (upstream) {
            assertEquals(5, upstream.size());
            for (byte[] d : upstream) {
                String seen = new String(d, StandardCharsets.ISO_8859_1);
                for (String s : secrets) {
                    assertFalse(seen.contains(s), "the proxy forwarded " + s + " in clear");
                }
                assertFalse(seen.contains("echo"), "Uri-Path in clear");
            }
        }
    }

    @Test
    void tamperedRecordIsRefusedAndNeverReachesTheApplication() throws Exception {
        mutator = (src, dst, bytes) -> {
            bytes[bytes.length - 1] ^= 0x01; // the last byte of the record's tag
            return bytes;
        };
        CoapResponse r = send(post("echo", "forged"));
        assertEquals(CoAP.ResponseCode.BAD_REQUEST, r.getCode());
        assertEquals(0, r.getPayloadSize(), "no detail for an attacker");
        assertEquals(0, handled.get());
        mutator = (src, dst, bytes) -> bytes;
        assertEquals("genuine", send(post("echo", "genuine")).getResponseText());
        assertEquals(1, handled.get());
    }

    @Test
    void strippedRecordSecurityIsAnswered401() throws Exception {
        mutator = (src, dst, bytes) -> {
            try {
                CoapMessage m = CoapCodec.decode(bytes, 0, bytes.length);
                List<CoapOption> kept = new ArrayList<>(m.options());
                kept.removeIf(o -> o.number() == OptionNumbers.RECORD_SECURITY);
                return CoapCodec.encode(m.withOptions(kept));
            } catch (org.recsec.record.base.RecSecException e) {
                throw new IllegalStateException(e);
            }
        };
        CoapResponse r = send(post("echo", "stripped"));
        assertEquals(CoAP.ResponseCode.UNAUTHORIZED, r.getCode());
        assertEquals(0, handled.get());
    }

    @Test
    void replayedRequestWithANewMessageIdIsRefused() throws Exception {
        assertEquals("once", send(post("echo", "once")).getResponseText());
        byte[] old;
        synchronized (upstream) {
            old = upstream.get(upstream.size() - 1);
        }
        CoapMessage m = CoapCodec.decode(old, 0, old.length);
        byte[] replay = CoapCodec.encode(m.withMessageId((m.messageId() + 4711) & 0xffff));
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address(1), 0))) {
            s.setSoTimeout(5000);
            s.send(new DatagramPacket(replay, replay.length, serverAddress));
            byte[] buf = new byte[1500];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            CoapMessage answer = CoapCodec.decode(buf, 0, p.getLength());
            assertEquals(0x80, answer.code(), "4.00 for a replay");
            assertFalse(answer.hasOption(OptionNumbers.RECORD_SECURITY), "refusals are unprotected");
        }
        assertEquals(1, handled.get(), "the replay never reached the application");
        assertTrue(send(post("echo", "again")).isSuccess());
    }
}
