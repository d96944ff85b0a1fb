package org.recsec.californium;

import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;

/**
 * Set as the send error of a request the client's record-sec layer could not protect, so it was never sent: no
 * outbound SA for the peer, the SA expired or ran out of sequence numbers. {@code CoapClient}'s synchronous calls
 * throw it wrapped in an {@link java.io.IOException}. Unlike {@link RecSecResponseException} nothing reached the
 * server: repeating the request after installing an SA is safe.
 */
public final class RecSecSendException extends Exception {
    private static final long serialVersionUID = 1L;
    private final RecSecException.Reason reason;

    RecSecSendException(RecSecException.Reason reason, PeerId peerId) {
        super(describe(reason, peerId));
        this.reason = reason;
    }

    private static String describe(RecSecException.Reason reason, PeerId peerId) {
        return switch (reason) {
            case UNKNOWN_SA -> "request not sent: no outbound SA to peer " + peerId + " (UNKNOWN_SA)";
            case SA_EXPIRED -> "request not sent: the outbound SA to peer " + peerId + " has expired (SA_EXPIRED)";
            case SEQUENCE_EXHAUSTED -> "request not sent: the outbound SA to peer " + peerId
                    + " has used every sequence number (SEQUENCE_EXHAUSTED)";
            default -> "request not sent: cannot protect it for peer " + peerId + " (" + reason + ")";
        };
    }

    public RecSecException.Reason reason() {
        return reason;
    }
}
