package org.recsec.kmp.iose;

import java.io.IOException;

/**
 * The ISO 7816 link to one IoSE secure element: command APDU bytes in, response APDU bytes (data ‖ SW1 SW2) out.
 * Implementations serialise {@link #transmit}; a link may share a reader or a simulator with other links.
 */
public interface SeLink extends AutoCloseable {

    /**
     * Sends one command APDU (ISO 7816-4 §5.1, short form) and returns the response with its status word.
     *
     * @throws IOException when the card or reader does not answer
     */
    byte[] transmit(byte[] command) throws IOException;

    /**
     * The card's Answer-to-Reset as the reader reports it (ISO/IEC 7816-3 §8), or empty for a link without one (a
     * simulated SE, jcardsim's terminal gives its fixed ATR).
     */
    default java.util.Optional<byte[]> atr() {
        return java.util.Optional.empty();
    }

    /** A short, key-free description for logs. */
    String describe();

    /**
     * Releases what the link holds (a PC/SC connection: {@code Card.disconnect}); later {@link #transmit} calls fail.
     * Nothing for a simulated SE. Idempotent.
     */
    @Override
    default void close() {
    }
}
