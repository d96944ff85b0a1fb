package org.recsec.kmp.se.coap;

import org.recsec.se.host.Retransmission;

/**
 * The client's CoAP transmission parameters (RFC 7252 §4.8) and block size (RFC 7959), and the DTLS flight timer
 * aligned with them.
 *
 * @param ackTimeoutMillis ACK_TIMEOUT
 * @param ackRandomFactor  ACK_RANDOM_FACTOR (at least 1)
 * @param maxRetransmit    MAX_RETRANSMIT
 * @param blockSize        the largest payload sent in one request; longer flights go in Block1 blocks of this
 *                         size (16, 32, ..., 1024)
 */
public record CoapTransmission(int ackTimeoutMillis, double ackRandomFactor, int maxRetransmit, int blockSize) {
    /** RFC 7252's defaults (2 s, 1.5, 4) and 1024-byte blocks. */
    public static final CoapTransmission RFC7252 = new CoapTransmission(2000, 1.5, 4, 1024);
    /** Slack for the server's work and the proxy's own retransmissions on the second leg. */
    private static final int PROCESSING_MILLIS = 2000;

    public CoapTransmission {
        if (ackTimeoutMillis < 1 || ackRandomFactor < 1 || maxRetransmit < 0 || maxRetransmit > 10) {
            throw new IllegalArgumentException("bad CoAP transmission parameters");
        }
        if (blockSize < 16 || blockSize > 1024 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two in 16..1024");
        }
    }

    /** The same parameters with another block size. */
    public CoapTransmission withBlockSize(int size) {
        return new CoapTransmission(ackTimeoutMillis, ackRandomFactor, maxRetransmit, size);
    }

    /** MAX_TRANSMIT_WAIT (§4.8.2): ACK_TIMEOUT × (2^(MAX_RETRANSMIT + 1) − 1) × ACK_RANDOM_FACTOR. */
    public long maxTransmitWaitMillis() {
        return (long) (ackTimeoutMillis * ((1L << (maxRetransmit + 1)) - 1) * ackRandomFactor);
    }

    /**
     * The host bridge's DTLS flight timer (RFC 6347 §4.2.4) aligned with CoAP's: it first expires after CoAP's
     * MAX_TRANSMIT_WAIT plus processing slack, so a flight is sent again (in a new exchange) only after CoAP gave up
     * on the last one, or got an answer without a flight; two sends per flight.
     */
    public Retransmission dtlsTimer() {
        long t = maxTransmitWaitMillis() + PROCESSING_MILLIS;
        return new Retransmission((int) Math.min(t, 60_000), 2);
    }

    /** RFC 7959 SZX of {@link #blockSize}. */
    int szx() {
        return Integer.numberOfTrailingZeros(blockSize) - 4;
    }
}
