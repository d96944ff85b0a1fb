package org.recsec.kmp.ticket.exchange;



import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.eclipse.californium.core.CoapClient;
import org.recsec.km.sad.SadSession;
import org.recsec.kmp.ticket.AsKey;
import org.recsec.kmp.ticket.IssuedTicket;
import org.recsec.kmp.ticket.ReplayCache;
import org.recsec.kmp.ticket.TicketIssuer;
import org.recsec.kmp.ticket.TicketSaParameters;
import org.recsec.kmp.ticket.TicketValidator;

/**
 * The two calls {@code recsec demo --kmp ticket} needs, the AS and both ends in one process, each end with its own
 * SA database:
 * <pre>
 *   // RS: host /authz-info on the demo server (rsIdentity = coap://ADDR:PORT of its endpoint)
 *   server.add(new AuthzInfoResource(TicketExchange.rsHandler(asKey, rsSad, rsIdentity, random, clock)));
 *   // client: AS issues, client presents; returns once both SADs hold the pair
 *   InstalledPair p = TicketExchange.establish(asKey, sa, Duration.ofHours(1), clientSad, clientIdentity, coap,
 *           rsIdentity, random, clock);
 * </pre>
 * The RS's audience is its identity, so the AS issues the ticket for {@code rsUri}.
 */
public final class TicketExchange {
    /** Live tickets the demo RS remembers. */
    public static final int REPLAY_CACHE_ENTRIES = 1024;

    private TicketExchange() {
    }

    /**
     * An RS handler accepting tickets under {@code asKey} whose audience is {@code rsIdentity}, with no clock skew
     * and its own replay cache of {@link #REPLAY_CACHE_ENTRIES}.
     */
    public static AuthzInfoHandler rsHandler(AsKey asKey, SadSession rsSad, String rsIdentity, SecureRandom random,
                                             Clock clock) {
        TicketValidator validator = new TicketValidator(rsIdentity, List.of(asKey), clock,
                new ReplayCache(REPLAY_CACHE_ENTRIES), 0);
        return new AuthzInfoHandler(validator, rsSad, rsIdentity, random, clock);
    }

    /**
     * Issues a ticket for the RS at {@code rsUri} (the AS: {@link TicketIssuer} with {@code asKey}, issuer
     * {@code coap://as.demo}) and runs {@link TicketClientKmp#establish} with it. On return the client's SAD holds
     * the pair, and so does the RS's (it installs before answering 2.01).
     *
     * @throws TicketExchangeException as {@link TicketClientKmp#establish}
     */
    public static InstalledPair establish(AsKey asKey, TicketSaParameters sa, Duration lifetime, SadSession clientSad,
                                          String clientIdentity, CoapClient coap, String rsUri, SecureRandom random,
                                          Clock clock) throws TicketExchangeException {
        IssuedTicket issued = new TicketIssuer(asKey, "coap://as.demo", random, clock).issue(rsUri, lifetime, sa);
        return new TicketClientKmp(clientSad, random, clock).establish(TicketGrant.of(issued, sa), rsUri, coap,
                clientIdentity);
    }
}
