package org.recsec.record;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A plain thread-safe SA store for manual keys and tests; km-interface's SA database replaces it in products. */
public final class InMemorySaRegistry implements SaRegistry {
    private final Map<Long, SecurityAssociation> inbound = new ConcurrentHashMap<>();
    private final Map<Route, SecurityAssociation> outbound = new ConcurrentHashMap<>();

    /** Installs an SA; an inbound SA replaces the one with the same SPI, an outbound one the one for the same pair. */
    public void install(SecurityAssociation sa) {
        if (sa.direction() == Direction.INBOUND) {
            inbound.put(sa.spi(), sa);
        } else {
            outbound.put(pairKey(sa.localId(), sa.peerId()), sa);
        }
    }

    public void remove(SecurityAssociation sa) {
        if (sa.direction() == Direction.INBOUND) {
            inbound.remove(sa.spi(), sa);
        } else {
            outbound.remove(pairKey(sa.localId(), sa.peerId()), sa);
        }
    }

    @Override
    public SecurityAssociation inbound(long spi) throws RecSecException {
        SecurityAssociation sa = inbound.get(spi);
        if (sa == null) {
            throw new RecSecException(RecSecException.Reason.UNKNOWN_SA, "no inbound SA " + spi);
        }
        sa.checkUsable();
        return sa;
    }

    @Override
    public SecurityAssociation outbound(String localId, String peerId) throws RecSecException {
        SecurityAssociation sa = outbound.get(pairKey(localId, peerId));
        if (sa == null) {
            throw new RecSecException(RecSecException.Reason.UNKNOWN_SA, "no outbound SA to " + peerId);
        }
        sa.checkUsable();
        return sa;
    }

    private static Route pairKey(String localId, String peerId) {
        return new Route(localId, peerId);
    }

    /** The key of an outbound SA: hashing two cached String hashes, no string built per lookup. */
    private record Route(String localId, String peerId) {
    }
}
