package org.recsec.applet.iose;

import javacard.framework.ISOException;
import javacard.framework.Util;
import javacard.security.RandomData;

/**
 * The TLS 1.3 server of the secure element (RFC 8446) for draft-urien-coinrg-iose: external PSK with psk_dhe_ke
 * (§4.2.9) over ffdhe2048 (RFC 7919), TLS_AES_128_CCM_SHA256 (or TLS_AES_128_CCM_8_SHA256 when only that is
 * offered), SNI checked against the card's SEN (RFC 6066 §3),
 * ALPN "shell" (RFC 7301), no certificates, no HelloRetryRequest, no tickets, no 0-RTT, one session at a time.
 *
 * <p>Input: the client's whole TLS records, in io[0..inLen). Output: the card's records, from io[OUT]. A protocol
 * failure is answered by a fatal alert record (plaintext before the server flight, encrypted after) and ends the
 * session (state CLOSED until RESET).
 *
 * <p>This class runs the session over the records; {@link ClientHello13} checks the ClientHello,
 * {@link ServerFlight13} runs the key schedule and writes the server flight, {@link Record13} protects records.
 */
final class Tls13Server {

    /** Start of the output records in io. */
    static final short OUT = IoseConsts.MAX_INPUT;
    /** Internal exception reasons: 0x7A00 | alert description. */
    private static final short ALERT_REASON = 0x7A00;

    private final IoseRam r;
    private final Record13 records;
    private final Shell shell;
    private final ClientHello13 hello;

    private final RecordSa recordSa;

    Tls13Server(IoseRam r, IoseStore store, RandomData random) {
        this.r = r;
        Hkdf h = new Hkdf(r);
        Ccm13 ccm = new Ccm13(r);
        records = new Record13(r, ccm);
        Ffdhe dh = new Ffdhe(random);
        recordSa = new RecordSa(r, h, ccm);
        shell = new Shell(r, store, h.sha, recordSa);
        hello = new ClientHello13(r, store, new ServerFlight13(r, store, h, dh, random, records));
    }

    /** The record SA the shell's {@code r} line keys, for the SA APDUs. */
    RecordSa recordSa() {
        return recordSa;
    }

    static void alert(byte description) {
        ISOException.throwIt((short) (ALERT_REASON | (description & 0xFF)));
    }

    /** Ends processing with a fatal alert of the given description unless ok. */
    static void need(boolean ok, byte description) {
        if (!ok) {
            alert(description);
        }
    }

    private void setOut(short o) {
        r.setShort(IoseConsts.V_OUT_END, o);
    }

    private short out() {
        return r.getShort(IoseConsts.V_OUT_END);
    }

    /** Processes the client's records in io[0..inLen); returns the end of the card's output (from OUT). */
    short process(short inLen) {
        byte[] io = r.io;
        setOut(OUT);
        short p = 0;
        try {
            while (p < inLen) {
                need((short) (inLen - p) >= IoseConsts.RECORD_HEADER, IoseConsts.ALERT_DECODE_ERROR);
                byte type = io[p];
                short len = Util.getShort(io, (short) (p + 3));
                need(io[(short) (p + 1)] == 3 && len >= 0
                        && len <= (short) (inLen - p - IoseConsts.RECORD_HEADER), IoseConsts.ALERT_DECODE_ERROR);
                byte s = r.state();
                if (s == IoseConsts.ST_WAIT_CLIENT_HELLO) {
                    need(type == IoseConsts.CT_HANDSHAKE && p == 0
                            && (short) (len + IoseConsts.RECORD_HEADER) == inLen, IoseConsts.ALERT_UNEXPECTED_MESSAGE);
                    hello.clientHello(len);
                } else if (type == IoseConsts.CT_CCS && s == IoseConsts.ST_WAIT_CLIENT_FINISHED) {
                    // RFC 8446 §5: a change_cipher_spec of one byte 01 before the client Finished is dropped
                    need(len == 1 && io[(short) (p + 5)] == 1, IoseConsts.ALERT_UNEXPECTED_MESSAGE);
                } else if (type == IoseConsts.CT_ALERT) {
                    // a plaintext alert from the client ends the session, nothing is answered
                    r.close();
                    return out();
                } else {
                    need(type == IoseConsts.CT_APPLICATION, IoseConsts.ALERT_UNEXPECTED_MESSAGE);
                    protectedRecord(p, len);
                }
                if (r.state() == IoseConsts.ST_CLOSED) {
                    return out();
                }
                p = (short) (p + IoseConsts.RECORD_HEADER + len);
                // lines left for a later fetch: their record must be the last of the input (the grid sends one)
                need(!pending() || p == inLen, IoseConsts.ALERT_INTERNAL_ERROR);
            }
        } catch (ISOException e) {
            short reason = e.getReason();
            if ((short) (reason & (short) 0xFF00) != ALERT_REASON) {
                throw e;
            }
            sendAlert((byte) 2, (byte) reason);
        }
        return out();
    }

    /** Writes an alert record (encrypted once the card has write keys) and closes the session. */
    private void sendAlert(byte level, byte description) {
        byte[] io = r.io;
        byte s = r.state();
        if (s == IoseConsts.ST_WAIT_CLIENT_HELLO) {
            short o = OUT;
            io[o] = IoseConsts.CT_ALERT;
            Util.setShort(io, (short) (o + 1), (short) 0x0303);
            Util.setShort(io, (short) (o + 3), (short) 2);
            io[(short) (o + 5)] = level;
            io[(short) (o + 6)] = description;
            setOut((short) (o + 7));
        } else if (s == IoseConsts.ST_WAIT_CLIENT_FINISHED || s == IoseConsts.ST_ESTABLISHED) {
            short o = out();
            if ((short) (o + 5 + 3 + IoseConsts.TAG) > IoseConsts.IO_SIZE) {
                o = OUT;
            }
            io[(short) (o + 5)] = level;
            io[(short) (o + 6)] = description;
            setOut(records.seal(o, (short) 2, IoseConsts.CT_ALERT));
        }
        r.close();
    }

    /** Compares HASH bytes of a and b in constant time. */
    static boolean equal(byte[] a, short aOff, byte[] b, short bOff) {
        byte d = 0;
        for (short i = 0; i < IoseConsts.HASH; i++) {
            d |= (byte) (a[(short) (aOff + i)] ^ b[(short) (bOff + i)]);
        }
        return d == 0;
    }

    // ---- protected records ------------------------------------------------------------------------------------------

    /** Opens one application_data record at io[p] and acts on its inner content type. */
    private void protectedRecord(short p, short len) {
        byte[] io = r.io;
        short tag = records.tag();
        need(len >= (short) (tag + 1), IoseConsts.ALERT_BAD_RECORD_MAC);
        short textLen = (short) (len - tag);
        boolean ok = records.open(io, p, textLen, tag);
        need(ok, IoseConsts.ALERT_BAD_RECORD_MAC);
        records.increment(IoseConsts.V_READ_SEQ);
        short t = (short) (p + IoseConsts.RECORD_HEADER);
        short i = (short) (t + textLen - 1);
        while (i >= t && io[i] == 0) {
            i--;
        }
        need(i >= t, IoseConsts.ALERT_UNEXPECTED_MESSAGE);
        byte type = io[i];
        short n = (short) (i - t);
        if (type == IoseConsts.CT_ALERT) {
            need(n == 2, IoseConsts.ALERT_DECODE_ERROR);
            if (io[(short) (t + 1)] == IoseConsts.ALERT_CLOSE_NOTIFY) {
                sendAlert((byte) 1, IoseConsts.ALERT_CLOSE_NOTIFY);
            } else {
                r.close();
            }
            return;
        }
        if (r.state() == IoseConsts.ST_WAIT_CLIENT_FINISHED) {
            need(type == IoseConsts.CT_HANDSHAKE && n == 4 + IoseConsts.HASH && io[t] == IoseConsts.HS_FINISHED
                    && io[(short) (t + 1)] == 0 && Util.getShort(io, (short) (t + 2)) == IoseConsts.HASH,
                    IoseConsts.ALERT_UNEXPECTED_MESSAGE);
            need(equal(io, (short) (t + 4), r.sec, IoseConsts.S_CLIENT_FINISHED), IoseConsts.ALERT_DECRYPT_ERROR);
            byte[] sec = r.sec;
            r.readKey.setKey(sec, IoseConsts.S_PENDING_READ_KEY);
            Util.arrayCopyNonAtomic(sec, IoseConsts.S_PENDING_READ_IV, sec, IoseConsts.S_READ_IV, IoseConsts.NONCE);
            Util.arrayFillNonAtomic(sec, IoseConsts.S_CLIENT_FINISHED, (short) (IoseConsts.HASH + 16 + 12), (byte) 0);
            Util.arrayFillNonAtomic(r.vars, IoseConsts.V_READ_SEQ, (short) 8, (byte) 0);
            r.setState(IoseConsts.ST_ESTABLISHED);
            return;
        }
        // ESTABLISHED: application data only (no KeyUpdate, no post-handshake messages)
        need(type == IoseConsts.CT_APPLICATION, IoseConsts.ALERT_UNEXPECTED_MESSAGE);
        r.setShort(IoseConsts.V_PEND_OFF, t);
        r.setShort(IoseConsts.V_PEND_END, (short) (t + n));
        drain();
    }

    /** True while lines of the last application record wait for room in the output. */
    boolean pending() {
        return r.getShort(IoseConsts.V_PEND_OFF) < r.getShort(IoseConsts.V_PEND_END);
    }

    /** Answers more waiting lines into a fresh output; returns its end (from OUT). */
    short more() {
        setOut(OUT);
        drain();
        return out();
    }

    /**
     * Answers waiting lines, one record per answer, while the output has room for the largest answer (the first
     * line of an output is always answered: a shorter answer may fit).
     */
    private void drain() {
        byte[] io = r.io;
        while (pending()) {
            short o = out();
            short room = (short) (IoseConsts.IO_SIZE - o - IoseConsts.RECORD_HEADER - 1 - IoseConsts.TAG);
            if (o != OUT && room < Shell.MAX_ANSWER) {
                return;
            }
            short off = r.getShort(IoseConsts.V_PEND_OFF);
            short end = r.getShort(IoseConsts.V_PEND_END);
            short next = shell.line(io, off, end, io, (short) (o + IoseConsts.RECORD_HEADER), room);
            Util.arrayFillNonAtomic(io, off, (short) (next - off), (byte) 0);
            r.setShort(IoseConsts.V_PEND_OFF, next);
            short m = r.getShort(IoseConsts.V_ANSWER_LEN);
            if (m > 0) {
                setOut(records.seal(o, m, IoseConsts.CT_APPLICATION));
            }
        }
        r.setShort(IoseConsts.V_PEND_OFF, (short) 0);
        r.setShort(IoseConsts.V_PEND_END, (short) 0);
    }
}
