package org.recsec.applet;

import java.io.IOException;

/** The test's host bridge between the card and a server, over DTLS ({@link DtlsBridge}) or TLS ({@link TlsStreamBridge}). */
interface CardBridge {
    /** Runs the handshake the card was RESET for; true when it was abbreviated (resumed). */
    boolean handshake() throws IOException;

    /** Sends {@code plaintext} as application data the card seals. */
    void send(byte[] plaintext) throws IOException;

    /** The next application data from the server, opened by the card. */
    byte[] receive() throws IOException;

    /** Sends the card's close_notify alert. */
    void closeNotify() throws IOException;
}
