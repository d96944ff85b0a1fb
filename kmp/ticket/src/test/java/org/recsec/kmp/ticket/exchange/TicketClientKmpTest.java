package org.recsec.kmp.ticket.exchange;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.junit.jupiter.api.Test;
import org.recsec.km.pfkey.Endpoints;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.kmp.ticket.IssuedTicket;
import org.recsec.kmp.ticket.TicketSaParameters;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.internal.wire.Bytes;

/** The client's failure paths leave its SAD as it was; the demo helper installs both ends. */
class TicketClientKmpTest {
    private static final TicketSaParameters SA = TicketSaParameters.defaults(CipherSuite.AES_128_CCM_8);

    /** A fake RS whose /authz-info answers with a fixed code, payload and Content-Format (-1: none). */
    private static CoapServer fakeRs(ResponseCode code, byte[] payload, int contentFormat) {
        CoapEndpoint ep = Loopback.endpoint();
        CoapServer s = new CoapServer(Loopback.CONFIG);
        s.addEndpoint(ep);
        s.add(new CoapResource(AuthzInfoResource.NAME) {
            @Override
            public void handlePOST(CoapExchange exchange) {
                Response r = new Response(code);
                r.setPayload(payload);
                if (contentFormat >= 0) {
                    r.getOptions().setContentFormat(contentFormat);
                }
                exchange.respond(r);
            }
        });
        s.start();
        return s;
    }

    private static void assertFailsCleanly(Loopback l, String rsUri, TicketExchangeException.Reason reason) {
        List<PfKeyMessage> before = Loopback.dump(l.clientObserver);
        IssuedTicket t = TicketExchangeTest.issue(rsUri, Loopback.AS_KEY, Loopback.T0, 3600, SA);
        TicketExchangeException e = assertThrows(TicketExchangeException.class,
                () -> l.client().establish(TicketGrant.of(t, SA), rsUri, l.coap, l.clientId));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(before, Loopback.dump(l.clientObserver));
        assertEquals(0, l.clientSad.size());
    }

    private static String uriOf(CoapServer s) {
        return Endpoints.coapUri(s.getEndpoints().get(0).getAddress());
    }

    @Test
    void malformedOrUnexpectedAnswersLeaveNothingInstalled() throws Exception {
        try (Loopback l = new Loopback()) {
            byte[] good = new AuthzInfoMessages.Response(new byte[16], 4242).encode();
            CoapServer garbage = fakeRs(ResponseCode.CREATED, Bytes.fromHex("a1182a40"), 60);
            CoapServer noFormat = fakeRs(ResponseCode.CREATED, good, -1);
            CoapServer changed = fakeRs(ResponseCode.CHANGED, good, 60);
            CoapServer shortNonce = fakeRs(ResponseCode.CREATED, Bytes.fromHex("a2182a4700000000000000182c19012c"),
                    60);
            CoapServer forbidden = fakeRs(ResponseCode.FORBIDDEN, new byte[0], -1);
            try {
                assertFailsCleanly(l, uriOf(garbage), TicketExchangeException.Reason.MALFORMED);
                assertFailsCleanly(l, uriOf(noFormat), TicketExchangeException.Reason.UNEXPECTED_RESPONSE);
                assertFailsCleanly(l, uriOf(changed), TicketExchangeException.Reason.UNEXPECTED_RESPONSE);
                assertFailsCleanly(l, uriOf(shortNonce), TicketExchangeException.Reason.MALFORMED);
                assertFailsCleanly(l, uriOf(forbidden), TicketExchangeException.Reason.UNEXPECTED_RESPONSE);
            } finally {
                for (CoapServer s : List.of(garbage, noFormat, changed, shortNonce, forbidden)) {
                    s.destroy();
                }
            }
        }
    }

    @Test
    void noAnswerIsATransportFailure() throws Exception {
        try (Loopback l = new Loopback()) {
            CoapServer silent = fakeRs(ResponseCode.CREATED, new byte[0], 60);
            String uri = uriOf(silent);
            silent.destroy();
            l.coap.setTimeout(300L);
            assertFailsCleanly(l, uri, TicketExchangeException.Reason.TRANSPORT);
        }
    }

    @Test
    void rsUriMustBeCoapHostAndPort() throws Exception {
        try (Loopback l = new Loopback()) {
            IssuedTicket t = TicketExchangeTest.issue(l.rsId, Loopback.AS_KEY, Loopback.T0, 3600, SA);
            for (String bad : List.of(l.rsId + "/authz-info", "coaps://127.0.0.1:5684", "http://127.0.0.1",
                    l.rsId + "?q", "coap:opaque", "not a uri")) {
                assertThrows(IllegalArgumentException.class,
                        () -> l.client().establish(TicketGrant.of(t, SA), bad, l.coap, l.clientId), bad);
            }
            assertEquals(0, l.clientSad.size());
            assertEquals(0, l.rsSad.size());
        }
    }

    @Test
    void demoHelperInstallsBothEnds() throws Exception {
        try (Loopback l = new Loopback()) {
            // A second RS on the demo path: TicketExchange.rsHandler behind AuthzInfoResource.
            CoapEndpoint ep = Loopback.endpoint();
            CoapServer demo = new CoapServer(Loopback.CONFIG);
            demo.addEndpoint(ep);
            demo.start();
            String rsId = Endpoints.coapUri(ep.getAddress());
            try (var rsSad = org.recsec.km.sad.SecurityAssociationDatabase.builder(Loopback.clockAt(Loopback.T0),
                    new java.util.Random(9)).localIdentities(java.util.Set.of(rsId)).build()) {
                demo.add(new AuthzInfoResource(TicketExchange.rsHandler(Loopback.AS_KEY, rsSad.openSession(b -> { }),
                        rsId, new SecureRandom(), Loopback.clockAt(Loopback.T0))));
                InstalledPair p = TicketExchange.establish(Loopback.AS_KEY, SA, Duration.ofMinutes(5),
                        l.clientSession, l.clientId, l.coap, rsId, new SecureRandom(), Loopback.clockAt(Loopback.T0));
                var rsObserver = rsSad.openSession(b -> { });
                SaSpec rsIn = SaSpec.fromMessage(rsObserver.get(p.serverInboundSpi(), l.clientId, rsId));
                SaSpec clientOut = SaSpec.fromMessage(l.clientObserver.get(p.serverInboundSpi(), l.clientId, rsId));
                assertEquals(true, rsIn.key().equalsSecret(clientOut.key()));
                assertEquals(300, rsIn.hard().addTime());
                assertEquals(2, rsSad.size());
                assertEquals(2, l.clientSad.size());
            } finally {
                demo.destroy();
            }
        }
    }
}
