package org.recsec.kmp.ticket.exchange;

import java.util.Objects;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.recsec.km.pfkey.Endpoints;

/**
 * {@code /authz-info} on a Californium server: a thin wrapper that hands POST payloads to an
 * {@link AuthzInfoHandler}, naming the client by the source address of its request ({@code coap://ADDR:PORT},
 * {@link Endpoints#coapUri}). Requests whose Content-Format is not {@code application/cbor} (60) get 4.15
 * (RFC 7252 §5.10.3); other methods 4.05, as {@link CoapResource} answers them. Add it to the server's root:
 * {@code server.add(new AuthzInfoResource(handler))}.
 */
public final class AuthzInfoResource extends CoapResource {
    /** The resource name, as in RFC 9200 §5.10.1. */
    public static final String NAME = "authz-info";

    private final AuthzInfoHandler handler;

    public AuthzInfoResource(AuthzInfoHandler handler) {
        super(NAME);
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        if (!exchange.getRequestOptions().isContentFormat(AuthzInfoMessages.CONTENT_FORMAT_CBOR)) {
            exchange.respond(ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
            return;
        }
        AuthzInfoHandler.Reply reply = handler.handle(exchange.getRequestPayload(),
                Endpoints.coapUri(exchange.getSourceSocketAddress()));
        Response response = new Response(ResponseCode.valueOf(reply.code()));
        if (reply.code() == AuthzInfoHandler.CREATED) {
            response.setPayload(reply.payload());
            response.getOptions().setContentFormat(AuthzInfoMessages.CONTENT_FORMAT_CBOR);
        }
        exchange.respond(response);
    }
}
