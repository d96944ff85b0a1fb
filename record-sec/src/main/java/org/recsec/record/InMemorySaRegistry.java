package org.recsec.record;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.spi.InboundSa;
import org.recsec.record.spi.OutboundSa;

/** A plain thread-safe SA store for manual keys and tests; km-interface's SA database replaces it in products. */
public final class InMemorySaRegistry implements SaRegistry {
    private final Map<Long, InboundSa> inbound = new ConcurrentHashMap<>();
    private final Map<Route, OutboundSa> outbound = new ConcurrentHashMap<>();

    /** Installs an inbound SA, replacing the one with the same SPI. */
    public void install(InboundSa sa) {
        inbound.put(sa.spi(), sa);
    }

    /** Installs an outbound SA, replacing the one for the same local and peer identity. */
    public void install(OutboundSa sa) {
        outbound.put(new Route(sa.localId(), sa.peerId()), sa);
    }

    public void remove(InboundSa sa) {
        inbound.remove(sa.spi(), sa);
    }

    public void remove(OutboundSa sa) {
        outbound.remove(new Route(sa.localId(), sa.peerId()), sa);
    }

    @Override
    public InboundSa inbound(long spi) throws RecSecException {
        InboundSa sa = inbound.get(spi);
        if (sa == null) {
            throw new RecSecException(RecSecException.Reason.UNKNOWN_SA, "no inbound SA " + spi);
        }
        sa.checkUsable();
        return sa;
    }

    @Override
    public OutboundSa outbound(LocalId localId, PeerId peerId) throws RecSecException {
        OutboundSa sa = outbound.get(new Route(localId, peerId));
        if (sa == null) {
            throw new RecSecException(RecSecException.Reason.UNKNOWN_SA, "no outbound SA to " + peerId);
        }
        sa.checkUsable();
        return sa;
    }

    /** The key of an outbound SA. */
    private record Route(LocalId localId, PeerId peerId) {
        // equals and hashCode written out: a record's generated ones are bootstrapped through invokedynamic on first
        // use, which costs 5-35 ms in a fresh JVM, inside the first protected request (issue 19, cold start).
        @Override
        public boolean equals(Object o) {
            return o instanceof Route r && localId.equals(r.localId) && peerId.equals(r.peerId);
        }

        @Override
        public int hashCode() {
            return 31 * localId.hashCode() + peerId.hashCode();
        }
    }
}
