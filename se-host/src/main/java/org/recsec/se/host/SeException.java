package org.recsec.se.host;

/**
 * A secure-element bridge failure: the card refused a command (its status word in {@link #statusWord()}), answered
 * something the protocol does not allow, did not answer, or the DTLS peer failed the handshake. Messages never
 * contain key material.
 */
public final class SeException extends Exception {
    private static final long serialVersionUID = 1L;
    /** {@link #statusWord()} when the failure is not a status word from the card. */
    public static final int NO_STATUS_WORD = -1;
    private final int sw;

    public SeException(String message) {
        this(message, NO_STATUS_WORD, null);
    }

    public SeException(String message, Throwable cause) {
        this(message, NO_STATUS_WORD, cause);
    }

    public SeException(String message, int statusWord, Throwable cause) {
        super(statusWord == NO_STATUS_WORD ? message : String.format("%s (SW %04X)", message, statusWord), cause);
        this.sw = statusWord;
    }

    /** The card's status word, or {@link #NO_STATUS_WORD}. */
    public int statusWord() {
        return sw;
    }
}
