package org.recsec.sim.net;

/**
 * How a simulated link treats each datagram: each is lost with probability {@code lossRate}; a surviving one is
 * delivered after a delay drawn uniformly from {@code [minDelayMillis, maxDelayMillis]}, is held back a further
 * {@code 2 * maxDelayMillis + 1} ms with probability {@code reorderRate} (so later datagrams overtake it), and is
 * delivered a second time, with its own delay, with probability {@code duplicateRate}.
 */
public record LinkProfile(double lossRate, double duplicateRate, double reorderRate, long minDelayMillis,
                          long maxDelayMillis) {
    /** No loss, no duplicates, no reordering, 1 ms delay: datagrams arrive in the order they were sent. */
    public static final LinkProfile PERFECT = new LinkProfile(0, 0, 0, 1, 1);

    public LinkProfile {
        checkRate(lossRate);
        checkRate(duplicateRate);
        checkRate(reorderRate);
        if (minDelayMillis < 0 || maxDelayMillis < minDelayMillis) {
            throw new IllegalArgumentException("need 0 <= minDelayMillis <= maxDelayMillis");
        }
    }

    private static void checkRate(double r) {
        if (!(r >= 0 && r <= 1)) {
            throw new IllegalArgumentException("rate must be in [0, 1]: " + r);
        }
    }
}
