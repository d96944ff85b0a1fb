package org.recsec.applet;

import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * Writes record headers with the card's next write sequence number: DTLS 1.2 (RFC 6347 §4.1: type ‖ FEFD ‖ epoch ‖
 * sequence_number ‖ length) or TLS 1.2 (RFC 5246 §6.2.1: type ‖ 0303 ‖ length, the sequence number implicit).
 */
final class RecordWriter {

    private RecordWriter() {
    }

    /**
     * Writes the header at io[off] and advances the write sequence number; refuses with SW_WRONG_STATE when the
     * 48-bit sequence space is exhausted (a nonce must never repeat). In TLS the sequence number the header stood
     * for is kept at V_LAST_SEQ for {@link #explicitNonce}. Returns the header length.
     */
    static short header(Transients t, short off, byte type, short length) {
        byte[] io = t.io;
        io[off] = type;
        short h;
        if (t.tls()) {
            io[(short) (off + 1)] = Consts.TLS12_MAJOR;
            io[(short) (off + 2)] = Consts.TLS12_MINOR;
            Util.setShort(io, (short) (off + 3), length);
            Util.arrayCopyNonAtomic(t.vars, Consts.V_WRITE_EPOCH_SEQ, t.vars, Consts.V_LAST_SEQ, (short) 8);
            h = Consts.TLS_RECORD_HEADER;
        } else {
            io[(short) (off + 1)] = Consts.DTLS12_MAJOR;
            io[(short) (off + 2)] = Consts.DTLS12_MINOR;
            Util.arrayCopyNonAtomic(t.vars, Consts.V_WRITE_EPOCH_SEQ, io, (short) (off + 3), (short) 8);
            Util.setShort(io, (short) (off + 11), length);
            h = Consts.RECORD_HEADER;
        }
        if (!Seq48.increment(t.vars, (short) (Consts.V_WRITE_EPOCH_SEQ + 2))) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        return h;
    }

    /**
     * For AEAD records the explicit nonce is the record's 64-bit sequence number (RFC 6655 §3): epoch ‖ seq from
     * the DTLS header, the implicit sequence number in TLS.
     */
    static void explicitNonce(Transients t, short recOff) {
        if (t.tls()) {
            Util.arrayCopyNonAtomic(t.vars, Consts.V_LAST_SEQ, t.io, (short) (recOff + Consts.TLS_RECORD_HEADER),
                    Consts.EXPLICIT_NONCE);
        } else {
            Util.arrayCopyNonAtomic(t.io, (short) (recOff + 3), t.io, (short) (recOff + Consts.RECORD_HEADER),
                    Consts.EXPLICIT_NONCE);
        }
    }

    /** Seals the record at io[rec] (header and explicit nonce written, plaintext of len bytes after them). */
    static void seal(Transients t, Crypto k, short rec, short len) {
        short hdr = t.recordHeader();
        k.aead.seal(k.clientCipher, t.vars, Consts.V_CLIENT_IV, t.io, rec, hdr, t.io, (short) (rec + hdr), len);
    }
}
