package org.recsec.applet.iose;

import javacard.framework.Util;

/**
 * TLS 1.3 record protection for {@link Tls13Server} and {@link ServerFlight13} (RFC 8446 §5.2): AES-128-CCM(_8)
 * under the traffic keys in {@link IoseRam}, per-record nonces from the 64-bit sequence numbers.
 */
final class Record13 {

    private final IoseRam r;
    private final Ccm13 ccm;

    Record13(IoseRam r, Ccm13 ccm) {
        this.r = r;
        this.ccm = ccm;
    }

    /** Opens the application_data record at io[p] (inner plaintext of textLen bytes) with the read key. */
    boolean open(byte[] io, short p, short textLen, short tag) {
        return ccm.open(r.readKey, r.sec, IoseConsts.S_READ_IV, r.vars, IoseConsts.V_READ_SEQ, io, p,
                IoseConsts.RECORD_HEADER, io, (short) (p + IoseConsts.RECORD_HEADER), textLen, tag);
    }

    /**
     * Seals the inner plaintext at io[o+5 .. +n) of the given type as one record at io[o] with the write key;
     * returns the end of the record.
     */
    short seal(short o, short n, byte type) {
        byte[] io = r.io;
        short t = (short) (o + IoseConsts.RECORD_HEADER);
        io[(short) (t + n)] = type;
        short textLen = (short) (n + 1);
        io[o] = IoseConsts.CT_APPLICATION;
        Util.setShort(io, (short) (o + 1), (short) 0x0303);
        short tag = tag();
        Util.setShort(io, (short) (o + 3), (short) (textLen + tag));
        ccm.seal(r.writeKey, r.sec, IoseConsts.S_WRITE_IV, r.vars, IoseConsts.V_WRITE_SEQ, io, o,
                IoseConsts.RECORD_HEADER, io, t, textLen, tag);
        increment(IoseConsts.V_WRITE_SEQ);
        return (short) (t + textLen + tag);
    }

    /** The record tag length of the negotiated suite: 16 (CCM) or 8 (CCM_8). */
    short tag() {
        return r.getShort(IoseConsts.V_TAG);
    }

    /** Increments the 64-bit sequence number at vars[off]. */
    void increment(short off) {
        byte[] v = r.vars;
        for (short i = (short) (off + 7); i >= off; i--) {
            v[i]++;
            if (v[i] != 0) {
                return;
            }
        }
    }
}
