package org.recsec.californium;

import java.util.Objects;
import org.recsec.record.base.PeerId;

/**
 * Who sent the protected request a resource is serving: the peer identity of the inbound SA that verified its
 * record, and that SA's SPI. Read it with {@link RecSec#authenticatedPeer} to authorize per peer; it is present only
 * for requests that arrived protected and verified, never for plain ones.
 *
 * @param peerId the identity of the client, as the SA's installer named it
 * @param spi    the SPI of the inbound SA (unsigned 32 bits)
 */
public record AuthenticatedPeer(PeerId peerId, long spi) {
    public AuthenticatedPeer {
        Objects.requireNonNull(peerId, "peerId");
    }
}
