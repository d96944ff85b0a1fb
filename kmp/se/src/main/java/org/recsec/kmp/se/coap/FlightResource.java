package org.recsec.kmp.se.coap;

import java.util.List;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;

/**
 * {@link CoapFlightServer} as a Californium resource at {@code /.well-known/recsec-hs} (and every
 * {@code /.well-known/recsec-hs/<id>} below it). Californium does the messaging: deduplication of CON
 * retransmissions (RFC 7252 §4.5), the piggybacked ACK, Block1 reassembly and Block2 (RFC 7959) by its
 * configuration's block size. Only POST is allowed (4.05 otherwise); responses carry the flight with
 * Content-Format {@value FlightCoap#CONTENT_FORMAT}. When the answer to a completing flight has been sent, the resource
 * tells {@link CoapFlightServer#answerSent}.
 */
public final class FlightResource extends CoapResource {
    private final CoapFlightServer flights;

    private FlightResource(CoapFlightServer flights) {
        super(FlightCoap.RESOURCE.get(1));
        this.flights = flights;
        setVisible(false);
    }

    /** Adds the resource to {@code server}, under its {@code .well-known} resource (created if missing). */
    public static FlightResource install(CoapServer server, CoapFlightServer flights) {
        Resource root = server.getRoot();
        Resource wellKnown = root.getChild(FlightCoap.RESOURCE.get(0));
        if (wellKnown == null) {
            wellKnown = new CoapResource(FlightCoap.RESOURCE.get(0));
            root.add(wellKnown);
        }
        FlightResource r = new FlightResource(java.util.Objects.requireNonNull(flights));
        wellKnown.add(r);
        return r;
    }

    /** Every child name is a handshake id, served by this resource. */
    @Override
    public Resource getChild(String name) {
        return this;
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        List<String> path = exchange.getRequestOptions().getUriPath();
        String id;
        if (path.size() == FlightCoap.RESOURCE.size()) {
            id = null;
        } else if (path.size() == FlightCoap.RESOURCE.size() + 1) {
            id = path.get(FlightCoap.RESOURCE.size());
        } else {
            exchange.respond(CoAP.ResponseCode.NOT_FOUND);
            return;
        }
        int cf = exchange.getRequestOptions().hasContentFormat() ? exchange.getRequestOptions().getContentFormat()
                : -1;
        CoapFlightServer.Reply r = flights.handle(id, cf, exchange.getRequestPayload(),
                exchange.getSourceAddress().getHostAddress());
        Response response = new Response(CoAP.ResponseCode.valueOf(r.code()));
        if (r.handshakeId() != null) {
            for (String seg : FlightCoap.RESOURCE) {
                response.getOptions().addLocationPath(seg);
            }
            response.getOptions().addLocationPath(r.handshakeId());
        }
        if (r.payload().length > 0) {
            response.getOptions().setContentFormat(FlightCoap.CONTENT_FORMAT);
            response.setPayload(r.payload());
        }
        if (r.completes() != null) {
            response.addMessageObserver(new MessageObserverAdapter() {
                @Override
                public void onSent(boolean retransmission) {
                    flights.answerSent(r);
                }
            });
        }
        exchange.respond(response);
    }
}
