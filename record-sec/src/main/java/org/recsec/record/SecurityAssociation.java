package org.recsec.record;

import org.recsec.record.internal.ReplayWindow;

/**
 * One direction of a record-layer security association, as installed by a key-management protocol.
 * The SA owns its mutable state (next sequence number, replay window, use counters); its parameters never change.
 * Implementations: {@link ManualSa} here, the SA database's entries in km-interface.
 */
public interface SecurityAssociation {

    /** The SPI, an unsigned 32-bit value chosen by the receiving end. */
    long spi();

    Direction direction();

    CipherSuite suite();

    /** The record epoch used (outbound) or expected (inbound). */
    int epoch();

    /** This end's identity (a CoAP endpoint, e.g. {@code coap://[::1]:5683}, or a secure element name). */
    String localId();

    /** The other end's identity. */
    String peerId();

    /** The record cipher of this SA. */
    RecordCipher cipher();

    /**
     * Outbound only: reserves the next record sequence number. Never returns the same number twice, also not across
     * a restart when the SA is persisted.
     *
     * @throws RecSecException {@code SEQUENCE_EXHAUSTED} after 2^48-1, {@code SA_EXPIRED} when the SA is dead
     */
    long nextSequence() throws RecSecException;

    /** Inbound only: the anti-replay window; {@code null} for an outbound SA. */
    ReplayWindow replayWindow();

    /** @throws RecSecException {@code SA_EXPIRED} when the SA may no longer be used */
    void checkUsable() throws RecSecException;

    /** Reports that one record carrying {@code plaintextBytes} was sealed or accepted under this SA (lifetimes). */
    void recordUsed(long plaintextBytes);
}
