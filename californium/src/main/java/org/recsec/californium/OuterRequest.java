package org.recsec.californium;

import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.elements.EndpointContext;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.base.PeerId;

/**
 * The protected request that goes on the wire in place of {@link #plain()}. It stays the exchange's current request
 * (and, for Observe, the request in Californium's observation store), so the client finds the binding of every
 * response and notification on it. Events of the outer message are forwarded to the plain one, which the
 * application and the upper layers wait on; cancelling the plain one cancels the outer one.
 */
final class OuterRequest extends Request {
    private final ProtectedRequest protectedRequest;
    private final Request plain;
    private final boolean echoRetry;
    /** The binding as sent, for the token it was built with (immutable, so a racing rebuild is harmless). */
    private volatile SentAs sentAs;
    /** Set once a response to this request passed unprotect; guarded by this object. */
    private boolean answered;

    OuterRequest(CoAP.Code code, CoAP.Type type, ProtectedRequest protectedRequest, Request plain,
                 boolean echoRetry) {
        super(code, type);
        this.protectedRequest = protectedRequest;
        this.plain = plain;
        this.echoRetry = echoRetry;
        addMessageObserver(0, new FateForwarder(plain) {
            @Override
            public void onReadyToSend() {
                // the matcher assigned the token to the outer request; Block2 follow-ups and Observe cancels copy it
                // from the plain one
                if (plain.getToken() == null) {
                    plain.setToken(getToken());
                }
            }

            @Override
            public void onContextEstablished(EndpointContext endpointContext) {
                plain.onContextEstablished(endpointContext);
            }
        });
        plain.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onCancel() {
                cancel();
            }
        });
    }

    /**
     * The binding as sent: the matcher assigns the token after protection (the token is not protected), and the
     * response must come back with that token.
     */
    ProtectedRequest sentAs() {
        Token token = getToken();
        SentAs cached = sentAs;
        if (cached != null && cached.token == token) {
            return cached.request;
        }
        byte[] bytes = token == null ? new byte[0] : token.getBytes();
        ProtectedRequest request = new ProtectedRequest(protectedRequest.outer().withToken(bytes),
                protectedRequest.requestSequence(), protectedRequest.peerId(), protectedRequest.localId());
        sentAs = new SentAs(token, request);
        return request;
    }

    /** {@link #sentAs()} for one token: built once, not for every response and guard check (it copies the record). */
    private record SentAs(Token token, ProtectedRequest request) {
    }

    Request plain() {
        return plain;
    }

    /** True for the repetition of a request with the Echo value of the server's 4.01 (RFC 9175 §2.4 item 2). */
    /** Records that a response to this request was accepted; guarded by {@code this}. */
    void markAnswered() {
        assert Thread.holdsLock(this);
        answered = true;
    }

    /** True once a response to this request was accepted; guarded by {@code this}. */
    boolean answered() {
        assert Thread.holdsLock(this);
        return answered;
    }

    boolean isEchoRetry() {
        return echoRetry;
    }
}
