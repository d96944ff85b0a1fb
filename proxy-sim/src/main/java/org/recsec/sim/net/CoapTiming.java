package org.recsec.sim.net;

import java.util.Random;

/** The RFC 7252 §4.8 transmission parameters (defaults), in virtual milliseconds. */
public final class CoapTiming {
    /** ACK_TIMEOUT, 2 s. */
    public static final long ACK_TIMEOUT_MILLIS = 2_000;
    /** ACK_RANDOM_FACTOR, 1.5. */
    public static final double ACK_RANDOM_FACTOR = 1.5;
    /** MAX_RETRANSMIT, 4. */
    public static final int MAX_RETRANSMIT = 4;
    /** EXCHANGE_LIFETIME (§4.8.2), 247 s: how long a message ID stays in the deduplication cache. */
    public static final long EXCHANGE_LIFETIME_MILLIS = 247_000;
    /** NON_LIFETIME (§4.8.2), 145 s. */
    public static final long NON_LIFETIME_MILLIS = 145_000;
    /** MAX_TRANSMIT_WAIT (§4.8.2), 93 s. */
    public static final long MAX_TRANSMIT_WAIT_MILLIS = 93_000;

    private CoapTiming() {
    }

    /** §4.2: the first timeout of a CON is random between ACK_TIMEOUT and ACK_TIMEOUT * ACK_RANDOM_FACTOR. */
    public static long initialTimeoutMillis(Random random) {
        return ACK_TIMEOUT_MILLIS + (long) (random.nextDouble() * ACK_TIMEOUT_MILLIS * (ACK_RANDOM_FACTOR - 1));
    }
}
