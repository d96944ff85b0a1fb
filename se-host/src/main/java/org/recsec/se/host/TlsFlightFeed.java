package org.recsec.se.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The handshake half of the applet's TLS 1.2 mode (RESET P2 bit 0; applet/README.md), push-driven: the caller hands
 * in the server's bytes as they come (whole records, or a byte stream cut anywhere, as EAP-TLS delivers it) and
 * sends on what comes back. The feed gives every handshake message a record of its own (TLS may put several in one
 * record or spread one over several; RFC 5246 §6.2.1), hands each server flight to the card in EAP messages of at
 * most {@value #CARD_BUFFER} bytes (the card answers the non-final ones with nothing), and returns the card's
 * records. Used by {@link SeTlsBridge} (TCP) and by the EAP-TLS peer of kmp/eap (records inside EAP-TLS).
 * A record over 16384 + 2048 bytes (RFC 5246 §6.2.3) or a handshake message over the card's buffer is refused with an
 * IOException, as is an alert or a record of another type during the handshake.
 */
public final class TlsFlightFeed {
    /** The card's I/O buffer: the largest EAP message it takes. */
    public static final int CARD_BUFFER = 1088;
    /** RFC 5246 §6.2.3: the largest TLSCiphertext fragment. */
    public static final int MAX_RECORD = 16384 + 2048;

    private final SeCard card;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
    private final List<byte[]> pending = new ArrayList<>();
    private byte[] clientRandom;
    private byte[] serverRandom;
    private boolean helloDone;
    private boolean ccs;
    private boolean finished;

    /** A feed for a card already RESET for TLS. */
    public TlsFlightFeed(SeCard card) {
        this.card = Objects.requireNonNull(card);
    }

    /**
     * EAP-TLS Start to the card: its ClientHello record.
     *
     * @throws SeException when the card refuses or its first record is not a ClientHello
     */
    public byte[] start() throws SeException {
        byte[] hello = card.eapStart();
        // TLS record header 5, handshake header 4, client_version 2, then the random
        if (hello.length < 43 || hello[0] != 22 || hello[5] != 1) {
            throw new SeException("the card's first record is not a ClientHello");
        }
        clientRandom = Arrays.copyOfRange(hello, 11, 43);
        return hello;
    }

    /**
     * Server bytes cut anywhere: every whole record among them (with what came before) goes to {@link #offer}; the
     * rest waits for the next call.
     *
     * @return the card's records to send to the server, possibly none
     */
    public byte[] offerBytes(byte[] data) throws SeException, IOException {
        stream.write(data, 0, data.length);
        byte[] b = stream.toByteArray();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        int o = 0;
        while (b.length - o >= 5) {
            int len = ((b[o + 3] & 0xFF) << 8) | (b[o + 4] & 0xFF);
            if (len > MAX_RECORD) {
                throw new IOException("record of " + len + " bytes");
            }
            if (b.length - o < 5 + len) {
                break;
            }
            answer.writeBytes(offer(Arrays.copyOfRange(b, o, o + 5 + len)));
            o += 5 + len;
        }
        stream.reset();
        stream.write(b, o, b.length - o);
        return answer.toByteArray();
    }

    /**
     * One whole record from the server (header included).
     *
     * @return the card's records to send to the server, possibly none
     * @throws SeException when the card refuses a message (then its session is in the error state)
     * @throws IOException on an alert, a record of an unexpected type, or a message too large for the card
     */
    public byte[] offer(byte[] rec) throws SeException, IOException {
        if (finished) {
            throw new IOException("the handshake is over");
        }
        if (rec.length < 5) {
            throw new IOException("truncated record");
        }
        int type = rec[0];
        if (type == 21) {
            throw new IOException("alert from the server during the handshake: level " + (rec.length > 5 ? rec[5] : -1)
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
                return toCard();
            }
            return new byte[0];
        }
        if (type == 20 && !ccs) {
            ccs = true;
            pending.add(rec);
            return new byte[0];
        }
        if (type == 22) {
            pending.add(rec);
            byte[] out = toCard();
            if (serverRandom == null) {
                throw new SeException("handshake finished without a ServerHello");
            }
            finished = true;
            return out;
        }
        throw new IOException("unexpected record of type " + type + " during the handshake");
    }

    /** True once the server's Finished reached the card and the card accepted it. */
    public boolean finished() {
        return finished;
    }

    /** True when the finished handshake was abbreviated (the server resumed the offered session). */
    public boolean abbreviated() {
        return finished && !helloDone;
    }

    /** client_random (the card's ClientHello), 32 bytes; null before {@link #start()}. */
    public byte[] clientRandom() {
        return clientRandom == null ? null : clientRandom.clone();
    }

    /** server_random (the ServerHello), 32 bytes; null before the ServerHello. */
    public byte[] serverRandom() {
        return serverRandom == null ? null : serverRandom.clone();
    }

    private byte[] toCard() throws SeException {
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        try {
            for (byte[] r : pending) {
                if (msg.size() > 0 && msg.size() + r.length > CARD_BUFFER) {
                    if (card.processEap(0, msg.toByteArray()).length != 0) {
                        throw new SeException("the card answered in the middle of a server flight");
                    }
                    msg.reset();
                }
                msg.writeBytes(r);
            }
            return card.processEap(0, msg.toByteArray());
        } finally {
            pending.clear();
        }
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
