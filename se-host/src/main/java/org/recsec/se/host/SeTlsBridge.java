package org.recsec.se.host;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * The host bridge for the applet's TLS 1.2 mode (RESET P2 bit 0; applet/README.md) over a byte stream, normally a
 * TCP connection to the server: reads the server's records (RFC 5246 §6.2.1), passes them through a
 * {@link TlsFlightFeed} (one handshake message per record, server flights in EAP messages of at most
 * {@value #CARD_BUFFER} bytes) and writes the card's records to the stream. Application records: the card seals (PROCESS-EAP P2
 * 0x97) and opens (P2 0x00) one record per call. The card must have been RESET for TLS before {@link #handshake()}.
 * A record over 16384 + 2048 bytes (RFC 5246 §6.2.3) ends the connection with an IOException.
 */
public final class SeTlsBridge {
    /** The card's I/O buffer: the largest EAP message it takes. */
    public static final int CARD_BUFFER = TlsFlightFeed.CARD_BUFFER;
    private static final int MAX_RECORD = TlsFlightFeed.MAX_RECORD;

    private final SeCard card;
    private final DataInputStream in;
    private final OutputStream out;
    private TlsFlightFeed feed;

    /** A bridge between the card and the server's stream (normally a TCP socket's input and output). */
    public SeTlsBridge(SeCard card, InputStream in, OutputStream out) {
        this.card = Objects.requireNonNull(card);
        this.in = new DataInputStream(in);
        this.out = Objects.requireNonNull(out);
    }

    /**
     * Runs the handshake the card was RESET for.
     *
     * @return true when it was abbreviated (the server resumed the offered session)
     * @throws SeException when the card refuses a message (then the session is in the card's error state)
     * @throws IOException when the server sends an alert or closes, or on a stream error
     */
    public boolean handshake() throws SeException, IOException {
        feed = new TlsFlightFeed(card);
        toServer(feed.start());
        while (!feed.finished()) {
            toServer(feed.offer(readRecord()));
        }
        return feed.abbreviated();
    }

    /**
     * client_random of the last {@link #handshake()} (the card's ClientHello), 32 bytes.
     *
     * @throws IllegalStateException before a handshake
     */
    public byte[] clientRandom() {
        byte[] r = feed == null ? null : feed.clientRandom();
        if (r == null) {
            throw new IllegalStateException("no handshake yet");
        }
        return r;
    }

    /**
     * server_random of the last finished {@link #handshake()} (the ServerHello), 32 bytes.
     *
     * @throws IllegalStateException before a finished handshake
     */
    public byte[] serverRandom() {
        if (feed == null || !feed.finished()) {
            throw new IllegalStateException("no finished handshake yet");
        }
        return feed.serverRandom();
    }

    /** The card seals the plaintext (at most 1067 bytes) as application data; the record goes to the server. */
    public byte[] send(byte[] plaintext) throws SeException, IOException {
        byte[] r = card.processEap(0x97, plaintext);
        out.write(r);
        out.flush();
        return r;
    }

    /** Reads the server's next record and has the card open it (application data or alert plaintext). */
    public byte[] receive() throws SeException, IOException {
        return card.processEap(0, readRecord());
    }

    /** close_notify (RFC 5246 §7.2.1) sealed by the card; servers keep the session resumable only after it. */
    public void closeNotify() throws SeException, IOException {
        out.write(card.processEap(0x80 | 21, new byte[] {1, 0}));
        out.flush();
    }

    private void toServer(byte[] records) throws IOException {
        if (records.length > 0) {
            out.write(records);
            out.flush();
        }
    }

    private byte[] readRecord() throws IOException {
        byte[] h = new byte[5];
        try {
            in.readFully(h);
        } catch (EOFException e) {
            throw new IOException("the server closed the connection");
        }
        int len = ((h[3] & 0xFF) << 8) | (h[4] & 0xFF);
        if (len > MAX_RECORD) {
            throw new IOException("record of " + len + " bytes");
        }
        byte[] r = Arrays.copyOf(h, 5 + len);
        in.readFully(r, 5, len);
        return r;
    }
}
