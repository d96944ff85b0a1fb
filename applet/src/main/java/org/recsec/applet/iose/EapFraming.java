package org.recsec.applet.iose;

import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * EAP-TLS framing of TLS records in ISO 7816 APDUs (RFC 3748 §4, RFC 5216 §3, as in draft-urien-tls-se and the
 * rest of recsec): the host's EAP-Request fragments are reassembled (each fragment with M is acknowledged by an
 * empty EAP-Response), the whole message goes to the TLS server, and its answer leaves in EAP-Response fragments of
 * at most {@link IoseConsts#EAP_FRAGMENT} bytes, each further one fetched by an empty EAP-Request. The card sets
 * the {@link IoseConsts#FLAG_CLOSED} flag on its answer once the TLS session has ended. A framing error drops the
 * message in transit (status word) and leaves the TLS session as it was.
 */
final class EapFraming {

    private final IoseRam r;
    private final Tls13Server tls;

    EapFraming(IoseRam r, Tls13Server tls) {
        this.r = r;
        this.tls = tls;
    }

    void process(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        short lc = apdu.setIncomingAndReceive();
        try {
            dispatch(apdu, buf, lc);
        } catch (ISOException e) {
            drop();
            ISOException.throwIt(e.getReason());
        }
    }

    private void drop() {
        r.vars[IoseConsts.V_EAP_MODE] = IoseConsts.EAP_IDLE;
        r.setShort(IoseConsts.V_IN_LEN, (short) 0);
        r.setShort(IoseConsts.V_IN_EXPECTED, (short) -1);
    }

    private void dispatch(APDU apdu, byte[] buf, short lc) {
        short e = ISO7816.OFFSET_CDATA;
        if (buf[ISO7816.OFFSET_P1] != 0 || buf[ISO7816.OFFSET_P2] != 0) {
            ISOException.throwIt(IoseConsts.SW_WRONG_P1P2);
        }
        if (lc != (short) (buf[ISO7816.OFFSET_LC] & 0xFF) || lc < IoseConsts.EAP_HEADER
                || Util.getShort(buf, (short) (e + 2)) != lc) {
            ISOException.throwIt(IoseConsts.SW_WRONG_LENGTH);
        }
        byte flags = buf[(short) (e + 5)];
        if (buf[e] != IoseConsts.EAP_REQUEST || buf[(short) (e + 4)] != IoseConsts.EAP_TYPE_TLS
                || (flags & (IoseConsts.FLAGS_RESERVED_IN | IoseConsts.FLAG_S)) != 0) {
            ISOException.throwIt(IoseConsts.SW_WRONG_DATA);
        }
        byte id = buf[(short) (e + 1)];
        short dataOff = (short) (e + IoseConsts.EAP_HEADER);
        short dataLen = (short) (lc - IoseConsts.EAP_HEADER);
        short tlsLen = -1;
        if ((flags & IoseConsts.FLAG_L) != 0) {
            if (dataLen < 4 || Util.getShort(buf, dataOff) != 0) {
                ISOException.throwIt(IoseConsts.SW_WRONG_DATA);
            }
            tlsLen = Util.getShort(buf, (short) (dataOff + 2));
            dataOff = (short) (dataOff + 4);
            dataLen = (short) (dataLen - 4);
            if (tlsLen < dataLen || (tlsLen == dataLen && (flags & IoseConsts.FLAG_M) != 0)) {
                ISOException.throwIt(IoseConsts.SW_WRONG_DATA);
            }
        }
        byte mode = r.vars[IoseConsts.V_EAP_MODE];
        if (mode == IoseConsts.EAP_SENDING) {
            if (flags != 0 || dataLen != 0) {
                ISOException.throwIt(IoseConsts.SW_WRONG_STATE);
            }
            if (r.getShort(IoseConsts.V_OUT_POS) >= r.getShort(IoseConsts.V_OUT_END)) {
                // the last segment is sent and lines are waiting: answer them now, as a new segment
                r.vars[IoseConsts.V_EAP_MODE] = IoseConsts.EAP_IDLE;
                startSending(apdu, buf, id, tls.more());
                return;
            }
            sendFragment(apdu, buf, id);
            return;
        }
        if (mode == IoseConsts.EAP_IDLE) {
            if (r.state() == IoseConsts.ST_CLOSED) {
                ISOException.throwIt(IoseConsts.SW_WRONG_STATE);
            }
            if ((flags & IoseConsts.FLAG_M) != 0 && tlsLen < 0) {
                ISOException.throwIt(IoseConsts.SW_WRONG_DATA);
            }
            if (tlsLen > IoseConsts.MAX_INPUT) {
                ISOException.throwIt(IoseConsts.SW_TOO_LONG);
            }
            r.setShort(IoseConsts.V_IN_LEN, (short) 0);
            r.setShort(IoseConsts.V_IN_EXPECTED, tlsLen);
        } else if (tlsLen >= 0 && tlsLen != r.getShort(IoseConsts.V_IN_EXPECTED)) {
            ISOException.throwIt(IoseConsts.SW_WRONG_DATA);
        }
        short have = r.getShort(IoseConsts.V_IN_LEN);
        short expected = r.getShort(IoseConsts.V_IN_EXPECTED);
        if (dataLen > (short) (IoseConsts.MAX_INPUT - have) || (expected >= 0 && dataLen > (short) (expected - have))) {
            ISOException.throwIt(IoseConsts.SW_TOO_LONG);
        }
        Util.arrayCopyNonAtomic(buf, dataOff, r.io, have, dataLen);
        have = (short) (have + dataLen);
        r.setShort(IoseConsts.V_IN_LEN, have);
        if ((flags & IoseConsts.FLAG_M) != 0) {
            r.vars[IoseConsts.V_EAP_MODE] = IoseConsts.EAP_RECEIVING;
            send(apdu, buf, id, IoseConsts.EAP_HEADER, (byte) 0);
            return;
        }
        if (expected >= 0 && have != expected) {
            ISOException.throwIt(IoseConsts.SW_WRONG_DATA);
        }
        r.vars[IoseConsts.V_EAP_MODE] = IoseConsts.EAP_IDLE;
        short end = tls.process(have);
        if (!tls.pending()) {
            Util.arrayFillNonAtomic(r.io, (short) 0, have, (byte) 0);
        }
        startSending(apdu, buf, id, end);
    }

    /** Sends the output io[OUT..end) as a new segment (first fragment with L), or the empty response. */
    private void startSending(APDU apdu, byte[] buf, byte id, short end) {
        if (end <= Tls13Server.OUT) {
            send(apdu, buf, id, IoseConsts.EAP_HEADER, (byte) 0);
            return;
        }
        r.setShort(IoseConsts.V_OUT_START, Tls13Server.OUT);
        r.setShort(IoseConsts.V_OUT_POS, Tls13Server.OUT);
        r.setShort(IoseConsts.V_OUT_END, end);
        sendFragment(apdu, buf, id);
    }

    private void sendFragment(APDU apdu, byte[] buf, byte id) {
        short start = r.getShort(IoseConsts.V_OUT_START);
        short pos = r.getShort(IoseConsts.V_OUT_POS);
        short end = r.getShort(IoseConsts.V_OUT_END);
        short n = (short) (end - pos);
        byte flags = 0;
        if (n > IoseConsts.EAP_FRAGMENT) {
            n = IoseConsts.EAP_FRAGMENT;
            flags = IoseConsts.FLAG_M;
        }
        short o = IoseConsts.EAP_HEADER;
        if (pos == start) {
            flags |= IoseConsts.FLAG_L;
            Util.setShort(buf, o, (short) 0);
            Util.setShort(buf, (short) (o + 2), (short) (end - start));
            o = (short) (o + 4);
        }
        Util.arrayCopyNonAtomic(r.io, pos, buf, o, n);
        o = (short) (o + n);
        pos = (short) (pos + n);
        r.setShort(IoseConsts.V_OUT_POS, pos);
        if (pos < end) {
            r.vars[IoseConsts.V_EAP_MODE] = IoseConsts.EAP_SENDING;
        } else {
            Util.arrayFillNonAtomic(r.io, start, (short) (end - start), (byte) 0);
            if (tls.pending() && r.state() != IoseConsts.ST_CLOSED) {
                // M on the segment's last fragment: another segment (answers to waiting lines) follows
                flags |= IoseConsts.FLAG_M;
                r.vars[IoseConsts.V_EAP_MODE] = IoseConsts.EAP_SENDING;
            } else {
                r.vars[IoseConsts.V_EAP_MODE] = IoseConsts.EAP_IDLE;
            }
        }
        send(apdu, buf, id, o, flags);
    }

    private void send(APDU apdu, byte[] buf, byte id, short len, byte flags) {
        if (r.state() == IoseConsts.ST_CLOSED) {
            flags |= IoseConsts.FLAG_CLOSED;
        }
        buf[0] = IoseConsts.EAP_RESPONSE;
        buf[1] = id;
        Util.setShort(buf, (short) 2, len);
        buf[4] = IoseConsts.EAP_TYPE_TLS;
        buf[5] = flags;
        apdu.setOutgoingAndSend((short) 0, len);
    }
}
