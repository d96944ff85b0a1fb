package org.recsec.californium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.recsec.record.CountingSa;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.RecordProtector;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.ReplayWindow;

/**
 * The guard's verdict on real Californium endpoints over UDP loopback: each protected record is opened once on its
 * way up (by the guard; the layer accepts the guard's result), and a record that arrives twice at once is executed
 * once.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GuardVerdictTest {
    private static final CipherSuite SUITE = CipherSuite.AES_128_CCM_8;
    private static final long SERVER_SPI = 0x1234;
    private static final long CLIENT_SPI = 0x2345;

    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    private final InMemorySaRegistry clientSas = new InMemorySaRegistry();
    private final InMemorySaRegistry serverSas = new InMemorySaRegistry();
    private final RecSecCaliforniumTest.CountingResource counted = new RecSecCaliforniumTest.CountingResource("n");
    private Configuration config;
    private CountingSa atServer;
    private CountingSa atClient;
    private CoapServer server;
    private CoapEndpoint clientEndpoint;
    private CoapClient client;

    @BeforeEach
    void start() throws Exception {
        Random rnd = new Random(19);
        byte[] k1 = new byte[16];
        byte[] k2 = new byte[16];
        byte[] iv1 = new byte[4];
        byte[] iv2 = new byte[4];
        rnd.nextBytes(k1);
        rnd.nextBytes(k2);
        rnd.nextBytes(iv1);
        rnd.nextBytes(iv2);
        clientSas.install(ManualSa.outbound(SUITE).spi(SERVER_SPI).epoch(1).firstSequence(1)
                .route(LocalId.of("c"), PeerId.of("s")).key(SecretBytes.copyOf(k1)).iv(iv1).build());
        atServer = new CountingSa(ManualSa.inbound(SUITE).spi(SERVER_SPI).epoch(1)
                .replayWindow(ReplayWindow.DEFAULT_SIZE).route(LocalId.of("s"), PeerId.of("c"))
                .key(SecretBytes.copyOf(k1)).iv(iv1).build());
        serverSas.install(atServer);
        serverSas.install(ManualSa.outbound(SUITE).spi(CLIENT_SPI).epoch(1).firstSequence(1)
                .route(LocalId.of("s"), PeerId.of("c")).key(SecretBytes.copyOf(k2)).iv(iv2).build());
        atClient = new CountingSa(ManualSa.inbound(SUITE).spi(CLIENT_SPI).epoch(1)
                .replayWindow(ReplayWindow.DEFAULT_SIZE).route(LocalId.of("c"), PeerId.of("s"))
                .key(SecretBytes.copyOf(k2)).iv(iv2).build());
        clientSas.install(atClient);

        config = Configuration.createStandardWithoutFile();
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = new CoapServer(config);
        server.addEndpoint(RecSec.endpointBuilder(RecSecConfig.builder(serverSas, LocalId.of("s"))
                .protectResource("n").build()).setConfiguration(config).setInetSocketAddress(loopback).build());
        server.add(counted);
        server.start();
        clientEndpoint = RecSec.endpointBuilder(RecSecConfig.builder(clientSas, LocalId.of("c")).build())
                .setConfiguration(config).setInetSocketAddress(loopback).build();
        client = new CoapClient();
        client.setEndpoint(clientEndpoint);
        client.setTimeout(10_000L);
    }

    @AfterEach
    void stop() {
        client.shutdown();
        clientEndpoint.destroy();
        server.destroy();
    }

    private InetSocketAddress serverAddress() {
        return server.getEndpoints().get(0).getAddress();
    }

    @Test
    void eachProtectedRecordIsOpenedOnceOnEachEnd() throws Exception {
        InetSocketAddress a = serverAddress();
        int n = 5;
        for (int i = 0; i < n; i++) {
            // NON: nothing is retransmitted, so each end receives exactly n protected records
            Request get = Request.newGet().setURI("coap://" + a.getHostString() + ":" + a.getPort() + "/n");
            get.setConfirmable(false);
            CoapResponse r = client.advanced(RecSec.protect(get, PeerId.of("s")));
            assertNotNull(r, "response " + i);
            assertEquals(CoAP.ResponseCode.CONTENT, r.getCode());
            assertEquals("n", r.getResponseText());
        }
        assertEquals(n, counted.calls.get());
        assertEquals(PeerId.of("c"), counted.lastPeer.get().peerId(), "the verified request carries its peer");
        assertEquals(n, atServer.cipher().opens.get(), "one open per request: the guard's, reused by the layer");
        assertEquals(n, atClient.cipher().opens.get(), "one open per response");
    }

    @Test
    void oneRecordArrivingTwiceAtOnceIsExecutedOnce() throws Exception {
        RecordProtector sender = new RecordProtector(clientSas);
        try (DatagramSocket first = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket second = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            first.setSoTimeout(10_000);
            second.setSoTimeout(10_000);
            int rounds = 10;
            for (int i = 0; i < rounds; i++) {
                CoapMessage get = new CoapMessage(CoapMessage.TYPE_NON, 0x01, 100 + i, new byte[] {4, (byte) i},
                        List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "n")), new byte[0]);
                byte[] d = CoapCodec.encode(sender.protectRequest(get, LocalId.of("c"), PeerId.of("s")).outer());
                // two sources, so Californium's deduplication (address, port, MID) does not absorb the copy
                first.send(new DatagramPacket(d, d.length, serverAddress()));
                second.send(new DatagramPacket(d, d.length, serverAddress()));
                List<CoapMessage> answers = new ArrayList<>();
                for (DatagramSocket s : List.of(first, second)) {
                    DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
                    s.receive(p);
                    answers.add(CoapCodec.decode(Arrays.copyOf(p.getData(), p.getLength()), 0, p.getLength()));
                }
                long executed = answers.stream().filter(m -> m.hasOption(OptionNumbers.RECORD_SECURITY)).count();
                long refused = answers.stream().filter(m -> m.code() == 0x80).count();
                assertEquals(1, executed, "round " + i + ": one protected answer");
                assertEquals(1, refused, "round " + i + ": the copy refused with 4.00");
                assertEquals(i + 1, counted.calls.get(), "round " + i);
            }
        }
    }
}
