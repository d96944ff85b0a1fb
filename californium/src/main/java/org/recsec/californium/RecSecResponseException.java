package org.recsec.californium;

import org.recsec.record.RecSecException;

/**
 * Set as the send error of a protected request whose response the client refused (forged, tampered, replayed, not
 * bound to the request, or an unprotected success response). {@code CoapClient}'s synchronous calls throw it wrapped
 * in an {@link java.io.IOException}; asynchronous handlers see it in {@code onError}. Carries the reason only.
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
