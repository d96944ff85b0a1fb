package org.recsec.record.spi;

import org.recsec.record.base.RecSecException;

/**
 * The sending direction of an SA: {@link org.recsec.record.RecordProtector RecordProtector} reserves a sequence
 * number, seals one record with {@link #cipher()} under it and reports the record (the names follow Bouncy Castle's
 * TLS record layer).
 */
public interface OutboundSa extends SecurityAssociation {

    @Override
    default Direction direction() {
        return Direction.OUTBOUND;
    }

    /**
     * Reserves the next record sequence number. Never returns the same number twice, also not across a restart
     * when the SA is persisted: the AEAD nonce is derived from it (RFC 6347 §4.1.2.1, RFC 8446 §5.3).
     *
     * @throws RecSecException {@code SEQUENCE_EXHAUSTED} after the last number, {@code SA_EXPIRED} when the SA is
     *                         dead
     */
    long reserveSequence() throws RecSecException;

    /** Reports that one record carrying {@code plaintextBytes} was sealed under this SA (lifetimes, RFC 2367). */
    void reportSealed(long plaintextBytes);
}
