package org.recsec.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.recsec.californium.RecSec;
import org.recsec.californium.RecSecConfig;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeKmp;
import org.recsec.kmp.se.SeSpis;
import org.recsec.kmp.se.coap.CoapFlightServer;
import org.recsec.kmp.se.coap.CoapSocketAgent;
import org.recsec.kmp.se.coap.CoapTransmission;
import org.recsec.kmp.se.coap.DtlsModeEngines;
import org.recsec.kmp.se.coap.FlightResource;
import org.recsec.kmp.se.coap.ModesFixture;
import org.recsec.kmp.se.coap.SeCoapDtlsBridge;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.se.host.SeCard;

/**
 * Proxy-Uri through the project's forward proxy ({@link ForwardingProxy}, RFC 7252 §5.10.2, §6.4) over real UDP: the
 * card's certificate-mode handshake in CoAP messages that name the server by one Proxy-Uri (block-wise on both legs),
 * the SA pair installed through SeKmp, then a protected request whose application sets a Proxy-Uri (record-sec
 * splits it, RFC 8613 §4.1.3.3) and its protected response, all through the same proxy. On the proxy's first leg the
 * handshake requests carry Proxy-Uri; on its second leg no request does (decomposed into Uri-* options).
 */
@Timeout(180)
class ProxyUriThroughTheProxyTest {
    private static final String CLIENT_ID = "coap://proxy-uri-client.recsec";
    private static final String SERVER_ID = "coap://proxy-uri-server.recsec";

    /** A tapped datagram: which leg, the message. */
    record Seen(boolean firstLeg, CoapMessage message) {
    }

    @Test
    void theHandshakeAndAProtectedRequestGoThroughTheProxyWithProxyUri() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        SecureRandom random = new SecureRandom();
        Configuration config = Configuration.createStandardWithoutFile();
        CoapServer server = new CoapServer(config);
        SecurityAssociationDatabase clientSad = SecurityAssociationDatabase.builder(Clock.systemUTC(), random)
                .localIdentities(Set.of(CLIENT_ID)).build();
        CoapEndpoint endpoint;
        SecurityAssociationDatabase serverSad = SecurityAssociationDatabase.builder(Clock.systemUTC(), random)
                .localIdentities(Set.of(SERVER_ID)).build();
        List<Seen> seen = new ArrayList<>();
        ModesFixture.Pki pki = new ModesFixture.Pki("proxy-uri ca");
        CompletableFuture<PskDtlsServer.Established> established = new CompletableFuture<>();
        CoapFlightServer flights = new CoapFlightServer(DtlsModeEngines.certificate(pki.server.getEncoded(),
                pki.serverKeys.getPrivate(), pki.ca, new DtlsModeEngines.SessionCache(4), random), random,
                established::complete);
        try {
            // identities are names, not addresses: the server binds port 0 and the Proxy-Uri names what it got
            endpoint = RecSec.endpointBuilder(RecSecConfig.builder(serverSad, LocalId.of(SERVER_ID))
                    .protectResource("echo").build()).setConfiguration(config)
                    .setInetSocketAddress(new InetSocketAddress(loopback, 0)).build();
            server.addEndpoint(endpoint);
            server.add(new CoapResource("echo") {
                @Override
                public void handlePOST(CoapExchange exchange) {
                    exchange.respond(CoAP.ResponseCode.CHANGED, exchange.getRequestPayload(),
                            MediaTypeRegistry.TEXT_PLAIN);
                }
            });
            FlightResource.install(server, flights);
            server.start();
            assertTrue(endpoint.isStarted(), "the server listens");
            InetSocketAddress serverAddr = endpoint.getAddress();
            try (ForwardingProxy proxy = new ForwardingProxy(new InetSocketAddress(loopback, 0),
                    new InetSocketAddress(loopback, 0), config, (src, dst, bytes) -> {
                        synchronized (seen) {
                            try {
                                seen.add(new Seen(!src.equals(serverAddr) && !dst.equals(serverAddr),
                                        CoapCodec.decode(bytes, 0, bytes.length)));
                            } catch (org.recsec.record.base.RecSecException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    })) {
                // 1. the certificate handshake, the server named by Proxy-Uri
                SeCard card = pki.certificateCard(pki.ca);
                card.reset(SeCard.MODE_CERT);
                SeCoapDtlsBridge bridge;
                try (CoapSocketAgent coap = CoapSocketAgent.overUdp(serverAddr, proxy.address(),
                        CoapSocketAgent.ProxyForm.PROXY_URI, loopback, random)) {
                    bridge = new SeCoapDtlsBridge(card, coap, CoapTransmission.RFC7252.dtlsTimer());
                    assertFalse(bridge.handshake());
                }
                PskDtlsServer.Established est = established.get(30, TimeUnit.SECONDS);
                SeSpis spis = SeKmp.installExported(card, bridge.clientRandom(), bridge.serverRandom(),
                        clientSad.openSession(m -> { }), CLIENT_ID, SERVER_ID);
                assertEquals(est.spis(), spis);
                SeKmp.installServer(est.keys(), spis, serverSad.openSession(m -> { }), SERVER_ID, CLIENT_ID, 1);

                // 2. a protected request whose application names the server by Proxy-Uri
                CoapClient client = new CoapClient();
                client.setEndpoint(RecSec.endpointBuilder(RecSecConfig.builder(clientSad, LocalId.of(CLIENT_ID))
                        .build()).setConfiguration(config).setInetSocketAddress(new InetSocketAddress(loopback, 0))
                        .build());
                client.setTimeout(10_000L);
                try {
                    Request request = Request.newPost();
                    request.setURI("coap://" + loopback.getHostAddress() + ":" + proxy.address().getPort());
                    request.getOptions().setProxyUri("coap://" + loopback.getHostAddress() + ":"
                            + serverAddr.getPort() + "/echo");
                    request.setPayload("named by Proxy-Uri");
                    RecSec.protect(request, PeerId.of(SERVER_ID));
                    CoapResponse response = client.advanced(request);
                    assertNotNull(response, "a response through the proxy");
                    assertEquals(CoAP.ResponseCode.CHANGED, response.getCode());
                    assertEquals("named by Proxy-Uri", response.getResponseText());
                } finally {
                    client.shutdown();
                }
            }
            synchronized (seen) {
                long proxyUriFirst = seen.stream().filter(s -> s.firstLeg() && s.message().isRequest()
                        && s.message().hasOption(OptionNumbers.PROXY_URI)).count();
                assertTrue(proxyUriFirst >= 3, "handshake requests with Proxy-Uri on the first leg: " + proxyUriFirst);
                assertTrue(seen.stream().noneMatch(s -> !s.firstLeg() && s.message().hasOption(
                        OptionNumbers.PROXY_URI)), "no Proxy-Uri on the second leg");
                assertTrue(seen.stream().anyMatch(s -> !s.firstLeg() && s.message().isRequest()
                        && s.message().hasOption(OptionNumbers.BLOCK1)), "the certificate flight went in blocks");
                assertTrue(seen.stream().anyMatch(s -> !s.firstLeg() && s.message().isRequest()
                        && s.message().hasOption(OptionNumbers.RECORD_SECURITY)), "the protected request went too");
            }
        } finally {
            flights.close();
            server.destroy();
        }
    }
}
