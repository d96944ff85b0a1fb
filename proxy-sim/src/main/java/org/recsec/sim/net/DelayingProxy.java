package org.recsec.sim.net;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.recsec.record.coap.CoapMessage;

/**
 * An on-path attacker that holds requests back: the door-lock attack of RFC 9175 §2 (and the paper's Fig. 13). It
 * relays everything between one client and one server unchanged, except that every copy (retransmissions too,
 * matched by message ID) of the requests it was {@link #hold told to hold} reaches the server only
 * {@code delayMillis} after the attacker got it. The records are genuine and never seen before, so the replay
 * window accepts them; only freshness (Echo) can tell that they are old.
 */
public final class DelayingProxy implements SimNode {
    private final SimNetwork net;
    private final String address;
    private final String client;
    private final String server;
    private final Set<Integer> heldIndexes = new HashSet<>();
    private final Set<Integer> heldMids = new HashSet<>();
    private final Set<Integer> seenMids = new HashSet<>();
    private long delayMillis;
    private int requests;
    private int delayed;

    /** Creates the attacker and attaches it to {@code net} at {@code address}. */
    public DelayingProxy(SimNetwork net, String address, String client, String server) {
        this.net = Objects.requireNonNull(net);
        this.address = Objects.requireNonNull(address);
        this.client = Objects.requireNonNull(client);
        this.server = Objects.requireNonNull(server);
        net.attach(address, this);
    }

    /** Holds the {@code index}-th (0-based, new message IDs only) request toward the server for {@code delay} ms. */
    public DelayingProxy hold(int index, long delay) {
        if (delay < 0) {
            throw new IllegalArgumentException("delay must be >= 0");
        }
        heldIndexes.add(index);
        this.delayMillis = delay;
        return this;
    }

    /** Datagrams held back so far. */
    public int delayed() {
        return delayed;
    }

    @Override
    public void receive(Datagram d) {
        byte[] bytes = d.bytes();
        if (d.from().equals(server)) {
            net.send(address, client, bytes);
            return;
        }
        if (!d.from().equals(client)) {
            return;
        }
        CoapMessage m = Wire.decodeOrNull(bytes);
        if (m != null && m.isRequest() && seenMids.add(m.messageId())) {
            if (heldIndexes.contains(requests)) {
                heldMids.add(m.messageId());
            }
            requests++;
        }
        if (m != null && m.isRequest() && heldMids.contains(m.messageId())) {
            delayed++;
            net.schedule(delayMillis, () -> net.send(address, server, bytes));
            return;
        }
        net.send(address, server, bytes);
    }
}
