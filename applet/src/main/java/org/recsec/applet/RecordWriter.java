package org.recsec.applet;

import javacard.framework.ISOException;
import javacard.framework.Util;

/** Writes DTLS record headers (RFC 6347 §4.1) with the card's write epoch and next sequence number. */
final class RecordWriter {

    private RecordWriter() {
    }

    /**
     * Writes type ‖ FEFD ‖ epoch ‖ seq ‖ length at io[off] and advances the write sequence number; refuses with
     * SW_WRONG_STATE when the 48-bit sequence space is exhausted (a nonce must never repeat).
     */
    static void header(Transients t, short off, byte type, short length) {
        byte[] io = t.io;
        io[off] = type;
        io[(short) (off + 1)] = Consts.DTLS12_MAJOR;
        io[(short) (off + 2)] = Consts.DTLS12_MINOR;
        Util.arrayCopyNonAtomic(t.vars, Consts.V_WRITE_EPOCH_SEQ, io, (short) (off + 3), (short) 8);
        Util.setShort(io, (short) (off + 11), length);
        if (!Seq48.increment(t.vars, (short) (Consts.V_WRITE_EPOCH_SEQ + 2))) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
    }

    /** For AEAD records: the explicit nonce is the record's epoch ‖ sequence number (RFC 6655 §3). */
    static void explicitNonce(Transients t, short recOff) {
        Util.arrayCopyNonAtomic(t.io, (short) (recOff + 3), t.io, (short) (recOff + Consts.RECORD_HEADER),
                Consts.EXPLICIT_NONCE);
    }
}
