package org.recsec.record.spi;

import org.recsec.record.base.RecSecException;

/**
 * The receiving direction of an SA: {@link org.recsec.record.RecordProtector RecordProtector} asks
 * {@link #shouldDiscard} before it opens a record and reports the record with {@link #reportAuthenticated} only
 * after the tag and every other check passed, so a refused record never moves the anti-replay window (RFC 6347
 * §4.1.2.6; the names follow Bouncy Castle's DTLS {@code DTLSReplayWindow}).
 */
public interface InboundSa extends SecurityAssociation {

    @Override
    default Direction direction() {
        return Direction.INBOUND;
    }

    /**
     * The highest sequence number accepted so far, {@code -1} before the first: where the compact profile
     * reconstructs a received record's full sequence number from its low bits (RFC 9147 §4.2.2).
     */
    long highestAccepted();

    /** True when a record with sequence number {@code seq} must be dropped unopened: already accepted, too old. */
    boolean shouldDiscard(long seq);

    /**
     * Marks {@code seq} as received and counts one record of {@code plaintextBytes} against the lifetimes.
     *
     * @throws RecSecException {@code REPLAY} if another thread accepted {@code seq} (or the window moved past it)
     *                         since {@link #shouldDiscard} said otherwise
     */
    void reportAuthenticated(long seq, long plaintextBytes) throws RecSecException;
}
