package org.recsec.kmp.eap;

import java.util.Objects;

/**
 * A refusal of untrusted input or of a peer's step in the EAP KMP: a malformed or unauthenticated RADIUS, EAP or
 * CoAP-EAP message, a failed EAP-TLS handshake, or a pull-key request the AS refuses. The state the message was aimed
 * at is unchanged when this is thrown. The message never contains key material.
 */
public final class EapException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the input was refused. */
    public enum Reason {
        /** Bytes that do not parse: truncated, bad length field, attribute overrunning the packet. */
        MALFORMED,
        /** A Message-Authenticator or Response Authenticator that does not verify (RFC 2865 §3, RFC 3579 §3.2). */
        BAD_AUTHENTICATOR,
        /** Well formed but not acceptable here: unexpected code, identifier, type or state. */
        UNEXPECTED,
        /** A size above what this implementation accepts (bounded allocation). */
        TOO_LARGE,
        /** The TLS handshake inside EAP-TLS failed (alert, bad certificate). */
        TLS_FAILED,
        /** The EAP server sent EAP-Failure or RADIUS Access-Reject. */
        REJECTED,
        /** No answer from the peer after the retransmissions. */
        TIMEOUT,
        /** Unknown UE, session or ApS, or an expired or revoked session (pull key, draft §4.3 step 2). */
        UNKNOWN_SESSION,
        /** The SA database refused the install. */
        SAD_REFUSED,
        /** UE and ApS are configured for different record profiles (pull key: the ApS answered 4.06). */
        PROFILE_MISMATCH
    }

    private final Reason reason;

    public EapException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public EapException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the input was refused. */
    public Reason reason() {
        return reason;
    }
}
