package org.recsec.californium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.recsec.record.ProtectedRequest;
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
 * The penalty box over real UDP on loopback: one socket floods forged records (the server's real SPI, the wrong key)
 * while a genuine client on the same host sends protected requests. The flooding source ends up dropped unread
 * (visible to the operator in the refusal counters); the genuine client is served and never refused or penalized.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GuardFloodTest {
    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    private static void pair(InMemorySaRegistry client, InMemorySaRegistry server, byte[] k1, byte[] k2) {
        CipherSuite suite = CipherSuite.AES_128_CCM_8;
        byte[] iv = new byte[suite.ivSizeBytes()];
        client.install(ManualSa.outbound(suite).spi(0x21).epoch(1).firstSequence(1)
                .route(LocalId.of("c"), PeerId.of("s")).key(SecretBytes.copyOf(k1)).iv(iv).build());
        server.install(ManualSa.inbound(suite).spi(0x21).epoch(1).replayWindow(ReplayWindow.DEFAULT_SIZE)
                .route(LocalId.of("s"), PeerId.of("c")).key(SecretBytes.copyOf(k1)).iv(iv).build());
        server.install(ManualSa.outbound(suite).spi(0x12).epoch(1).firstSequence(1)
                .route(LocalId.of("s"), PeerId.of("c")).key(SecretBytes.copyOf(k2)).iv(iv).build());
        client.install(ManualSa.inbound(suite).spi(0x12).epoch(1).replayWindow(ReplayWindow.DEFAULT_SIZE)
                .route(LocalId.of("c"), PeerId.of("s")).key(SecretBytes.copyOf(k2)).iv(iv).build());
    }

    @Test
    void aGenuineClientOnTheFloodingHostIsServedWhileTheFloodIsDroppedUnread() throws Exception {
        Random rnd = new Random(12);
        byte[] k1 = new byte[16];
        byte[] k2 = new byte[16];
        byte[] wrong = new byte[16];
        rnd.nextBytes(k1);
        rnd.nextBytes(k2);
        rnd.nextBytes(wrong);
        InMemorySaRegistry clientSas = new InMemorySaRegistry();
        InMemorySaRegistry serverSas = new InMemorySaRegistry();
        pair(clientSas, serverSas, k1, k2);
        InMemorySaRegistry forgerSas = new InMemorySaRegistry();
        forgerSas.install(ManualSa.outbound(CipherSuite.AES_128_CCM_8).spi(0x21).epoch(1).firstSequence(1_000_000)
                .route(LocalId.of("c"), PeerId.of("s")).key(SecretBytes.copyOf(wrong))
                .iv(new byte[CipherSuite.AES_128_CCM_8.ivSizeBytes()]).build());
        ConcurrentLinkedQueue<RecSecRefusal> refusals = new ConcurrentLinkedQueue<>();
        RecSecConfig serverCfg = RecSecConfig.builder(serverSas, LocalId.of("s")).protectAllResources()
                .guardFailuresPerSourcePerSecond(5).guardRepliesPerSecond(0).warnInterval(Duration.ofHours(1))
                .onRefusal(refusals::add).build();
        Configuration config = Configuration.createStandardWithoutFile();
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        CoapServer server = new CoapServer(config);
        CoapEndpoint se = RecSec.endpointBuilder(serverCfg).setConfiguration(config).setInetSocketAddress(loopback)
                .build();
        server.addEndpoint(se);
        server.add(new CoapResource("r") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond(CoAP.ResponseCode.CONTENT, "ok");
            }
        });
        server.start();
        RecordGuard guard = (RecordGuard) se.getConnector();
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), se.getAddress().getPort());
        String uri = "coap://127.0.0.1:" + target.getPort() + "/r";
        CoapEndpoint ce = RecSec.endpointBuilder(RecSecConfig.builder(clientSas, LocalId.of("c")).build())
                .setConfiguration(config).setInetSocketAddress(loopback).build();
        ce.start();
        CoapClient client = new CoapClient(uri);
        client.setEndpoint(ce);
        client.setTimeout(60_000L);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> floodError = new AtomicReference<>();
        DatagramSocket flood = new DatagramSocket(loopback);
        Thread flooder = new Thread(() -> {
            RecordProtector forger = new RecordProtector(forgerSas);
            int mid = 0;
            try {
                while (!stop.get()) {
                    CoapMessage get = new CoapMessage(CoapMessage.TYPE_CON, 0x01, mid++ & 0xffff, new byte[] {7},
                            List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "r")), new byte[0]);
                    ProtectedRequest pr = forger.protectRequest(get, LocalId.of("c"), PeerId.of("s"));
                    byte[] d = CoapCodec.encode(pr.outer());
                    flood.send(new DatagramPacket(d, d.length, target));
                }
            } catch (Throwable e) {
                if (!stop.get()) {
                    floodError.set(e);
                }
            }
        }, "flooder");
        try {
            flooder.start();
            while (serverCfg.refusals().droppedUnread() == 0 && floodError.get() == null) {
                Thread.sleep(10); // until the flooding source is in the penalty box
            }
            assertNull(floodError.get());
            int served = 0;
            for (int i = 0; i < 20; i++) {
                CoapResponse r = client.advanced(RecSec.protect(Request.newGet().setURI(uri), PeerId.of("s")));
                if (r != null && r.getCode() == CoAP.ResponseCode.CONTENT) {
                    served++;
                }
            }
            assertEquals(20, served, "every genuine request served during the flood");
            assertNull(floodError.get());
            assertTrue(guard.penalized() > 0);
            assertTrue(serverCfg.refusals().droppedUnread() >= guard.penalized());
            InetSocketAddress floodSource = (InetSocketAddress) flood.getLocalSocketAddress();
            assertTrue(guard.penalizes(floodSource), "the flooding source is in the penalty box");
            assertFalse(guard.penalizes(ce.getAddress()), "the genuine client never is");
            assertFalse(refusals.isEmpty());
            for (RecSecRefusal r : refusals) {
                assertEquals(floodSource.getPort(), r.peer().getPort(), "only the flood's records are refused: " + r);
            }
        } finally {
            stop.set(true);
            flood.close();
            flooder.join();
            client.shutdown();
            ce.destroy();
            server.destroy();
        }
    }
}
