package org.recsec.se.host;

import javax.smartcardio.CardException;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/**
 * The ISO 7816 link to one secure element: a {@code javax.smartcardio} channel (jcardsim's embedded terminal or a
 * PC/SC reader), with a counter of the APDUs and bytes that crossed it.
 *
 * <p>Implementations serialise {@link #transmit}: one command at a time reaches the card.
 */
public interface CardLink extends AutoCloseable {

    /**
     * Sends one command APDU and returns the card's answer (data and status word). Counts it in {@link #counter()}.
     *
     * @throws CardException when the card or reader does not answer (removed, reader gone, link closed)
     */
    ResponseAPDU transmit(CommandAPDU command) throws CardException;

    /** The running count of APDUs and bytes on this link. */
    ApduCounter counter();

    /** A short, key-free description of the card and reader, for logs. */
    String describe();

    /** Releases the card (disconnect without reset for a reader; nothing for the simulator). */
    @Override
    void close();
}
