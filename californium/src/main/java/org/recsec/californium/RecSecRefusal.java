package org.recsec.californium;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.OptionalLong;
import org.recsec.record.base.RecSecException;

/**
 * One message record-sec refused (or could not protect), as reported to a {@link RecSecConfig.Builder#onRefusal}
 * listener and counted by {@link RecSecConfig#refusals()}. Carries no message content and no key material.
 *
 * @param kind   what was refused
 * @param reason why (a peer restarted with old sequence numbers shows {@link RecSecException.Reason#REPLAY})
 * @param spi    the SPI named by the message's Record-Security option, when it had a readable one
 * @param peer   the network address of the other end, when known
 */
public record RecSecRefusal(Kind kind, RecSecException.Reason reason, OptionalLong spi, InetSocketAddress peer) {

    /** What was refused. */
    public enum Kind {
        /** Server: a protected request failed verification, or an unprotected one reached a protected resource. */
        REQUEST,
        /** Client: a response failed verification or binding, or was an unprotected success response. */
        RESPONSE,
        /** Client: an Observe notification failed verification; the relation is kept. */
        NOTIFICATION,
        /** Either side: the transport guard dropped a datagram before Californium saw it. */
        DATAGRAM,
        /** Client: a request could not be protected (e.g. no outbound SA) and was not sent. */
        REQUEST_NOT_SENT,
        /** Server: a response could not be protected; a plain 5.00 went out instead. */
        RESPONSE_NOT_SENT
    }

    public RecSecRefusal {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(spi, "spi");
    }
}
