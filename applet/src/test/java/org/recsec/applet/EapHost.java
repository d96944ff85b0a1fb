package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import javax.smartcardio.ResponseAPDU;

/**
 * The host side of PROCESS-EAP (applet/README.md): sends a payload in EAP-Request fragments (L and the total on the
 * first of several, M on all but the last), expects the empty EAP-Response ACK after each non-final fragment,
 * then fetches the card's answer fragment by fragment with empty EAP-Requests and reassembles it.
 */
final class EapHost {

    static final int L = 0x80;
    static final int M = 0x40;
    static final int S = 0x20;

    /** Thrown when the card answers a status word other than 9000. */
    static final class CardError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int sw;

        CardError(int sw) {
            super(String.format("SW %04X", sw));
            this.sw = sw;
        }
    }

    private final SimulatedCard card;
    private final int fragment;
    private int id;

    EapHost(SimulatedCard card) {
        this(card, 200);
    }

    EapHost(SimulatedCard card, int fragment) {
        this.card = card;
        this.fragment = fragment;
    }

    /** EAP-TLS Start: the answer is the ClientHello record. */
    byte[] start() {
        return collect(request(0, S, -1, new byte[0], 0, 0), 0);
    }

    /** Sends one message (handshake records, a record to open, or plaintext to seal) and returns the answer. */
    byte[] exchange(int p2, byte[] payload) {
        int off = 0;
        boolean first = true;
        ResponseAPDU r;
        while (true) {
            int n = Math.min(fragment, payload.length - off);
            boolean more = off + n < payload.length;
            int flags = (first && more ? L : 0) | (more ? M : 0);
            r = request(p2, flags, first && more ? payload.length : -1, payload, off, n);
            off += n;
            first = false;
            if (!more) {
                break;
            }
            assertArrayEquals(ack(), r.getData(), "fragment ACK");
        }
        return collect(r, p2);
    }

    private byte[] collect(ResponseAPDU r, int p2) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int total = -1;
        while (true) {
            byte[] d = r.getData();
            assertEquals(2, d[0], "EAP-Response");
            assertEquals((byte) id, d[1], "identifier echoed");
            assertEquals(d.length, ((d[2] & 0xFF) << 8) | (d[3] & 0xFF), "EAP Length");
            assertEquals(13, d[4], "EAP-TLS");
            int flags = d[5] & 0xFF;
            int o = 6;
            if ((flags & L) != 0) {
                total = ((d[6] & 0xFF) << 24) | ((d[7] & 0xFF) << 16) | ((d[8] & 0xFF) << 8) | (d[9] & 0xFF);
                o = 10;
            }
            out.write(d, o, d.length - o);
            if ((flags & M) == 0) {
                break;
            }
            r = request(p2, 0, -1, new byte[0], 0, 0);
        }
        byte[] result = out.toByteArray();
        if (total >= 0) {
            assertEquals(total, result.length, "TLS Message Length");
        }
        return result;
    }

    /** Sends one raw EAP-Request; throws CardError unless the card answers 9000. */
    ResponseAPDU request(int p2, int flags, int tlsLength, byte[] data, int off, int n) {
        id = (id + 1) & 0xFF;
        byte[] eap = packet(1, id, flags, tlsLength, data, off, n);
        ResponseAPDU r = card.send(SimulatedCard.INS_PROCESS_EAP, 0, p2, eap);
        if (r.getSW() != 0x9000) {
            throw new CardError(r.getSW());
        }
        return r;
    }

    static byte[] packet(int code, int id, int flags, int tlsLength, byte[] data, int off, int n) {
        int len = 6 + (tlsLength >= 0 ? 4 : 0) + n;
        byte[] eap = new byte[len];
        eap[0] = (byte) code;
        eap[1] = (byte) id;
        eap[2] = (byte) (len >> 8);
        eap[3] = (byte) len;
        eap[4] = 13;
        eap[5] = (byte) flags;
        int o = 6;
        if (tlsLength >= 0) {
            eap[6] = (byte) (tlsLength >>> 24);
            eap[7] = (byte) (tlsLength >>> 16);
            eap[8] = (byte) (tlsLength >>> 8);
            eap[9] = (byte) tlsLength;
            o = 10;
        }
        System.arraycopy(data, off, eap, o, n);
        return eap;
    }

    private byte[] ack() {
        return new byte[] {2, (byte) id, 0, 6, 13, 0};
    }
}
