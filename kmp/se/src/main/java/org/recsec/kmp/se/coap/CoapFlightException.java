package org.recsec.kmp.se.coap;

import java.io.IOException;

/** The CoAP flight transport got an answer that ends the handshake: an error code or a malformed response. */
public final class CoapFlightException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int code;

    /**
     * @param code the CoAP response code (e.g. 0x84 for 4.04), or -1 when the response itself was unusable
     */
    public CoapFlightException(String message, int code) {
        super(message);
        this.code = code;
    }

    /** The response code, or -1. */
    public int code() {
        return code;
    }
}
