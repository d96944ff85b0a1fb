package org.recsec.kmp.se.coap;

import java.util.ArrayDeque;
import java.util.Optional;
import org.recsec.sim.net.Datagram;
import org.recsec.sim.net.SimNetwork;

/**
 * The client's {@link FlightWire} on the simulator: the handshake thread drives the simulated network while it
 * waits, one virtual millisecond at a time, so a run is single-threaded on the simulator's side and the CoAP
 * timers run in virtual time.
 */
final class SimFlightWire implements FlightWire {
    private final SimNetwork net;
    private final String self;
    private final String firstHop;
    private final ArrayDeque<byte[]> inbox = new ArrayDeque<>();

    SimFlightWire(SimNetwork net, String self, String firstHop) {
        this.net = net;
        this.self = self;
        this.firstHop = firstHop;
        net.attach(self, (Datagram d) -> {
            if (d.from().equals(firstHop)) {
                inbox.add(d.bytes());
            }
        });
    }

    @Override
    public void send(byte[] datagram) {
        net.send(self, firstHop, datagram);
    }

    @Override
    public Optional<byte[]> receive(long timeoutMillis) {
        long deadline = net.nowMillis() + Math.max(1, timeoutMillis);
        SimNetwork.Timer tick = net.schedule(Math.max(1, timeoutMillis), () -> { }); // time passes even when idle
        try {
            while (inbox.isEmpty() && net.nowMillis() < deadline) {
                net.runUntilIdle(1);
            }
            return Optional.ofNullable(inbox.poll());
        } finally {
            tick.cancel();
        }
    }

    @Override
    public long nowMillis() {
        return net.nowMillis();
    }

    @Override
    public void close() {
    }
}
