package org.recsec.applet;

import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.Util;
import javacard.security.CryptoException;

/**
 * EAP-TLS framing over ISO 7816 (RFC 3748 §4, RFC 5216 §3, seed 003 §3-4): reassembles the host's EAP-Request
 * fragments into the I/O buffer (answering each non-final fragment with an empty EAP-Response, the ACK), hands the
 * whole message to the handshake or the record layer, and returns the answer in EAP-Response fragments of at most
 * {@link Consts#EAP_FRAGMENT} bytes, the host fetching each further fragment with an empty EAP-Request.
 * A failure before the session is established puts it into the error state (only RESET helps); after that, it only
 * drops the message in transit.
 */
final class EapLayer {

    private final Transients t;
    private final Persistent p;
    private final Handshake handshake;
    private final RecordLayer records;

    EapLayer(Transients t, Persistent p, Handshake handshake, RecordLayer records) {
        this.t = t;
        this.p = p;
        this.handshake = handshake;
        this.records = records;
    }

    void process(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        short lc = apdu.setIncomingAndReceive();
        try {
            dispatch(apdu, buf, lc);
        } catch (ISOException e) {
            abort();
            ISOException.throwIt(e.getReason());
        } catch (CryptoException e) {
            // e.g. a signature or DH value not below the modulus: bad data, never a 6F00
            abort();
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
    }

    private void abort() {
        byte s = t.state();
        if (s == Consts.ST_ESTABLISHED || s == Consts.ST_EXPORTED || s == Consts.ST_ERROR) {
            t.dropEapMessage();
        } else {
            t.wipeSession(Consts.ST_ERROR);
        }
    }

    private void dispatch(APDU apdu, byte[] buf, short lc) {
        byte p2 = buf[ISO7816.OFFSET_P2];
        short e = ISO7816.OFFSET_CDATA;
        if (buf[ISO7816.OFFSET_P1] != 0) {
            ISOException.throwIt(Consts.SW_WRONG_P1P2);
        }
        if (lc != (short) (buf[ISO7816.OFFSET_LC] & 0xFF) || lc < Consts.EAP_HEADER
                || Util.getShort(buf, (short) (e + 2)) != lc) {
            ISOException.throwIt(Consts.SW_WRONG_LENGTH);
        }
        byte flags = buf[(short) (e + 5)];
        if (buf[e] != Consts.EAP_REQUEST || buf[(short) (e + 4)] != Consts.EAP_TYPE_TLS
                || (flags & Consts.EAP_FLAGS_RESERVED) != 0) {
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
        byte id = buf[(short) (e + 1)];
        short dataOff = (short) (e + Consts.EAP_HEADER);
        short dataLen = (short) (lc - Consts.EAP_HEADER);
        short tlsLen = -1;
        if ((flags & Consts.EAP_FLAG_L) != 0) {
            // RFC 5216 §3.1: four-octet TLS Message Length, the total of all fragments
            if (dataLen < 4 || Util.getShort(buf, dataOff) != 0) {
                ISOException.throwIt(Consts.SW_WRONG_DATA);
            }
            tlsLen = Util.getShort(buf, (short) (dataOff + 2));
            dataOff = (short) (dataOff + 4);
            dataLen = (short) (dataLen - 4);
            if (tlsLen < dataLen || (tlsLen == dataLen && (flags & Consts.EAP_FLAG_M) != 0)) {
                ISOException.throwIt(Consts.SW_WRONG_DATA);
            }
        }
        byte mode = t.vars[Consts.V_EAP_MODE];
        if (mode == Consts.EAP_MODE_SENDING) {
            // only an ACK (empty EAP-Request) may fetch the next fragment
            if (flags != 0 || dataLen != 0) {
                ISOException.throwIt(Consts.SW_WRONG_STATE);
            }
            sendFragment(apdu, buf, id);
            return;
        }
        if ((flags & Consts.EAP_FLAG_S) != 0) {
            if (flags != Consts.EAP_FLAG_S || dataLen != 0 || p2 != 0 || mode != Consts.EAP_MODE_IDLE) {
                ISOException.throwIt(Consts.SW_WRONG_DATA);
            }
            t.setShort(Consts.V_SPLICE_LEN, (short) 0);
            startSending(apdu, buf, id, (short) 0, handshake.start());
            return;
        }
        if (mode == Consts.EAP_MODE_IDLE) {
            firstFragment(p2, flags, tlsLen);
        } else if (p2 != t.vars[Consts.V_IN_P2]
                || (tlsLen >= 0 && tlsLen != t.getShort(Consts.V_IN_EXPECTED))) {
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
        short base = t.getShort(Consts.V_IN_BASE);
        short have = t.getShort(Consts.V_IN_LEN);
        short expected = t.getShort(Consts.V_IN_EXPECTED);
        if (dataLen > (short) (capacity(t, p2) - have) || (expected >= 0 && dataLen > (short) (expected - have))) {
            ISOException.throwIt(Consts.SW_TOO_LONG);
        }
        Util.arrayCopyNonAtomic(buf, dataOff, t.io, (short) (base + have), dataLen);
        have = (short) (have + dataLen);
        t.setShort(Consts.V_IN_LEN, have);
        if ((flags & Consts.EAP_FLAG_M) != 0) {
            t.vars[Consts.V_EAP_MODE] = Consts.EAP_MODE_RECEIVING;
            sendEmpty(apdu, buf, id);
            return;
        }
        if (expected >= 0 && have != expected) {
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
        t.vars[Consts.V_EAP_MODE] = Consts.EAP_MODE_IDLE;
        t.setShort(Consts.V_SPLICE_LEN, (short) 0);
        if (p2 == 0) {
            if (t.state() == Consts.ST_ESTABLISHED) {
                short n = records.open(have);
                short at = t.recordPlaintext();
                startSending(apdu, buf, id, at, (short) (at + n));
            } else {
                startSending(apdu, buf, id, (short) 0, handshake.onFlight(have));
            }
        } else {
            startSending(apdu, buf, id, (short) 0, records.seal((byte) (p2 & 0x7F), have));
        }
    }

    /** Checks that the operation named by P2 is allowed now, and opens the reassembly. */
    private void firstFragment(byte p2, byte flags, short tlsLen) {
        byte s = t.state();
        if (p2 == 0) {
            if (s < Consts.ST_WAIT_SERVER_HELLO || s > Consts.ST_ESTABLISHED) {
                ISOException.throwIt(Consts.SW_WRONG_STATE);
            }
        } else if ((p2 & Consts.P2_ENCRYPT_FLAG) != 0 && RecordLayer.hostType((byte) (p2 & 0x7F))) {
            if (s != Consts.ST_ESTABLISHED) {
                ISOException.throwIt(Consts.SW_WRONG_STATE);
            }
        } else {
            ISOException.throwIt(Consts.SW_WRONG_P1P2);
        }
        // RFC 5216 §3.1: the first fragment of a fragmented message carries L
        if ((flags & Consts.EAP_FLAG_M) != 0 && tlsLen < 0) {
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
        if (tlsLen > capacity(t, p2)) {
            ISOException.throwIt(Consts.SW_TOO_LONG);
        }
        t.vars[Consts.V_IN_P2] = p2;
        t.setShort(Consts.V_IN_BASE, p2 == 0 ? 0 : t.recordPlaintext());
        t.setShort(Consts.V_IN_LEN, (short) 0);
        t.setShort(Consts.V_IN_EXPECTED, tlsLen);
    }

    /** Largest message for the operation: a whole record, or a plaintext that leaves room for header and tag. */
    private static short capacity(Transients t, byte p2) {
        return p2 == 0 ? Consts.IO_SIZE : (short) (Consts.IO_SIZE - t.recordPlaintext() - Consts.TAG);
    }

    /**
     * Starts sending io[start..end); when V_SPLICE_LEN is not 0 the card's certificate (EEPROM) is inserted at
     * io offset V_SPLICE_AT. Positions below are counted in the answer, 0 .. total.
     */
    private void startSending(APDU apdu, byte[] buf, byte id, short start, short end) {
        if (end <= start) {
            sendEmpty(apdu, buf, id);
            return;
        }
        t.setShort(Consts.V_OUT_START, start);
        t.setShort(Consts.V_OUT_POS, (short) 0);
        t.setShort(Consts.V_OUT_END, (short) (end - start + t.getShort(Consts.V_SPLICE_LEN)));
        sendFragment(apdu, buf, id);
    }

    /** Copies n bytes of the answer from position pos to buf[o]. */
    private void copyOut(short pos, byte[] buf, short o, short n) {
        short start = t.getShort(Consts.V_OUT_START);
        short spliceLen = t.getShort(Consts.V_SPLICE_LEN);
        short at = spliceLen == 0 ? 0 : (short) (t.getShort(Consts.V_SPLICE_AT) - start);
        while (n > 0) {
            short chunk;
            if (pos < at) {
                chunk = (short) (at - pos) < n ? (short) (at - pos) : n;
                Util.arrayCopyNonAtomic(t.io, (short) (start + pos), buf, o, chunk);
            } else if (pos < (short) (at + spliceLen)) {
                chunk = (short) (at + spliceLen - pos) < n ? (short) (at + spliceLen - pos) : n;
                Util.arrayCopyNonAtomic(p.cert, (short) (pos - at), buf, o, chunk);
            } else {
                chunk = n;
                Util.arrayCopyNonAtomic(t.io, (short) (start + pos - spliceLen), buf, o, chunk);
            }
            pos = (short) (pos + chunk);
            o = (short) (o + chunk);
            n = (short) (n - chunk);
        }
    }

    /** EAP-Response: L on the first fragment (with the total length), M while more follow. */
    private void sendFragment(APDU apdu, byte[] buf, byte id) {
        short start = 0;
        short pos = t.getShort(Consts.V_OUT_POS);
        short end = t.getShort(Consts.V_OUT_END);
        short n = (short) (end - pos);
        byte flags = 0;
        if (n > Consts.EAP_FRAGMENT) {
            n = Consts.EAP_FRAGMENT;
            flags = Consts.EAP_FLAG_M;
        }
        short o = Consts.EAP_HEADER;
        if (pos == start) {
            flags |= Consts.EAP_FLAG_L;
            Util.setShort(buf, o, (short) 0);
            Util.setShort(buf, (short) (o + 2), (short) (end - start));
            o = (short) (o + 4);
        }
        copyOut(pos, buf, o, n);
        o = (short) (o + n);
        pos = (short) (pos + n);
        t.setShort(Consts.V_OUT_POS, pos);
        t.vars[Consts.V_EAP_MODE] = pos < end ? Consts.EAP_MODE_SENDING : Consts.EAP_MODE_IDLE;
        header(buf, id, o, flags);
        apdu.setOutgoingAndSend((short) 0, o);
    }

    /** The empty EAP-Response 02 id 00 06 0D 00: fragment ACK, or "nothing to send". */
    private void sendEmpty(APDU apdu, byte[] buf, byte id) {
        header(buf, id, Consts.EAP_HEADER, (byte) 0);
        apdu.setOutgoingAndSend((short) 0, Consts.EAP_HEADER);
    }

    private static void header(byte[] buf, byte id, short len, byte flags) {
        buf[0] = Consts.EAP_RESPONSE;
        buf[1] = id;
        Util.setShort(buf, (short) 2, len);
        buf[4] = Consts.EAP_TYPE_TLS;
        buf[5] = flags;
    }
}
