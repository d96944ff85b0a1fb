package org.recsec.applet;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The test's host bridge for TLS 1.2 over a byte stream (TCP): reads the server's records, gives every handshake
 * message a record of its own (a TLS record may carry several messages, a message may span records), and hands
 * each server flight to the card in EAP messages of at most the card's 1088 bytes (the card answers the non-final
 * ones with nothing); writes the card's records to the stream.
 */
final class TlsStreamBridge implements CardBridge {

    static final int CARD_BUFFER = 1088;

    private final EapHost eap;
    private final DataInputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    /** The card's records of the last handshake, as written to the stream. */
    final List<byte[]> cardRecords = new ArrayList<>();
    /** Length of the longest EAP message handed to the card. */
    int largestToCard;

    TlsStreamBridge(EapHost eap, InputStream in, OutputStream out) {
        this.eap = eap;
        this.in = new DataInputStream(in);
        this.out = out;
    }

    /** Runs the handshake the card was RESET for; true when it was abbreviated (resumed). */
    @Override
    public boolean handshake() throws IOException {
        cardRecords.clear();
        toServer(eap.start());
        List<byte[]> pending = new ArrayList<>();
        boolean helloDone = false;
        boolean ccs = false;
        while (true) {
            byte[] rec = readRecord();
            int type = rec[0];
            if (type == 21) {
                throw new AssertionError("alert from the server: " + Hex.of(rec));
            }
            if (type == 22 && !ccs) {
                partial.write(rec, 5, rec.length - 5);
                byte[] b = partial.toByteArray();
                int o = 0;
                boolean flightEnd = false;
                while (b.length - o >= 4) {
                    int len = ((b[o + 1] & 0xFF) << 16) | ((b[o + 2] & 0xFF) << 8) | (b[o + 3] & 0xFF);
                    if (b.length - o < 4 + len) {
                        break;
                    }
                    pending.add(record(22, rec[1], rec[2], b, o, 4 + len));
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
                return !helloDone;
            } else {
                throw new AssertionError("unexpected record during the handshake: " + Hex.of(rec));
            }
        }
    }

    /** Card seals, the record goes to the server. */
    @Override
    public void send(byte[] plaintext) throws IOException {
        out.write(eap.exchange(0x97, plaintext));
        out.flush();
    }

    /**
     * close_notify (RFC 5246 §7.2.1), sealed by the card as an alert record: without it OpenSSL drops the session
     * from its cache and will not resume it.
     */
    @Override
    public void closeNotify() throws IOException {
        out.write(eap.exchange(0x80 | 21, new byte[] {1, 0}));
        out.flush();
    }

    /** The server's next record, opened by the card. */
    @Override
    public byte[] receive() throws IOException {
        return eap.exchange(0, readRecord());
    }

    private byte[] toCard(List<byte[]> records) {
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        byte[] answer = new byte[0];
        for (int i = 0; i < records.size(); i++) {
            byte[] r = records.get(i);
            if (msg.size() > 0 && msg.size() + r.length > CARD_BUFFER) {
                answer = deliver(msg.toByteArray());
                if (answer.length != 0) {
                    throw new AssertionError("the card answered in the middle of a flight");
                }
                msg.reset();
            }
            msg.writeBytes(r);
        }
        return deliver(msg.toByteArray());
    }

    private byte[] deliver(byte[] m) {
        largestToCard = Math.max(largestToCard, m.length);
        if (System.getenv("BRIDGE_DEBUG") != null) {
            System.err.println("to card " + m.length + ": " + Hex.of(m));
        }
        return eap.exchange(0, m);
    }

    private void toServer(byte[] records) throws IOException {
        int o = 0;
        while (o < records.length) {
            int len = ((records[o + 3] & 0xFF) << 8) | (records[o + 4] & 0xFF);
            cardRecords.add(Arrays.copyOfRange(records, o, o + 5 + len));
            o += 5 + len;
        }
        out.write(records);
        out.flush();
    }

    private byte[] readRecord() throws IOException {
        byte[] h = new byte[5];
        try {
            in.readFully(h);
        } catch (EOFException e) {
            throw new AssertionError("the server closed the connection");
        }
        int len = ((h[3] & 0xFF) << 8) | (h[4] & 0xFF);
        byte[] r = Arrays.copyOf(h, 5 + len);
        in.readFully(r, 5, len);
        return r;
    }

    private static byte[] record(int type, byte major, byte minor, byte[] b, int off, int len) {
        byte[] r = new byte[5 + len];
        r[0] = (byte) type;
        r[1] = major;
        r[2] = minor;
        r[3] = (byte) (len >> 8);
        r[4] = (byte) len;
        System.arraycopy(b, off, r, 5, len);
        return r;
    }
}
