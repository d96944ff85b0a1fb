package org.recsec.record;

import java.util.ArrayList;
import java.util.List;
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
    /** Inbound SAs by route, newest first; changed and read under its own monitor (installs are rare). */
    private final Map<Route, List<InboundSa>> inboundRoutes = new java.util.HashMap<>();

    /** Installs an inbound SA, replacing the one with the same SPI. */
    public void install(InboundSa sa) {
        synchronized (inboundRoutes) {
            InboundSa old = inbound.put(sa.spi(), sa);
            if (old != null) {
                unroute(old);
            }
            inboundRoutes.computeIfAbsent(new Route(sa.localId(), sa.peerId()), r -> new ArrayList<>()).add(0, sa);
        }
    }

    /** Installs an outbound SA, replacing the one for the same local and peer identity. */
    public void install(OutboundSa sa) {
        outbound.put(new Route(sa.localId(), sa.peerId()), sa);
    }

    /** Removes an inbound SA if it is the one installed under its SPI. */
    public void remove(InboundSa sa) {
        synchronized (inboundRoutes) {
            if (inbound.remove(sa.spi(), sa)) {
                unroute(sa);
            }
        }
    }

    private void unroute(InboundSa sa) {
        Route route = new Route(sa.localId(), sa.peerId());
        List<InboundSa> list = inboundRoutes.get(route);
        if (list != null && list.remove(sa) && list.isEmpty()) {
            inboundRoutes.remove(route);
        }
    }

    /** Removes an outbound SA if it is the one installed for its route. */
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
    public List<InboundSa> inbound(LocalId localId, PeerId peerId) {
        List<InboundSa> all;
        synchronized (inboundRoutes) {
            List<InboundSa> list = inboundRoutes.get(new Route(localId, peerId));
            if (list == null) {
                return List.of();
            }
            all = List.copyOf(list);
        }
        List<InboundSa> usable = new ArrayList<>(all.size());
        for (InboundSa sa : all) {
            try {
                sa.checkUsable();
                usable.add(sa);
            } catch (RecSecException e) {
                // expired: not a candidate
            }
        }
        return usable;
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
