package org.recsec.californium;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Token;
import org.recsec.record.ProtectedRequest;

/**
 * Client side: the protected requests that wait for a response, and the protected registrations of the active
 * observations, by token. {@link RecSecLayer} keeps them; {@link RecordGuard} reads them to verify a response that
 * names its SA by the request it answers (compact profile: an empty Record-Security option, the request's record
 * number in the AAD) below Californium, as it verifies every other record there: a forged response is dropped before
 * the reliability layer takes it for the answer, and the genuine one still ends the exchange.
 *
 * <p>Bounded by the exchanges in flight: a request is entered when it is ready to send (its token assigned) and
 * removed when the layer takes its response, or when it times out, is cancelled or rejected or fails to send; a
 * registration when its observation ends (a final or error response, a cancel, the same failures). That is the
 * lifecycle of Californium's own exchange store: a NON request nobody answers and nobody cancels or times out (no
 * response timeout set) stays there as long as here.
 */
final class AwaitedResponses {
    private final Map<Token, OuterRequest> inFlight = new ConcurrentHashMap<>();
    /**
     * The protected registration of each active observation. Californium's observation store keeps a copy of the
     * outer request, and notifications after the first response arrive on a new exchange built from that copy; their
     * binding is the registration's (docs/DESIGN.md "Response binding").
     */
    private final Map<Token, OuterRequest> observations = new ConcurrentHashMap<>();

    /**
     * Tracks {@code outer} from the moment it is sent until {@link #answered} or its exchange fails (time-out,
     * cancel, reject, send error).
     */
    void track(OuterRequest outer) {
        outer.addMessageObserver(new Forget(inFlight, outer));
    }

    /** The layer took a response to {@code outer} (accepted or refused): its exchange waits for no other. */
    void answered(OuterRequest outer) {
        if (outer.getToken() != null) {
            inFlight.remove(outer.getToken(), outer);
        }
    }

    /** Tracks the registration {@code outer} until its observation ends (not when its first exchange does). */
    void trackObservation(OuterRequest outer) {
        outer.addMessageObserver(new Forget(observations, outer));
    }

    /** The request a response with {@code token} answers, or the registration a notification belongs to; or null. */
    ProtectedRequest awaiting(byte[] token) {
        Token t = Token.fromProvider(token);
        OuterRequest outer = inFlight.get(t);
        if (outer == null) {
            outer = observations.get(t);
        }
        return outer == null ? null : outer.sentAs();
    }

    /** The registration of the observation with {@code token}, or null. */
    OuterRequest observation(Token token) {
        return observations.get(token);
    }

    /** Ends the observation {@code token}, if it is {@code outer}'s (or any, with {@code outer} null). */
    void endObservation(Token token, OuterRequest outer) {
        if (outer == null) {
            observations.remove(token);
        } else {
            observations.remove(token, outer);
        }
    }

    /** Requests and registrations tracked now (for tests). */
    int size() {
        return inFlight.size() + observations.size();
    }

    /** Enters the request when its token is known and removes it when it fails or is given up. */
    private static class Forget extends MessageObserverAdapter {
        private final Map<Token, OuterRequest> map;
        private final OuterRequest outer;

        Forget(Map<Token, OuterRequest> map, OuterRequest outer) {
            this.map = map;
            this.outer = outer;
        }

        @Override
        public void onReadyToSend() {
            map.put(outer.getToken(), outer);
        }

        @Override
        public void onTimeout() {
            forget();
        }

        @Override
        public void onSendError(Throwable error) {
            forget();
        }

        @Override
        public void onReject() {
            forget();
        }

        @Override
        public void onCancel() {
            forget();
        }

        void forget() {
            if (outer.getToken() != null) {
                map.remove(outer.getToken(), outer);
            }
        }
    }
}
