package org.recsec.californium;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.Map;
import java.util.OptionalLong;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Option;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.core.coap.option.StandardOptionRegistry;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.stack.AbstractLayer;
import org.eclipse.californium.elements.EndpointContext;
import org.recsec.record.EchoFreshness;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.RequestContext;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.VerifiedRecord;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Californium layer that protects and unprotects messages with {@link RecordProtector}. It sits below the
 * Observe and block-wise layers and above the reliability layer, so each block and each notification is one
 * protected message of its own, and retransmissions repeat the very same record (the peer's deduplication, not the
 * replay window, absorbs them).
 *
 * <p>Client: a request marked by {@link RecSec#protect} or sent to a destination of
 * {@link RecSecConfig.Builder#protectRequestsTo} is replaced by its protected {@link OuterRequest}; responses and
 * notifications are verified against it. A response that fails verification, or an unprotected success response,
 * never reaches the application: the request fails with {@link RecSecResponseException} (a refused notification
 * is dropped and the relation kept). Unprotected 4.xx/5.xx responses are delivered as they are: that is how a
 * server refuses a request (docs/DESIGN.md "Errors"), and they carry no protected content.
 *
 * <p>Server: a protected request is verified and handed up as the inner request; its {@link RequestContext} stays
 * with the exchange, so the response and every notification of an Observe relation are protected under the reverse
 * SA. A refused protected request is answered with an unprotected 4.01 (no SA, SA expired) or 4.00 (anything
 * else), no payload; an unprotected request to a protected resource with 4.01. Neither reaches the resource. The
 * verified request's source context carries {@link RecSec#PEER_ID} and {@link RecSec#SPI}.
 *
 * <p>Behind a {@link RecordGuard} (what {@link RecSec#endpointBuilder} builds) a protected request or response
 * comes with the guard's verdict ({@link GuardVerdicts}): the record the guard already opened for this very datagram,
 * which the layer accepts (SA usable, replay window, binding) without a second lookup, decode and AEAD open. Without one
 * (no guard, a stateful cipher, a compact-profile response) the layer unprotects the message's bytes itself.
 *
 * <p>Send order: a record is sealed and handed down to the transport under one lock per route (local and peer
 * identity), so records leave in the order of their sequence numbers even when many threads and endpoints share an
 * SA; what reorders them after that (receiver threads, the network) the replay window absorbs.
 *
 * <p>Freshness (RFC 9175 §2.4): see {@link RecSecConfig}. The client repeats a request at most once per 4.01 with
 * an Echo, and remembers the newest Echo value per peer for its next requests to that peer, so a sequence of
 * commands to a fresh resource costs one extra round trip per Echo lifetime, not per request.
 */
final class RecSecLayer extends AbstractLayer {
    private static final Logger LOGGER = LoggerFactory.getLogger(RecSecLayer.class);

    private final RecSecConfig config;
    private final RecordProtector protector;
    /** Server side: the context of each exchange whose request was protected (identity keys, dropped with it). */
    private final Map<Exchange, RequestContext> contexts = Collections.synchronizedMap(new WeakHashMap<>());
    /** Client side: the requests waiting for a response and the active observations' registrations, by token. */
    private final AwaitedResponses awaited;
    /** Client side: the newest Echo value each server gave us (RFC 9175 §2.4: may be used for several requests). */
    private final Map<PeerId, byte[]> echoes = new ConcurrentHashMap<>();

    RecSecLayer(RecSecConfig config) {
        this.config = config;
        this.protector = config.protector();
        this.awaited = config.awaitedResponses();
    }

    // ------------------------------------------------------------------ client

    @Override
    public void sendRequest(Exchange exchange, Request request) {
        PeerId peer = peerFor(exchange, request);
        if (peer == null) {
            super.sendRequest(exchange, request);
            return;
        }
        byte[] echo = echoes.get(peer);
        sendProtected(exchange, request, peer, echo, false);
    }

    /**
     * Seals {@code request} and hands the record down under the route's lock, so the sequence numbers of one SA go
     * on the wire in the order they were reserved (issue 12 item 6).
     */
    private void sendProtected(Exchange exchange, Request request, PeerId peer, byte[] echo, boolean echoRetry) {
        synchronized (config.sendLock(config.localId(), peer)) {
            OuterRequest outer;
            try {
                CoapMessage coap = Messages.toCoap(request, null);
                if (echo != null) {
                    coap = Messages.withEcho(coap, echo);
                }
                ProtectedRequest pr = protector.protectRequest(coap, config.localId(), peer);
                outer = Messages.outerRequest(pr, request, echoRetry);
            } catch (RecSecException e) {
                config.report().refused(RecSecRefusal.Kind.REQUEST_NOT_SENT, e.reason(), OptionalLong.empty(),
                        address(request.getDestinationContext()));
                failRequest(exchange, request, new RecSecSendException(e.reason(), peer));
                return;
            }
            if (echoRetry) {
                exchange.setCurrentRequest(outer);
            }
            awaited.track(outer);
            if (outer.isObserve()) {
                awaited.trackObservation(outer);
            }
            super.sendRequest(exchange, outer);
        }
    }

    private static InetSocketAddress address(EndpointContext context) {
        return context == null ? null : context.getPeerAddress();
    }

    private PeerId peerFor(Exchange exchange, Request request) {
        PeerId peer = RecSec.markedPeer(request);
        if (peer == null && exchange.getRequest() != request) {
            // block-wise follow-ups and Observe re-registrations are new Request objects without the marker
            peer = RecSec.markedPeer(exchange.getRequest());
        }
        if (peer == null && request.isObserveCancel() && request.getToken() != null) {
            // CoapObserveRelation.proactiveCancel() builds a new GET without the marker: protect it like the
            // registration it cancels, or it would carry Uri-Path and the rest in the clear
            OuterRequest registration = awaited.observation(request.getToken());
            if (registration != null) {
                peer = registration.sentAs().peerId();
            }
        }
        if (peer == null) {
            peer = config.peerFor(address(request.getDestinationContext()));
        }
        return peer;
    }

    private static void failRequest(Exchange exchange, Request request, Throwable error) {
        request.setSendError(error);
        if (exchange.getRequest() != request) {
            exchange.getRequest().setSendError(error);
        }
    }

    @Override
    public void receiveResponse(Exchange exchange, Response response) {
        OuterRequest outer = outerOf(exchange, response);
        if (outer == null) {
            if (Messages.hasRecordSecurity(response)) {
                // a protected response to a request we did not protect: nothing to verify it against
                refuse(exchange, response, RecSecException.Reason.BAD_BINDING);
                return;
            }
            super.receiveResponse(exchange, response);
            return;
        }
        // The layer takes this response (accepts or refuses it): the guard awaits no other for the request.
        awaited.answered(outer);
        if (!Messages.hasRecordSecurity(response)) {
            if (response.getCode().isClientError() || response.getCode().isServerError()) {
                awaited.endObservation(response.getToken(), outer);
                restorePlain(exchange, outer);
                super.receiveResponse(exchange, response);
            } else {
                refuse(exchange, response, RecSecException.Reason.UNPROTECTED);
            }
            return;
        }
        Response plain;
        synchronized (outer) {
            try {
                VerifiedRecord verified = config.verdicts().take(response);
                CoapMessage inner = verified != null ? protector.unprotectResponse(verified, outer.sentAs())
                        : protector.unprotectResponse(Messages.received(response), outer.sentAs());
                plain = Messages.plainResponse(inner, response);
                outer.markAnswered();
            } catch (RecSecException e) {
                if (e.reason() == RecSecException.Reason.REPLAY && outer.answered()) {
                    // The server's deduplication answered our CON retransmission with the response this exchange
                    // already accepted: counted, dropped, and the exchange keeps its genuine response. A replayed
                    // record before any genuine response still ends the exchange below, with its reason.
                    reportRefusedResponse(exchange, response, e.reason());
                    return;
                }
                refuse(exchange, response, e.reason());
                return;
            }
        }
        if (plain.getCode() == CoAP.ResponseCode.UNAUTHORIZED && !plain.isNotification()) {
            byte[] echo = Messages.echoOf(plain);
            if (echo != null) {
                PeerId peer = outer.sentAs().peerId();
                echoes.put(peer, echo.clone());
                if (!outer.isEchoRetry()) {
                    // RFC 9175 §2.4: repeat the request, now with the server's Echo inside the record
                    Request again = outer.plain();
                    again.setToken(response.getToken());
                    sendProtected(exchange, again, peer, echo, true);
                    return;
                }
            }
        }
        if (!plain.isNotification() || outer.plain().isObserveCancel()) {
            awaited.endObservation(response.getToken(), outer);
            if (outer.plain().isObserveCancel()) {
                awaited.endObservation(response.getToken(), null);
            }
        }
        restorePlain(exchange, outer);
        super.receiveResponse(exchange, plain);
    }

    private OuterRequest outerOf(Exchange exchange, Response response) {
        if (exchange.getCurrentRequest() instanceof OuterRequest o) {
            return o;
        }
        if (exchange.getRequest() instanceof OuterRequest o) {
            return o;
        }
        return exchange.isNotification() ? awaited.observation(response.getToken()) : null;
    }

    /**
     * A notification after the registration's exchange ended arrives on a new exchange whose request is the one in
     * the observation store, the outer one; the upper layers and the application know the plain one.
     */
    private static void restorePlain(Exchange exchange, OuterRequest outer) {
        // the store may hand back the outer request itself or a copy of it (a persisting store always copies)
        if (exchange.getRequest() == outer || (exchange.isNotification() && exchange.getRequest() != outer.plain())) {
            exchange.setRequest(outer.plain());
        }
    }

    private void reportRefusedResponse(Exchange exchange, Response response, RecSecException.Reason reason) {
        config.report().refused(exchange.isNotification() ? RecSecRefusal.Kind.NOTIFICATION
                : RecSecRefusal.Kind.RESPONSE, reason, Messages.spiOf(response), address(response.getSourceContext()));
    }

    private void refuse(Exchange exchange, Response response, RecSecException.Reason reason) {
        LOGGER.debug("response refused: {}", reason);
        reportRefusedResponse(exchange, response, reason);
        if (exchange.isNotification()) {
            return; // keep the relation: a forged notification must not end it
        }
        Request request = exchange.getRequest() instanceof OuterRequest o ? o.plain() : exchange.getRequest();
        request.setSendError(new RecSecResponseException(reason));
        exchange.setComplete();
    }

    // ------------------------------------------------------------------ server

    @Override
    public void receiveRequest(Exchange exchange, Request request) {
        InetSocketAddress from = address(request.getSourceContext());
        if (!Messages.hasRecordSecurity(request)) {
            if (config.isProtectedPath(request.getOptions().getUriPathString())) {
                config.report().refused(RecSecRefusal.Kind.REQUEST, RecSecException.Reason.UNPROTECTED,
                        OptionalLong.empty(), from);
                reject(exchange, request, RecSecException.Reason.UNPROTECTED);
                return;
            }
            super.receiveRequest(exchange, request);
            return;
        }
        Request plain;
        RequestContext context;
        long verifiedSpi;
        try {
            VerifiedRecord verified = config.verdicts().take(request);
            UnprotectedRequest u = verified != null ? protector.unprotectRequest(verified)
                    : protector.unprotectRequest(Messages.received(request));
            plain = Messages.plainRequest(u.message(), request);
            context = u.context();
            verifiedSpi = u.spi();
        } catch (RecSecException e) {
            LOGGER.debug("request refused: {}", e.reason());
            config.report().refused(RecSecRefusal.Kind.REQUEST, e.reason(), Messages.spiOf(request), from);
            reject(exchange, request, e.reason());
            return;
        }
        plain.setSourceContext(new VerifiedSourceContext(request.getSourceContext(), context.peerId().value(),
                verifiedSpi));
        contexts.put(exchange, context);
        exchange.setRequest(plain);
        EchoFreshness freshness = config.freshness();
        if (freshness != null && config.needsFreshness(plain.getOptions().getUriPathString())
                && !freshness.isFresh(Messages.echoOf(plain), verifiedSpi, context.peerId())) {
            // RFC 9175 §2.4 item 1: not executed; a protected 4.01 with a new Echo value, inner
            Response challenge = new Response(CoAP.ResponseCode.UNAUTHORIZED);
            challenge.getOptions().addOption(new Option(StandardOptionRegistry.ECHO,
                    freshness.issue(verifiedSpi, context.peerId())));
            challenge.setDestinationContext(request.getSourceContext());
            sendResponse(exchange, challenge);
            return;
        }
        super.receiveRequest(exchange, plain);
    }

    /** The unprotected error response of docs/DESIGN.md "Errors": 4.01 or 4.00, no options, no payload. */
    private void reject(Exchange exchange, Request request, RecSecException.Reason reason) {
        int code = RecordProtector.errorResponseCode(reason);
        Response error = new Response(CoAP.ResponseCode.valueOf(code));
        error.setDestinationContext(request.getSourceContext());
        super.sendResponse(exchange, error);
    }

    @Override
    public void sendResponse(Exchange exchange, Response response) {
        RequestContext context = contexts.get(exchange);
        if (context == null) {
            super.sendResponse(exchange, response);
            return;
        }
        synchronized (config.sendLock(context.localId(), context.peerId())) {
            Response outer;
            try {
                CoapMessage m = protector.protectResponse(
                        Messages.toCoap(response, exchange.getCurrentRequest().getToken()), context);
                outer = Messages.outerResponse(m, response);
            } catch (RecSecException e) {
                // never send the plaintext of a response to a protected request
                LOGGER.debug("cannot protect response: {}", e.reason());
                config.report().refused(RecSecRefusal.Kind.RESPONSE_NOT_SENT, e.reason(), OptionalLong.empty(),
                        address(response.getDestinationContext()));
                Response error = new Response(CoAP.ResponseCode.INTERNAL_SERVER_ERROR);
                error.setDestinationContext(response.getDestinationContext());
                response.setSendError(new RecSecResponseException(e.reason()));
                super.sendResponse(exchange, error);
                return;
            }
            forwardEvents(outer, response);
            super.sendResponse(exchange, outer);
        }
    }

    /** The Observe layer follows a CON notification's fate on the response it handed down, the plain one. */
    private static void forwardEvents(Response outer, Response plain) {
        outer.addMessageObserver(new FateForwarder(plain) {
            @Override
            public void onReadyToSend() {
                plain.setMID(outer.getMID());
                plain.setToken(outer.getToken());
            }
        });
        plain.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onCancel() {
                outer.cancel();
            }
        });
    }
}
