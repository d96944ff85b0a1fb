package org.recsec.applet;

import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * Application records after the handshake (seed 003 Fig. 8 and 9): seals plaintext into one DTLS 1.2 record at
 * epoch 1 with the card's next sequence number, and checks, decrypts and replay-filters one server record
 * (RFC 6347 §4.1.2.6, 64-record window).
 */
final class RecordLayer {

    private final Transients t;
    private final Crypto k;

    RecordLayer(Transients t, Crypto k) {
        this.t = t;
        this.k = k;
    }

    /** True for the content types the host may have the card seal or open: alert and application data. */
    static boolean hostType(byte type) {
        return type == Consts.CT_ALERT || type == Consts.CT_APPLICATION_DATA;
    }

    /** The plaintext is at io[21..21+len); writes the record at io[0] and returns its length. */
    short seal(byte type, short len) {
        if (t.state() != Consts.ST_ESTABLISHED || !hostType(type)) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        RecordWriter.header(t, (short) 0, type, (short) (Consts.EXPLICIT_NONCE + len + Consts.TAG));
        RecordWriter.explicitNonce(t, (short) 0);
        k.aead.seal(k.clientCipher, t.vars, Consts.V_CLIENT_IV, t.io, (short) 0, len);
        return (short) (Consts.RECORD_PLAINTEXT + len + Consts.TAG);
    }

    /**
     * The record is at io[0..len); on success the plaintext is at io[21..21+returned length). Refuses malformed
     * records (SW_WRONG_DATA), replays (SW_REPLAY) and forgeries (SW_AUTH_FAILED); none of these changes the window.
     */
    short open(short len) {
        byte[] io = t.io;
        byte[] v = t.vars;
        if (t.state() != Consts.ST_ESTABLISHED) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        short textLen = (short) (len - Consts.RECORD_PLAINTEXT - Consts.TAG);
        if (textLen < 0 || !hostType(io[0]) || io[1] != Consts.DTLS12_MAJOR || io[2] != Consts.DTLS12_MINOR
                || Util.getShort(io, (short) 3) != Util.getShort(v, Consts.V_READ_EPOCH_SEQ)
                || Util.getShort(io, (short) 11) != (short) (len - Consts.RECORD_HEADER)) {
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
        short top = (short) (Consts.V_READ_EPOCH_SEQ + 2);
        short newer = Seq48.compare(io, (short) 5, v, top);
        short d = 0;
        if (newer <= 0) {
            d = Seq48.distance(v, top, io, (short) 5, v, Consts.V_TMP6);
            if (d >= 64 || Seq48.bit(v, Consts.V_READ_BITMAP, d)) {
                ISOException.throwIt(Consts.SW_REPLAY);
            }
        }
        if (!k.aead.open(k.serverCipher, v, Consts.V_SERVER_IV, io, (short) 0, textLen)) {
            ISOException.throwIt(Consts.SW_AUTH_FAILED);
        }
        if (newer > 0) {
            d = Seq48.distance(io, (short) 5, v, top, v, Consts.V_TMP6);
            if (d >= 64) {
                Util.arrayFillNonAtomic(v, Consts.V_READ_BITMAP, (short) 8, (byte) 0);
            } else {
                Seq48.shiftLeft(v, Consts.V_READ_BITMAP, d);
            }
            Seq48.setBit(v, Consts.V_READ_BITMAP, (short) 0);
            Util.arrayCopyNonAtomic(io, (short) 5, v, top, (short) 6);
        } else {
            Seq48.setBit(v, Consts.V_READ_BITMAP, d);
        }
        return textLen;
    }
}
