package org.recsec.kmp.ticket.error;

import java.util.Objects;
import org.recsec.record.base.RecSecException;

/**
 * The one checked exception for a refused ticket or CWT. The {@link Reason} says why; the message never carries
 * key bytes or decrypted claims. Programmer errors (null arguments, impossible parameters) are unchecked instead.
 */
public final class TicketException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a ticket was refused. */
    public enum Reason {
        /** The bytes are not the strict CBOR/COSE structure expected (see TICKETS.md, "CBOR rules"). */
        MALFORMED_CBOR,
        /** The COSE algorithm is not one accepted here (tickets: only AES-CCM-16-64-128, alg 10). */
        UNSUPPORTED_ALG,
        /** No key is known for the kid, the kid is missing, or a key has the wrong length for the algorithm. */
        BAD_KEY,
        /** The AEAD tag, MAC or signature did not verify (tampered ticket or wrong key). */
        BAD_TAG,
        /** A claim the ticket needs is absent. */
        MISSING_CLAIM,
        /** A claim is present but of the wrong CBOR type or out of range (e.g. an unknown suite code point). */
        INVALID_CLAIM,
        /** The clock is at or past {@code exp} (RFC 8392 §3.1.4). */
        EXPIRED,
        /** The clock is before {@code nbf} (RFC 8392 §3.1.5). */
        NOT_YET_VALID,
        /** {@code aud} does not name this resource server (RFC 8392 §3.1.3). */
        WRONG_AUDIENCE,
        /** A ticket with this {@code cti} was already accepted and has not expired. */
        REPLAYED,
        /** The replay cache holds its maximum of live entries; the ticket is refused rather than evicting one. */
        REPLAY_CACHE_FULL,
        /** A nonce of the ticket exchange has a length outside what {@link org.recsec.kmp.ticket.TicketKeys} accepts. */
        BAD_NONCE
    }

    private final Reason reason;

    public TicketException(Reason reason, String message) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, null, false, false);
        this.reason = reason;
    }

    public TicketException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The same refusal as a {@link RecSecException} with reason {@code KEY_MANAGEMENT}, for the PF_KEY layer. */
    public RecSecException toRecSecException() {
        return new RecSecException(RecSecException.Reason.KEY_MANAGEMENT, "ticket " + getMessage(), this);
    }
}
