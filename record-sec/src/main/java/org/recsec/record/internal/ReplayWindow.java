package org.recsec.record.internal;

import org.recsec.record.base.RecSecException;

/**
 * The anti-replay window of one inbound SA (RFC 6347 §4.1.2.6): a sliding bitmap right-aligned on the highest
 * authenticated sequence number.
 *
 * <p>Use it in two steps, as the RFC says: {@link #check(long)} before decrypting, so obvious replays cost no AEAD;
 * {@link #accept(long)} only after the tag verified. A forged record with a high sequence number therefore never
 * moves the window. {@code accept} checks again under the lock, so two threads racing with the same record cannot
 * both have it accepted.
 */
public final class ReplayWindow {
    /**
     * The window size when the SA does not say. RFC 6347 §4.1.2.6 asks for at least 32 and DTLS uses 64, but one SA
     * here is shared by many endpoints and threads whose receivers run independently: with 16 Californium client
     * endpoints x 4 threads on one SA pair, a window of 64 refused 1.2% of genuine exchanges as REPLAY (128: 0.016%;
     * 256 and 512: none, also with both cores kept busy; bench CaliforniumLoad). 512 keeps that margin for 64 bytes
     * of bitmap per inbound SA.
     */
    public static final int DEFAULT_SIZE = 512;
    public static final int MAX_SIZE = 1024;
    private static final long MAX_SEQ = (1L << 48) - 1;

    private final int size;
    private final long[] bits;
    private long highest = -1;

    public ReplayWindow(int size) {
        this(size, 0);
    }

    /**
     * A window that refuses every sequence number below {@code firstAcceptable}: what an inbound SA restored after
     * a restart needs when it only knows a mark above every number it accepted before.
     */
    public ReplayWindow(int size, long firstAcceptable) {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("replay window size must be 1.." + MAX_SIZE + ", was " + size);
        }
        if (firstAcceptable < 0 || firstAcceptable > MAX_SEQ + 1) {
            throw new IllegalArgumentException("first acceptable sequence number out of range");
        }
        this.size = size;
        this.bits = new long[(size + 63) >>> 6];
        this.highest = firstAcceptable - 1;
        if (firstAcceptable > 0) {
            java.util.Arrays.fill(bits, -1L); // everything up to highest counts as seen
        }
    }

    public int size() {
        return size;
    }

    /** The highest sequence number accepted so far, -1 before the first. */
    public synchronized long highest() {
        return highest;
    }

    /**
     * True when {@code seq} would be refused by {@link #check(long)}: out of range, left of the window or already
     * accepted. Changes nothing.
     */
    public synchronized boolean shouldDiscard(long seq) {
        return seq < 0 || seq > MAX_SEQ || seq <= highest && (highest - seq >= size || isSet(seq));
    }

    /**
     * @throws RecSecException {@code REPLAY} when {@code seq} was already accepted or lies left of the window,
     *                         {@code MALFORMED} when it is not a 48-bit value
     */
    public synchronized void check(long seq) throws RecSecException {
        if (seq < 0 || seq > MAX_SEQ) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "sequence number out of range");
        }
        if (seq > highest) {
            return;
        }
        if (highest - seq >= size) {
            throw new RecSecException(RecSecException.Reason.REPLAY, "sequence number left of the window");
        }
        if (isSet(seq)) {
            throw new RecSecException(RecSecException.Reason.REPLAY, "sequence number already accepted");
        }
    }

    /**
     * Marks {@code seq} as received; call only after the record authenticated.
     *
     * @throws RecSecException {@code REPLAY} if another thread accepted it (or the window moved past it) meanwhile
     */
    public synchronized void accept(long seq) throws RecSecException {
        check(seq);
        if (seq > highest) {
            long shift = seq - highest;
            int capacity = bits.length << 6;
            if (shift >= capacity) {
                java.util.Arrays.fill(bits, 0L);
            } else {
                for (long s = highest + 1; s < seq; s++) {
                    clear(s);
                }
            }
            highest = seq;
        }
        set(seq);
    }

    private boolean isSet(long seq) {
        int i = (int) (seq % (bits.length << 6));
        return (bits[i >>> 6] & (1L << (i & 63))) != 0;
    }

    private void set(long seq) {
        int i = (int) (seq % (bits.length << 6));
        bits[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(long seq) {
        int i = (int) (seq % (bits.length << 6));
        bits[i >>> 6] &= ~(1L << (i & 63));
    }

    @Override
    public synchronized String toString() {
        return "ReplayWindow[size=" + size + ", highest=" + highest + "]";
    }
}
