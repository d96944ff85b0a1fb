package org.recsec.applet;

import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * Application records after the handshake (seed 003 Fig. 8 and 9): seals plaintext into one record with the card's
 * next sequence number, and checks, decrypts and (DTLS) replay-filters one server record. DTLS 1.2: epoch 1, the
 * 64-record window of RFC 6347 §4.1.2.6. TLS 1.2: the implicit read sequence number (RFC 5246 §6.1) advances with
 * each authentic record, so a replayed or reordered record fails its tag.
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

    /** The plaintext is at io[recordPlaintext..+len); writes the record at io[0] and returns its length. */
    short seal(byte type, short len) {
        if (t.state() != Consts.ST_ESTABLISHED || !hostType(type)) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        RecordWriter.header(t, (short) 0, type, (short) (Consts.EXPLICIT_NONCE + len + Consts.TAG));
        RecordWriter.explicitNonce(t, (short) 0);
        RecordWriter.seal(t, k, (short) 0, len);
        return (short) (t.recordPlaintext() + len + Consts.TAG);
    }

    /**
     * The record is at io[0..len); on success the plaintext is at io[recordPlaintext..+returned length). Refuses
     * malformed records (SW_WRONG_DATA), DTLS replays (SW_REPLAY) and forgeries (SW_AUTH_FAILED); none of these
     * changes the window or the read sequence number.
     */
    short open(short len) {
        if (t.state() != Consts.ST_ESTABLISHED) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        return t.tls() ? openTls(len) : openDtls(len);
    }

    private short openTls(short len) {
        byte[] io = t.io;
        byte[] v = t.vars;
        short textLen = (short) (len - Consts.TLS_RECORD_HEADER - Consts.EXPLICIT_NONCE - Consts.TAG);
        if (textLen < 0 || !hostType(io[0]) || io[1] != Consts.TLS12_MAJOR || io[2] != Consts.TLS12_MINOR
                || Util.getShort(io, (short) 3) != (short) (len - Consts.TLS_RECORD_HEADER)) {
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
        if (!k.aead.open(k.serverCipher, v, Consts.V_SERVER_IV, io, (short) 0, Consts.TLS_RECORD_HEADER, v,
                Consts.V_READ_EPOCH_SEQ, textLen)) {
            ISOException.throwIt(Consts.SW_AUTH_FAILED);
        }
        if (!Seq48.increment(v, (short) (Consts.V_READ_EPOCH_SEQ + 2))) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        return textLen;
    }

    private short openDtls(short len) {
        byte[] io = t.io;
        byte[] v = t.vars;
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
        if (!k.aead.open(k.serverCipher, v, Consts.V_SERVER_IV, io, (short) 0, Consts.RECORD_HEADER, io, (short) 3,
                textLen)) {
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
