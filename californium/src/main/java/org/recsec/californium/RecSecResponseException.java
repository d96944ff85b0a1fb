package org.recsec.californium;

import org.recsec.record.base.RecSecException;

/**
 * Set as the send error of a protected request whose response the client refused (forged, tampered, replayed, not
 * bound to the request, or an unprotected success response). {@code CoapClient}'s synchronous calls throw it wrapped
 * in an {@link java.io.IOException}; asynchronous handlers see it in {@code onError}. Carries the reason only.
 *
 * <p>The request was sent, and the server may well have executed it: a refused response says nothing about what
 * happened there (issue 12: a genuine response refused as REPLAY after the server ran the request). The layer
 * therefore never retries on its own; the outcome is "unknown", as after a timeout (RFC 7252 §4.2), and the
 * application decides: repeat an idempotent request (GET, PUT, DELETE), read the state back before repeating a
 * non-idempotent one (POST), and for actuators mark the resource {@link RecSecConfig.Builder#requireFreshness} so a
 * repetition carries a fresh Echo. A response refused by the transport guard (forged, it fails its tag) does not
 * end the exchange at all: the CON retransmission fetches the genuine one. With the default replay window, genuine
 * concurrent traffic is not refused (see californium/README.md for the numbers).
 */
public final class RecSecResponseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final RecSecException.Reason reason;

    RecSecResponseException(RecSecException.Reason reason) {
        super("response refused by record-sec: " + reason);
        this.reason = reason;
    }

    public RecSecException.Reason reason() {
        return reason;
    }
}
