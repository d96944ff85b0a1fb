package org.recsec.sim.net;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Sends Confirmable messages for one endpoint and retransmits them per RFC 7252 §4.2: the first timeout random in
 * [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR], doubled after each of at most MAX_RETRANSMIT retransmissions; when
 * the last timeout runs out the sender gives up. An ACK or RST with the same message ID from the same peer stops it.
 */
final class Retransmitter {
    private final SimNetwork net;
    private final String self;
    private final Map<String, Pending> pending = new HashMap<>();

    Retransmitter(SimNetwork net, String self) {
        this.net = net;
        this.self = self;
    }

    /** Sends {@code bytes} (a CON with {@code messageId}) to {@code to}; runs {@code onGiveUp} if never ACKed. */
    void send(String to, int messageId, byte[] bytes, Runnable onGiveUp) {
        String key = key(to, messageId);
        Pending old = pending.remove(key);
        if (old != null) {
            old.timer.cancel();
        }
        Pending p = new Pending(to, bytes, Objects.requireNonNull(onGiveUp), key);
        pending.put(key, p);
        net.send(self, to, bytes);
        p.timer = net.schedule(p.timeoutMillis, () -> fire(p));
    }

    private void fire(Pending p) {
        if (pending.get(p.key) != p) {
            return;
        }
        if (p.retransmissions == CoapTiming.MAX_RETRANSMIT) {
            pending.remove(p.key);
            p.onGiveUp.run();
            return;
        }
        p.retransmissions++;
        p.timeoutMillis *= 2;
        net.send(self, p.to, p.bytes);
        p.timer = net.schedule(p.timeoutMillis, () -> fire(p));
    }

    /** An ACK or RST for {@code messageId} came from {@code from}: stop retransmitting. True if it was pending. */
    boolean acknowledged(String from, int messageId) {
        Pending p = pending.remove(key(from, messageId));
        if (p == null) {
            return false;
        }
        p.timer.cancel();
        return true;
    }

    /** Stops retransmitting without calling the give-up action (the exchange ended another way). */
    void cancel(String to, int messageId) {
        acknowledged(to, messageId);
    }

    private static String key(String peer, int mid) {
        return peer + '\u0000' + mid;
    }

    private final class Pending {
        final String to;
        final byte[] bytes;
        final Runnable onGiveUp;
        final String key;
        long timeoutMillis = CoapTiming.initialTimeoutMillis(net.random());
        int retransmissions;
        SimNetwork.Timer timer;

        Pending(String to, byte[] bytes, Runnable onGiveUp, String key) {
            this.to = to;
            this.bytes = bytes;
            this.onGiveUp = onGiveUp;
            this.key = key;
        }
    }
}
