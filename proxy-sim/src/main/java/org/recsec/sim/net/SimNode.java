package org.recsec.sim.net;

/** Something attached to a {@link SimNetwork} address: it is handed every datagram delivered to that address. */
public interface SimNode {
    /** Called on the simulator's (only) thread at the datagram's virtual delivery time. */
    void receive(Datagram datagram);
}
