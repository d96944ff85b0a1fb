package org.recsec.kmp.ticket.exchange;

import java.util.Objects;
import org.recsec.record.base.RecSecException;

/**
 * Why a ticket exchange did not install an SA pair, on either side. The message never carries key bytes, nonces or
 * ticket bytes. Programmer errors (null arguments, impossible parameters) are unchecked instead.
 */
public final class TicketExchangeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** A request or response is not the CBOR map of {@link AuthzInfoMessages} (or a nonce/SPI is out of range). */
        MALFORMED,
        /** The RS refused the ticket: 4.01 (expired, wrong audience, replayed, tampered...; no detail on the wire). */
        TICKET_REFUSED,
        /** The RS answered with another code than 2.01, or another Content-Format than 60. */
        UNEXPECTED_RESPONSE,
        /** No response before the timeout, or the CoAP endpoint failed. */
        TRANSPORT,
        /** The SA database refused a PF_KEY message (the errno is in the message); nothing was left installed. */
        SAD_REFUSED,
        /**
         * The ticket names an SA this implementation cannot install. Not thrown today: every record profile a ticket
         * can name (dtls12, dtls12-cid, compact) is installed.
         */
        UNSUPPORTED
    }

    private final Reason reason;

    public TicketExchangeException(Reason reason, String message) {
        this(reason, message, null);
    }

    public TicketExchangeException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The same failure as a {@link RecSecException} with reason {@code KEY_MANAGEMENT}. */
    public RecSecException toRecSecException() {
        return new RecSecException(RecSecException.Reason.KEY_MANAGEMENT, "ticket exchange " + getMessage(), this);
    }
}
