package org.recsec.record;

import java.util.List;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.spi.InboundSa;
import org.recsec.record.spi.OutboundSa;

/**
 * Where protect/unprotect find their SAs. The SA database in km-interface implements it; {@link InMemorySaRegistry}
 * is the plain version for tests and manual keys.
 */
public interface SaRegistry {

    /**
     * The inbound SA with this SPI.
     *
     * @throws RecSecException {@code UNKNOWN_SA} when none is installed, {@code SA_EXPIRED} when it is dead
     */
    InboundSa inbound(long spi) throws RecSecException;

    /**
     * The outbound SA from {@code localId} to {@code peerId}.
     *
     * @throws RecSecException {@code UNKNOWN_SA} when none is installed (a key manager may be asked first),
     *                         {@code SA_EXPIRED} when it is dead
     */
    OutboundSa outbound(LocalId localId, PeerId peerId) throws RecSecException;

    /**
     * The usable inbound SAs from {@code peerId} to {@code localId}, newest first; empty when there is none. A client
     * opens a compact-profile response with them: such a response names its SA by the request it answers, not by SPI
     * (docs/profiles.md, "Response binding"), as an OSCORE response is processed under the request's security
     * context (RFC 8613 §8.4). While KMPs roll a route over to a new SA pair both are listed, so a response the
     * server still sealed under the old one opens.
     */
    List<InboundSa> inbound(LocalId localId, PeerId peerId);
}
