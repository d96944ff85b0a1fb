package org.recsec.se.host;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The host bridge for the applet's TLS 1.2 mode (RESET P2 bit 0; applet/README.md) over a byte stream, normally a
 * TCP connection to the server: reads the server's records (RFC 5246 §6.2.1), gives every handshake message a record
 * of its own (TLS may put several messages in one record or spread one over several), hands each server flight to
 * the card in EAP messages of at most {@value #CARD_BUFFER} bytes (the card answers the non-final ones with
 * nothing), and writes the card's records to the stream. Application records: the card seals (PROCESS-EAP P2
 * 0x97) and opens (P2 0x00) one record per call. The card must have been RESET for TLS before {@link #handshake()}.
 * A record over 16384 + 2048 bytes (RFC 5246 §6.2.3) ends the connection with an IOException.
 */
public final class SeTlsBridge {
    /** The card's I/O buffer: the largest EAP message it takes. */
    public static final int CARD_BUFFER = 1088;
    private static final int MAX_RECORD = 16384 + 2048;

    private final SeCard card;
    private final DataInputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private byte[] clientRandom;
    private byte[] serverRandom;

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
        partial.reset();
        clientRandom = null;
        serverRandom = null;
        byte[] hello = card.eapStart();
        // TLS record header 5, handshake header 4, client_version 2, then the random
        if (hello.length < 43 || hello[0] != 22 || hello[5] != 1) {
            throw new SeException("the card's first record is not a ClientHello");
        }
        clientRandom = Arrays.copyOfRange(hello, 11, 43);
        toServer(hello);
        List<byte[]> pending = new ArrayList<>();
        boolean helloDone = false;
        boolean ccs = false;
        while (true) {
            byte[] rec = readRecord();
            int type = rec[0];
            if (type == 21) {
                throw new IOException("alert from the server during the handshake: level " + rec[5]
                        + ", description " + (rec.length > 6 ? rec[6] & 0xFF : -1));
            }
            if (type == 22 && !ccs) {
                partial.write(rec, 5, rec.length - 5);
                byte[] b = partial.toByteArray();
                int o = 0;
                boolean flightEnd = false;
                while (b.length - o >= 4) {
                    int len = ((b[o + 1] & 0xFF) << 16) | ((b[o + 2] & 0xFF) << 8) | (b[o + 3] & 0xFF);
                    if (len > CARD_BUFFER) {
                        throw new IOException("a handshake message of " + len + " bytes does not fit the card");
                    }
                    if (b.length - o < 4 + len) {
                        break;
                    }
                    if (b[o] == 2 && len >= 34) {
                        serverRandom = Arrays.copyOfRange(b, o + 6, o + 38);
                    }
                    pending.add(record(rec[1], rec[2], b, o, 4 + len));
                    flightEnd = b[o] == 14;
                    o += 4 + len;
                }
                partial.reset();
                partial.write(b, o, b.length - o);
                if (flightEnd) {
                    helloDone = true;
                    toServer(toCard(pending));
                    pending.clear();
                }
            } else if (type == 20 && !ccs) {
                ccs = true;
                pending.add(rec);
            } else if (type == 22) {
                pending.add(rec);
                toServer(toCard(pending));
                if (serverRandom == null) {
                    throw new SeException("handshake finished without a ServerHello");
                }
                return !helloDone;
            } else {
                throw new IOException("unexpected record of type " + type + " during the handshake");
            }
        }
    }

    /**
     * client_random of the last {@link #handshake()} (the card's ClientHello), 32 bytes.
     *
     * @throws IllegalStateException before a handshake
     */
    public byte[] clientRandom() {
        if (clientRandom == null) {
            throw new IllegalStateException("no handshake yet");
        }
        return clientRandom.clone();
    }

    /**
     * server_random of the last finished {@link #handshake()} (the ServerHello), 32 bytes.
     *
     * @throws IllegalStateException before a finished handshake
     */
    public byte[] serverRandom() {
        if (serverRandom == null) {
            throw new IllegalStateException("no finished handshake yet");
        }
        return serverRandom.clone();
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

    private byte[] toCard(List<byte[]> records) throws SeException {
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        for (byte[] r : records) {
            if (msg.size() > 0 && msg.size() + r.length > CARD_BUFFER) {
                if (card.processEap(0, msg.toByteArray()).length != 0) {
                    throw new SeException("the card answered in the middle of a server flight");
                }
                msg.reset();
            }
            msg.writeBytes(r);
        }
        return card.processEap(0, msg.toByteArray());
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

    private static byte[] record(byte major, byte minor, byte[] b, int off, int len) {
        byte[] r = new byte[5 + len];
        r[0] = 22;
        r[1] = major;
        r[2] = minor;
        r[3] = (byte) (len >> 8);
        r[4] = (byte) len;
        System.arraycopy(b, off, r, 5, len);
        return r;
    }
}
