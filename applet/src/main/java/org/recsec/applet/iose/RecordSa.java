package org.recsec.applet.iose;

import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * The record SA pair of issue 18 item 9, kept on the card: derived from this TLS 1.3 session's exporter (RFC 8446
 * §7.5) when the user's client asks for it with the shell line {@code r} (so only the holder of the session can
 * key it), then used by the grid host through the SA-SEAL and SA-OPEN APDUs for record-sec's {@code dtls12}
 * records (RFC 6347 §4.1 header, RFC 6655 AES-CCM / CCM_8, nonce = salt ‖ epoch ‖ seq, additional data RFC 5246
 * §6.2.3.3). The keys never leave the card; the grid host only ever sees records.
 *
 * <p>Derivation, for d = 0 (client to card, the card opens) and d = 1 (card to client, the card seals):
 * {@code key ‖ salt = TLS-Exporter("EXPORTER-recsec record SA", SPI_c2s ‖ SPI_s2c ‖ d, 20)} with the SPIs as
 * 4-byte big-endian numbers, i.e. {@code HKDF-Expand-Label(Derive-Secret(exporter_master_secret, label, ""),
 * "exporter", SHA-256(context), 20)}. The suite follows the session's: TLS_AES_128_CCM_SHA256 gives
 * TLS_PSK_WITH_AES_128_CCM (0xC0A4, 16-byte tag), TLS_AES_128_CCM_8_SHA256 gives TLS_PSK_WITH_AES_128_CCM_8
 * (0xC0A8).
 *
 * <p>The SA outlives the session (CLEAR_ON_RESET: a power cycle erases it) until the next {@code r} line or
 * FACTORY-RESET. The card seals only under sequence numbers above the last one it sealed, whatever the host asks,
 * so no nonce repeats; the replay window of the opened records is the host SAD's (RFC 6347 §4.1.2.6).
 */
final class RecordSa {

    /** The TLS-Exporter label (RFC 8446 §7.5; "EXPORTER-" as RFC 5705 §4 asks of private labels). */
    static final byte[] LABEL = {'E', 'X', 'P', 'O', 'R', 'T', 'E', 'R', '-', 'r', 'e', 'c', 's', 'e', 'c', ' ',
        'r', 'e', 'c', 'o', 'r', 'd', ' ', 'S', 'A'};
    static final short SUITE_CCM = (short) 0xC0A4;
    static final short SUITE_CCM_8 = (short) 0xC0A8;
    /** DTLS 1.2 record header: type, version FEFD, epoch ‖ seq48, length. */
    static final short HEADER = 13;
    static final short EXPLICIT = 8;
    private static final short AAD = 13;
    /** Where the 12-byte nonce base salt ‖ 0^8 is built, in the HKDF scratch (free between APDUs). */
    private static final short IV_AT = (short) (IoseConsts.S_LABEL + 16);

    private final IoseRam r;
    private final Hkdf h;
    private final Ccm13 ccm;

    RecordSa(IoseRam r, Hkdf h, Ccm13 ccm) {
        this.r = r;
        this.h = h;
        this.ccm = ccm;
    }

    private static boolean spiOk(byte[] b, short off) {
        // RFC 4301 §4.1: SPIs 0..255 are reserved
        return b[off] != 0 || b[(short) (off + 1)] != 0 || b[(short) (off + 2)] != 0;
    }

    /**
     * Derives the pair from the session's exporter_master_secret and makes it the card's record SA; the SPIs are at
     * b[off..+8) (client-to-card ‖ card-to-client). False, and the old SA kept, when an SPI is below 256 or both are
     * equal. Call only in an established session.
     */
    boolean derive(byte[] b, short off) {
        short off2 = (short) (off + 4);
        if (!spiOk(b, off) || !spiOk(b, off2) || Util.arrayCompare(b, off, b, off2, (short) 4) == 0) {
            return false;
        }
        byte[] sec = r.sec;
        byte[] sa = r.sa;
        r.wipeSa();
        for (byte d = 0; d < 2; d++) {
            // context = SPI c2s ‖ SPI s2c ‖ d, assembled where the output will go
            Util.arrayCopyNonAtomic(b, off, sec, IoseConsts.S_SECRET, (short) 8);
            sec[(short) (IoseConsts.S_SECRET + 8)] = d;
            export(sec, IoseConsts.S_SECRET, (short) 9);
            if (d == 0) {
                r.saOpenKey.setKey(sec, IoseConsts.S_SECRET);
            } else {
                r.saSealKey.setKey(sec, IoseConsts.S_SECRET);
            }
            Util.arrayCopyNonAtomic(sec, (short) (IoseConsts.S_SECRET + 16), sa,
                    d == 0 ? IoseConsts.A_SALT_C2S : IoseConsts.A_SALT_S2C, (short) 4);
        }
        Util.arrayFillNonAtomic(sec, IoseConsts.S_SECRET, IoseConsts.HASH, (byte) 0);
        Util.arrayCopyNonAtomic(b, off, sa, IoseConsts.A_SPIS, (short) 8);
        sa[IoseConsts.A_TAG] = (byte) r.getShort(IoseConsts.V_TAG);
        return true;
    }

    /**
     * TLS-Exporter(LABEL, ctx[off..+len), 20) of this session (RFC 8446 §7.5) into sec[S_SECRET..+20):
     * HKDF-Expand-Label(Derive-Secret(exporter_master_secret, LABEL, ""), "exporter", SHA-256(ctx), 20). The context
     * may lie in sec[S_SECRET..) itself (it is hashed first). Uses the client Finished slot and S_HASH as scratch,
     * free in an established session, and wipes them.
     */
    void export(byte[] ctx, short off, short len) {
        byte[] sec = r.sec;
        h.sha.reset();
        h.sha.doFinal(ctx, off, len, sec, IoseConsts.S_HASH);
        h.deriveSecret(sec, IoseConsts.S_EXPORTER, LABEL, Hkdf.EMPTY_HASH, (short) 0, sec,
                IoseConsts.S_CLIENT_FINISHED);
        h.expandLabel(sec, IoseConsts.S_CLIENT_FINISHED, Hkdf.EXPORTER, sec, IoseConsts.S_HASH, IoseConsts.HASH, sec,
                IoseConsts.S_SECRET, (short) 20);
        Util.arrayFillNonAtomic(sec, IoseConsts.S_CLIENT_FINISHED, IoseConsts.HASH, (byte) 0);
        Util.arrayFillNonAtomic(sec, IoseConsts.S_HASH, IoseConsts.HASH, (byte) 0);
    }

    private short tag() {
        short tag = r.sa[IoseConsts.A_TAG];
        if (tag == 0) {
            ISOException.throwIt(IoseConsts.SW_WRONG_STATE);
        }
        return tag;
    }

    /** SA-INFO: SPI c2s ‖ SPI s2c ‖ suite (2) at buf[0..10); 6985 without an SA. */
    short info(byte[] buf) {
        short tag = tag();
        Util.arrayCopyNonAtomic(r.sa, IoseConsts.A_SPIS, buf, (short) 0, (short) 8);
        Util.setShort(buf, (short) 8, tag == IoseConsts.TAG ? SUITE_CCM : SUITE_CCM_8);
        return 10;
    }

    /**
     * SA-SEAL: buf[5..5+lc) = epoch ‖ seq (8) ‖ type (21 or 23) ‖ plaintext; writes the record at buf[0..) and
     * returns its length. 6700 plaintext too long for one short APDU answer, 6A80 another type, 6985 no SA or a
     * sequence number not above the last sealed one.
     */
    short seal(byte[] buf, short lc) {
        short tag = tag();
        short n = (short) (lc - 9);
        if (n < 0 || n > (short) (255 - HEADER - EXPLICIT - tag)) {
            ISOException.throwIt(IoseConsts.SW_WRONG_LENGTH);
        }
        byte type = buf[13];
        if (type != IoseConsts.CT_APPLICATION && type != IoseConsts.CT_ALERT) {
            ISOException.throwIt(IoseConsts.SW_WRONG_DATA);
        }
        byte[] sa = r.sa;
        if (sa[IoseConsts.A_SEALED] != 0 && !above(buf, (short) 5, sa, IoseConsts.A_LAST_SEQ)) {
            ISOException.throwIt(IoseConsts.SW_WRONG_STATE);
        }
        // header(13) ‖ explicit nonce(8) = epoch ‖ seq ‖ text ‖ tag, built from buf[0]
        Util.arrayCopyNonAtomic(buf, (short) 14, buf, (short) (HEADER + EXPLICIT), n);
        Util.arrayCopyNonAtomic(buf, (short) 5, buf, HEADER, EXPLICIT);
        Util.arrayCopyNonAtomic(buf, HEADER, buf, (short) 3, (short) 8);
        buf[0] = type;
        buf[1] = (byte) 0xFE;
        buf[2] = (byte) 0xFD;
        Util.setShort(buf, (short) 11, (short) (EXPLICIT + n + tag));
        scratch(buf, (short) 3, type, n, IoseConsts.A_SALT_S2C);
        byte[] sec = r.sec;
        ccm.seal(r.saSealKey, sec, IV_AT, buf, HEADER, sec, IoseConsts.S_LABEL, AAD, buf,
                (short) (HEADER + EXPLICIT), n, tag);
        Util.arrayFillNonAtomic(sec, IoseConsts.S_LABEL, IoseConsts.S_LABEL_SIZE, (byte) 0);
        Util.arrayCopyNonAtomic(buf, (short) 3, sa, IoseConsts.A_LAST_SEQ, (short) 8);
        sa[IoseConsts.A_SEALED] = 1;
        return (short) (HEADER + EXPLICIT + n + tag);
    }

    /**
     * SA-OPEN: buf[5..5+lc) = one record of the client-to-card SA; writes its plaintext at buf[0..) and returns its
     * length. 6A80 malformed (version, length field, too short), 6988 the tag does not verify.
     */
    short open(byte[] buf, short lc) {
        short tag = tag();
        short p = 5;
        short n = (short) (lc - HEADER - EXPLICIT - tag);
        if (n < 0 || buf[(short) (p + 1)] != (byte) 0xFE || buf[(short) (p + 2)] != (byte) 0xFD
                || Util.getShort(buf, (short) (p + 11)) != (short) (lc - HEADER)) {
            ISOException.throwIt(IoseConsts.SW_WRONG_DATA);
        }
        scratch(buf, (short) (p + 3), buf[p], n, IoseConsts.A_SALT_C2S);
        byte[] sec = r.sec;
        boolean ok = ccm.open(r.saOpenKey, sec, IV_AT, buf, (short) (p + HEADER), sec, IoseConsts.S_LABEL, AAD, buf,
                (short) (p + HEADER + EXPLICIT), n, tag);
        Util.arrayFillNonAtomic(sec, IoseConsts.S_LABEL, IoseConsts.S_LABEL_SIZE, (byte) 0);
        if (!ok) {
            ISOException.throwIt(IoseConsts.SW_AUTH_FAILED);
        }
        Util.arrayCopyNonAtomic(buf, (short) (p + HEADER + EXPLICIT), buf, (short) 0, n);
        return n;
    }

    /** The additional data epoch ‖ seq ‖ type ‖ FEFD ‖ n at S_LABEL and the nonce base salt ‖ 0^8 at IV_AT. */
    private void scratch(byte[] b, short seqOff, byte type, short n, short saltAt) {
        byte[] sec = r.sec;
        short a = IoseConsts.S_LABEL;
        Util.arrayCopyNonAtomic(b, seqOff, sec, a, (short) 8);
        sec[(short) (a + 8)] = type;
        sec[(short) (a + 9)] = (byte) 0xFE;
        sec[(short) (a + 10)] = (byte) 0xFD;
        Util.setShort(sec, (short) (a + 11), n);
        Util.arrayCopyNonAtomic(r.sa, saltAt, sec, IV_AT, (short) 4);
        Util.arrayFillNonAtomic(sec, (short) (IV_AT + 4), (short) 8, (byte) 0);
    }

    /** Whether the 64-bit unsigned number at a[aOff] is above the one at b[bOff]. */
    private static boolean above(byte[] a, short aOff, byte[] b, short bOff) {
        for (short i = 0; i < 8; i++) {
            short x = (short) (a[(short) (aOff + i)] & 0xFF);
            short y = (short) (b[(short) (bOff + i)] & 0xFF);
            if (x != y) {
                return x > y;
            }
        }
        return false;
    }
}
