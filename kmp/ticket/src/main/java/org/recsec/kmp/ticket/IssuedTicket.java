package org.recsec.kmp.ticket;

import org.recsec.record.base.SecretBytes;

/**
 * What the AS hands the client: the ticket to post to the RS, and the {@code cnf} key the client keeps to derive the
 * SA pair with {@link TicketKeys#derive}. {@link #toString()} shows neither key nor ticket bytes.
 */
public final class IssuedTicket {
    private final byte[] ticket;
    private final SecretBytes cnfKey;
    private final byte[] cti;
    private final long expiresAt;

    IssuedTicket(byte[] ticket, SecretBytes cnfKey, byte[] cti, long expiresAt) {
        this.ticket = ticket.clone();
        this.cnfKey = cnfKey;
        this.cti = cti.clone();
        this.expiresAt = expiresAt;
    }

    /** The encoded ticket (tag 16 COSE_Encrypt0), a copy. Opaque to the client. */
    public byte[] ticket() {
        return ticket.clone();
    }

    /** The client's proof-of-possession key, also inside the ticket's {@code cnf}. */
    public SecretBytes cnfKey() {
        return cnfKey;
    }

    /** The ticket's {@code cti}, a copy. */
    public byte[] cti() {
        return cti.clone();
    }

    /** The ticket's {@code exp}, seconds since the epoch. */
    public long expiresAtEpochSeconds() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return "IssuedTicket[" + ticket.length + " bytes, exp=" + expiresAt + ", cnf=" + cnfKey + "]";
    }
}
