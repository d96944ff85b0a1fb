package org.recsec.kmp.ticket.exchange;


import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.recsec.californium.RecSec;
import org.recsec.californium.RecSecConfig;
import org.recsec.km.pfkey.Endpoints;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.kmp.ticket.ReplayCache;
import org.recsec.kmp.ticket.TicketSaParameters;
import org.recsec.kmp.ticket.TicketValidator;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;

/**
 * The whole path on one port per end: the RS's record-sec Californium endpoint hosts the open /authz-info and a
 * protected /temp; the client posts its ticket unprotected through its record-sec endpoint, then GETs /temp
 * protected with the SAs the exchange installed in the two SADs.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TicketOverCaliforniumRecSecTest {

    /** A free loopback UDP port: the identities are needed before the endpoints are built. */
    private static InetSocketAddress freeLoopbackAddress() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
    }

    @Test
    void ticketThenProtectedGetOverRecordSecEndpoints() throws Exception {
        InetSocketAddress rsAddr = freeLoopbackAddress();
        InetSocketAddress clientAddr = freeLoopbackAddress();
        String rsId = Endpoints.coapUri(rsAddr);
        String clientId = Endpoints.coapUri(clientAddr);
        SecureRandom random = new SecureRandom();
        var clock = Loopback.clockAt(Loopback.T0);
        try (SecurityAssociationDatabase rsSad = SecurityAssociationDatabase.builder(clock, new Random(1))
                .localIdentities(Set.of(rsId)).build();
             SecurityAssociationDatabase clientSad = SecurityAssociationDatabase.builder(clock, new Random(2))
                     .localIdentities(Set.of(clientId)).build()) {
            CoapServer server = new CoapServer(Loopback.CONFIG);
            server.addEndpoint(RecSec.endpointBuilder(RecSecConfig.builder(rsSad, LocalId.of(rsId)).protectResource("temp")
                    .build()).setConfiguration(Loopback.CONFIG).setInetSocketAddress(rsAddr).build());
            TicketValidator validator = new TicketValidator(rsId, List.of(Loopback.AS_KEY), clock,
                    new ReplayCache(16), 0);
            server.add(new AuthzInfoResource(new AuthzInfoHandler(validator, rsSad.openSession(b -> { }), rsId,
                    random, clock)));
            server.add(new CoapResource("temp") {
                @Override
                public void handleGET(CoapExchange exchange) {
                    exchange.respond(ResponseCode.CONTENT, "21.5 C");
                }
            });
            server.start();
            CoapEndpoint clientEndpoint = RecSec.endpointBuilder(RecSecConfig.builder(clientSad, LocalId.of(clientId)).build())
                    .setConfiguration(Loopback.CONFIG).setInetSocketAddress(clientAddr).build();
            CoapClient coap = new CoapClient();
            coap.setEndpoint(clientEndpoint);
            coap.setTimeout(5_000L);
            try {
                // Without SAs the protected resource refuses.
                CoapResponse before = coap.advanced(Request.newGet().setURI(rsId + "/temp"));
                assertEquals(ResponseCode.UNAUTHORIZED, before.getCode());

                TicketSaParameters sa = TicketSaParameters.defaults(CipherSuite.CHACHA20_POLY1305);
                InstalledPair p = TicketExchange.establish(Loopback.AS_KEY, sa, Duration.ofMinutes(10),
                        clientSad.openSession(b -> { }), clientId, coap, rsId, random, clock);
                assertEquals(2, rsSad.size());

                CoapResponse r = coap.advanced(RecSec.protect(Request.newGet().setURI(rsId + "/temp"), PeerId.of(rsId)));
                assertEquals(ResponseCode.CONTENT, r.getCode());
                assertEquals("21.5 C", r.getResponseText());
                // The request really went under the pair: the client's outbound SA counted one record.
                assertEquals(1, clientSad.outbound(LocalId.of(clientId), PeerId.of(rsId)).reserveSequence());
                assertEquals(p.serverInboundSpi(), clientSad.outbound(LocalId.of(clientId), PeerId.of(rsId)).spi());
            } finally {
                coap.shutdown();
                clientEndpoint.destroy();
                server.destroy();
            }
        }
    }
}
