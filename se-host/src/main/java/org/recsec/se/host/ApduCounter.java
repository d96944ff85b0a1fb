package org.recsec.se.host;

import org.recsec.record.internal.wire.Bytes;

/**
 * Counts APDUs and the bytes crossing the ISO 7816 interface: command bytes host to card (header, Lc, data, Le)
 * and response bytes card to host (data and the two status bytes). Thread-safe.
 */
public final class ApduCounter {
    private long apdus;
    private long sent;
    private long received;

    /** Records one command of {@code commandBytes} answered by {@code responseBytes}. */
    public synchronized void count(int commandBytes, int responseBytes) {
        apdus++;
        sent += commandBytes;
        received += responseBytes;
    }

    /** The totals so far. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(apdus, sent, received);
    }

    /**
     * Counts at one moment; {@link #minus} gives what happened between two of them.
     *
     * @param apdus    command/response pairs
     * @param sent     bytes host to card
     * @param received bytes card to host, status words included
     */
    public record Snapshot(long apdus, long sent, long received) {
        /** The counts since {@code earlier}. */
        public Snapshot minus(Snapshot earlier) {
            return new Snapshot(apdus - earlier.apdus, sent - earlier.sent, received - earlier.received);
        }

        /** Bytes both ways. */
        public long bytes() {
            return sent + received;
        }

        @Override
        public String toString() {
            return apdus + " APDUs, " + sent + " bytes to the card, " + received + " bytes from the card";
        }
    }
}
