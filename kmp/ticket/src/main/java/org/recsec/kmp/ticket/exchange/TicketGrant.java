package org.recsec.kmp.ticket.exchange;

import java.util.Objects;
import org.recsec.kmp.ticket.IssuedTicket;
import org.recsec.kmp.ticket.TicketSaParameters;
import org.recsec.record.base.SecretBytes;

/**
 * What the client holds from the AS: the ticket (opaque to it), the {@code cnf} key, and the SA parameters the
 * ticket authorizes, which the AS tells the client next to the ticket as RFC 9203 §3.2 does with its
 * OSCORE_Input_Material (the client cannot read the ticket). {@code toString} shows neither key nor ticket bytes.
 *
 * @param expiresAtEpochSeconds the ticket's {@code exp}: the client's SAs die by then, as the RS's do
 */
public record TicketGrant(byte[] ticket, SecretBytes cnfKey, TicketSaParameters sa, long expiresAtEpochSeconds) {
    public TicketGrant {
        Objects.requireNonNull(ticket, "ticket");
        Objects.requireNonNull(cnfKey, "cnfKey");
        Objects.requireNonNull(sa, "sa");
        ticket = ticket.clone();
    }

    /** The grant of a ticket this process issued with {@code sa}. */
    public static TicketGrant of(IssuedTicket issued, TicketSaParameters sa) {
        return new TicketGrant(issued.ticket(), issued.cnfKey(), sa, issued.expiresAtEpochSeconds());
    }

    @Override
    public byte[] ticket() {
        return ticket.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TicketGrant g && java.util.Arrays.equals(ticket, g.ticket) && cnfKey.equalsSecret(g.cnfKey)
                && sa.equals(g.sa) && expiresAtEpochSeconds == g.expiresAtEpochSeconds;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(ticket);
    }

    @Override
    public String toString() {
        return "TicketGrant[ticket " + ticket.length + " bytes, " + cnfKey + ", " + sa + ", exp="
                + expiresAtEpochSeconds + "]";
    }
}
