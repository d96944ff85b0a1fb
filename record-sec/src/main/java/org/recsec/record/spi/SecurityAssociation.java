package org.recsec.record.spi;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;

/**
 * What both directions of a record-layer security association have in common: fixed parameters and the cipher.
 * An SA is either an {@link OutboundSa} (this end seals) or an {@link InboundSa} (this end opens); each owns its
 * mutable state (next sequence number, replay window, use counters) and its parameters never change.
 * Implementations: {@link org.recsec.record.ManualSa ManualSa} in record-sec, the SA database's entries in
 * km-interface.
 */
public interface SecurityAssociation {

    /** The SPI, an unsigned 32-bit value chosen by the receiving end. */
    long spi();

    /** Which way this SA protects traffic. */
    Direction direction();

    CipherSuite suite();

    /** The record epoch used (outbound) or expected (inbound). */
    int epoch();

    /** This end's identity. */
    LocalId localId();

    /** The other end's identity. */
    PeerId peerId();

    /** The record cipher of this SA. */
    RecordCipher cipher();

    /** @throws RecSecException {@code SA_EXPIRED} when the SA may no longer be used */
    void checkUsable() throws RecSecException;
}
