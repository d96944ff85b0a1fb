package org.recsec.sim.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A discrete-event, in-memory datagram network in virtual time: no threads, no sleeping. Everything random (loss,
 * duplication, reordering, delay, and whatever the attached endpoints draw from {@link #random()}) comes from one
 * {@link Random}, so a seed replays a run exactly, datagram for datagram.
 *
 * <p>Events at the same virtual time run in the order they were scheduled. Every datagram passed to
 * {@link #send} is shown to the taps before the link decides its fate, so a tap sees what any on-path party (a
 * proxy) could see.
 */
public final class SimNetwork {
    private final Random random;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final Map<String, SimNode> nodes = new HashMap<>();
    private final Map<String, LinkProfile> links = new HashMap<>();
    private final List<Consumer<Datagram>> taps = new ArrayList<>();
    private LinkProfile defaultProfile;
    private long nowMillis;
    private long eventCounter;
    private long sent;
    private long delivered;

    /** A network whose links all behave as {@code defaultProfile}, drawing from {@code random}. */
    public SimNetwork(Random random, LinkProfile defaultProfile) {
        this.random = Objects.requireNonNull(random);
        this.defaultProfile = Objects.requireNonNull(defaultProfile);
    }

    /** A network seeded with {@code seed}. */
    public SimNetwork(long seed, LinkProfile defaultProfile) {
        this(new Random(seed), defaultProfile);
    }

    /** The run's one source of randomness; endpoints draw MIDs, tokens and timeouts from it. */
    public Random random() {
        return random;
    }

    /** Virtual time in milliseconds since the network was created. */
    public long nowMillis() {
        return nowMillis;
    }

    /** Attaches {@code node} at {@code address}. */
    public void attach(String address, SimNode node) {
        if (nodes.putIfAbsent(Objects.requireNonNull(address), Objects.requireNonNull(node)) != null) {
            throw new IllegalArgumentException("address in use: " + address);
        }
    }

    public void setDefaultProfile(LinkProfile profile) {
        this.defaultProfile = Objects.requireNonNull(profile);
    }

    /** Sets how datagrams from {@code from} to {@code to} (that direction only) are treated. */
    public void setLink(String from, String to, LinkProfile profile) {
        links.put(from + '\u0000' + to, Objects.requireNonNull(profile));
    }

    /** Adds a tap that sees every datagram sent, before loss. */
    public void addTap(Consumer<Datagram> tap) {
        taps.add(Objects.requireNonNull(tap));
    }

    /**
     * Sends a datagram. Taps see it at once; the link then drops, delays, holds back or duplicates it. A datagram to
     * an address nobody is attached to vanishes.
     */
    public void send(String from, String to, byte[] bytes) {
        Datagram d = new Datagram(nowMillis, from, to, bytes);
        sent++;
        for (Consumer<Datagram> tap : taps) {
            tap.accept(d);
        }
        LinkProfile p = links.getOrDefault(from + '\u0000' + to, defaultProfile);
        if (random.nextDouble() < p.lossRate()) {
            return;
        }
        scheduleDelivery(d, p);
        if (random.nextDouble() < p.duplicateRate()) {
            scheduleDelivery(d, p);
        }
    }

    private void scheduleDelivery(Datagram d, LinkProfile p) {
        long delay = p.minDelayMillis() + (long) (random.nextDouble() * (p.maxDelayMillis() - p.minDelayMillis() + 1));
        delay = Math.min(delay, p.maxDelayMillis());
        if (random.nextDouble() < p.reorderRate()) {
            delay += 2 * p.maxDelayMillis() + 1;
        }
        schedule(delay, () -> {
            SimNode node = nodes.get(d.to());
            if (node != null) {
                delivered++;
                node.receive(d);
            }
        });
    }

    /** Runs {@code task} {@code delayMillis} from now; the returned handle cancels it. */
    public Timer schedule(long delayMillis, Runnable task) {
        if (delayMillis < 0) {
            throw new IllegalArgumentException("negative delay");
        }
        Event e = new Event(nowMillis + delayMillis, eventCounter++, Objects.requireNonNull(task));
        queue.add(e);
        return e;
    }

    /**
     * Runs events until none is left or the next one lies more than {@code maxVirtualMillis} past the time this
     * call started. When the limit stops it, the clock is moved to the limit (that much virtual time passed);
     * when the network goes idle, the clock stays at the last event run.
     *
     * @return true if the network went idle (nothing left to run), false if the limit stopped it
     */
    public boolean runUntilIdle(long maxVirtualMillis) {
        long limit = nowMillis + maxVirtualMillis;
        while (!queue.isEmpty()) {
            Event e = queue.peek();
            if (e.atMillis > limit) {
                nowMillis = limit;
                return false;
            }
            queue.poll();
            if (e.cancelled) {
                continue;
            }
            nowMillis = e.atMillis;
            e.task.run();
        }
        return true;
    }

    /** Datagrams passed to {@link #send} so far. */
    public long sentCount() {
        return sent;
    }

    /** Datagram deliveries (duplicates counted) so far. */
    public long deliveredCount() {
        return delivered;
    }

    /** A scheduled task that can be called off. */
    public interface Timer {
        void cancel();
    }

    private static final class Event implements Comparable<Event>, Timer {
        final long atMillis;
        final long order;
        final Runnable task;
        boolean cancelled;

        Event(long atMillis, long order, Runnable task) {
            this.atMillis = atMillis;
            this.order = order;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(atMillis, o.atMillis);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }
}
