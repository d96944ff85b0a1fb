package org.recsec.kmp.iose;

import java.io.IOException;

/** A secure element refused a command (status word other than 9000) or answered out of protocol. */
public final class SeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int sw;

    /**
     * @param message what was refused
     * @param sw the status word, or -1 when the answer was malformed
     */
    public SeException(String message, int sw) {
        super(sw < 0 ? message : String.format("%s: SW %04X", message, sw));
        this.sw = sw;
    }

    /** The status word, or -1 when the answer itself was malformed. */
    public int sw() {
        return sw;
    }
}
