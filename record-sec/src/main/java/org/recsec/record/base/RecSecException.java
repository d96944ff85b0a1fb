package org.recsec.record.base;

import java.util.Objects;

/**
 * The one checked exception for input that came from outside: a datagram, a record, a ticket, a key-management
 * message. The {@link Reason} says what went wrong; the message never carries key bytes or plaintext.
 * Programmer errors (null arguments, impossible parameters) are unchecked exceptions instead.
 */
public final class RecSecException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the input was refused. A server maps {@link #UNKNOWN_SA} to 4.01 and every other reason to 4.00. */
    public enum Reason {
        /** The bytes do not parse: bad CoAP, bad record header, bad option, trailing bytes. */
        MALFORMED,
        /** No security association has the SPI or peer the message names. */
        UNKNOWN_SA,
        /** The SA exists but its hard lifetime has run out, or it was deleted. */
        SA_EXPIRED,
        /** The record's sequence number was already accepted or is left of the replay window. */
        REPLAY,
        /** The AEAD tag did not verify. */
        AUTH_FAILED,
        /** A response's Request-Sequence does not match the request sent with that token. */
        BAD_BINDING,
        /** The outbound SA has used every sequence number (48 bits); it must be replaced, never wrapped. */
        SEQUENCE_EXHAUSTED,
        /** The suite code point or record profile is not one this library implements. */
        UNSUPPORTED,
        /** A message that must be protected arrived without the Record-Security option. */
        UNPROTECTED,
        /** A key-management operation was refused (see the PF_KEY errno in the message). */
        KEY_MANAGEMENT
    }

    private final Reason reason;

    public RecSecException(Reason reason, String message) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, null, false, false);
        this.reason = reason;
    }

    public RecSecException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
