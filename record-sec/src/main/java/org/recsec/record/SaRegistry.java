package org.recsec.record;

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
}
