package org.recsec.se.host;

/**
 * The flight timer of RFC 6347 §4.2.4: an initial timeout (1 s recommended), doubled at each expiry up to 60 s,
 * and a bound on how often a flight is sent before the handshake is given up.
 *
 * @param initialMillis first timeout
 * @param maxSends      transmissions of one flight, the first included (at least 1)
 */
public record Retransmission(int initialMillis, int maxSends) {
    /** RFC 6347's 1 s initial timer, 6 sends (1+2+4+8+16 s of waiting, about 63 s before giving up). */
    public static final Retransmission RFC6347 = new Retransmission(1000, 6);
    /** RFC 6347 §4.2.4.1: the timer is not raised beyond 60 s. */
    static final int MAX_TIMEOUT_MILLIS = 60_000;

    public Retransmission {
        if (initialMillis < 1 || maxSends < 1) {
            throw new IllegalArgumentException("initial timeout and sends must be positive");
        }
    }

    /** The timeout after {@code sends} transmissions (1 → initial). */
    int timeoutAfter(int sends) {
        long t = initialMillis;
        for (int i = 1; i < sends && t < MAX_TIMEOUT_MILLIS; i++) {
            t *= 2;
        }
        return (int) Math.min(t, MAX_TIMEOUT_MILLIS);
    }
}
