package org.recsec.applet.iose;

import javacard.framework.ISOException;
import javacard.framework.Util;
import javacard.security.MessageDigest;
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
 */
final class Tls13Server {

    /** Start of the output records in io. */
    static final short OUT = IoseConsts.MAX_INPUT;
    /** Internal exception reasons: 0x7A00 | alert description. */
    private static final short ALERT_REASON = 0x7A00;

    private final IoseRam r;
    private final IoseStore store;
    private final Hkdf h;
    private final Ccm13 ccm;
    private final Ffdhe dh;
    private final Shell shell;
    private final RandomData random;
    /** Transcript digests: JavaCard 2.2.2 cannot clone a running digest, so three run in parallel. */
    private final MessageDigest d1;
    private final MessageDigest d2;
    private final MessageDigest d3;

    Tls13Server(IoseRam r, IoseStore store, RandomData random) {
        this.r = r;
        this.store = store;
        h = new Hkdf(r);
        ccm = new Ccm13(r);
        dh = new Ffdhe(random);
        this.random = random;
        shell = new Shell(r, store, h.sha);
        d1 = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
        d2 = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
        d3 = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
    }

    static void alert(byte description) {
        ISOException.throwIt((short) (ALERT_REASON | (description & 0xFF)));
    }

    private static void need(boolean ok, byte description) {
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
                    clientHello(len);
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
            setOut(seal(o, (short) 2, IoseConsts.CT_ALERT));
        }
        r.close();
    }

    // ---- ClientHello ------------------------------------------------------------------------------------------------

    private void clientHello(short len) {
        byte[] io = r.io;
        short q = IoseConsts.RECORD_HEADER;
        short end = (short) (q + len);
        need(len >= 4 && io[q] == IoseConsts.HS_CLIENT_HELLO, IoseConsts.ALERT_UNEXPECTED_MESSAGE);
        need(io[(short) (q + 1)] == 0 && Util.getShort(io, (short) (q + 2)) == (short) (len - 4),
                IoseConsts.ALERT_DECODE_ERROR);
        short b = (short) (q + 4);
        need((short) (end - b) >= 2 + 32 + 1 + 2 + 2 + 2, IoseConsts.ALERT_DECODE_ERROR);
        b = (short) (b + 2 + 32);
        short sidLen = (short) (io[b] & 0xFF);
        short sidOff = (short) (b + 1);
        need(sidLen <= 32, IoseConsts.ALERT_ILLEGAL_PARAMETER);
        b = (short) (sidOff + sidLen);
        need((short) (end - b) >= 2, IoseConsts.ALERT_DECODE_ERROR);
        short csLen = Util.getShort(io, b);
        need(csLen >= 2 && (csLen & 1) == 0 && csLen <= (short) (end - b - 2), IoseConsts.ALERT_DECODE_ERROR);
        // TLS_AES_128_CCM_SHA256 when offered, else TLS_AES_128_CCM_8_SHA256
        short chosen = 0;
        for (short i = (short) (b + 2); i < (short) (b + 2 + csLen); i = (short) (i + 2)) {
            short cs = Util.getShort(io, i);
            if (cs == IoseConsts.SUITE_AES_128_CCM_SHA256
                    || (cs == IoseConsts.SUITE_AES_128_CCM_8_SHA256 && chosen == 0)) {
                chosen = cs;
            }
        }
        boolean suite = chosen != 0;
        b = (short) (b + 2 + csLen);
        need((short) (end - b) >= 2, IoseConsts.ALERT_DECODE_ERROR);
        need(io[b] == 1 && io[(short) (b + 1)] == 0, IoseConsts.ALERT_ILLEGAL_PARAMETER);
        b = (short) (b + 2);
        need((short) (end - b) >= 2 && Util.getShort(io, b) == (short) (end - b - 2), IoseConsts.ALERT_DECODE_ERROR);
        b = (short) (b + 2);

        short seen = 0;
        boolean sni = false;
        boolean sniMatch = false;
        boolean v13 = false;
        boolean groupOk = false;
        boolean keyShare = false;
        short peerOff = -1;
        boolean modesExt = false;
        boolean dheMode = false;
        boolean pskExt = false;
        short pskIndex = -1;
        short binderOff = -1;
        short truncEnd = -1;
        boolean alpnExt = false;
        boolean alpnShell = false;
        while (b < end) {
            need(!pskExt, IoseConsts.ALERT_ILLEGAL_PARAMETER); // RFC 8446 §4.2.11: pre_shared_key is the last
            need((short) (end - b) >= 4, IoseConsts.ALERT_DECODE_ERROR);
            short type = Util.getShort(io, b);
            short el = Util.getShort(io, (short) (b + 2));
            short e = (short) (b + 4);
            need(el >= 0 && el <= (short) (end - e), IoseConsts.ALERT_DECODE_ERROR);
            short bit = extBit(type);
            need((short) (seen & bit) == 0, IoseConsts.ALERT_ILLEGAL_PARAMETER); // §4.2: no duplicate extension
            seen |= bit;
            short ee = (short) (e + el);
            switch (type) {
                case IoseConsts.EXT_SERVER_NAME: {
                    sni = true;
                    sniMatch = serverName(e, el);
                    break;
                }
                case IoseConsts.EXT_SUPPORTED_VERSIONS: {
                    short l = (short) (io[e] & 0xFF);
                    need(el >= 1 && l == (short) (el - 1) && l >= 2 && (l & 1) == 0, IoseConsts.ALERT_DECODE_ERROR);
                    for (short i = (short) (e + 1); i < ee; i = (short) (i + 2)) {
                        if (Util.getShort(io, i) == (short) 0x0304) {
                            v13 = true;
                        }
                    }
                    break;
                }
                case IoseConsts.EXT_SUPPORTED_GROUPS: {
                    need(el >= 4 && Util.getShort(io, e) == (short) (el - 2) && (el & 1) == 0,
                            IoseConsts.ALERT_DECODE_ERROR);
                    for (short i = (short) (e + 2); i < ee; i = (short) (i + 2)) {
                        if (Util.getShort(io, i) == IoseConsts.GROUP_FFDHE2048) {
                            groupOk = true;
                        }
                    }
                    break;
                }
                case IoseConsts.EXT_KEY_SHARE: {
                    keyShare = true;
                    need(el >= 2 && Util.getShort(io, e) == (short) (el - 2), IoseConsts.ALERT_DECODE_ERROR);
                    short i = (short) (e + 2);
                    while (i < ee) {
                        need((short) (ee - i) >= 4, IoseConsts.ALERT_DECODE_ERROR);
                        short g = Util.getShort(io, i);
                        short kl = Util.getShort(io, (short) (i + 2));
                        need(kl >= 1 && kl <= (short) (ee - i - 4), IoseConsts.ALERT_DECODE_ERROR);
                        if (g == IoseConsts.GROUP_FFDHE2048) {
                            need(peerOff < 0 && kl == IoseConsts.DH_BYTES, IoseConsts.ALERT_ILLEGAL_PARAMETER);
                            peerOff = (short) (i + 4);
                        }
                        i = (short) (i + 4 + kl);
                    }
                    break;
                }
                case IoseConsts.EXT_PSK_MODES: {
                    modesExt = true;
                    short l = (short) (io[e] & 0xFF);
                    need(el >= 2 && l == (short) (el - 1), IoseConsts.ALERT_DECODE_ERROR);
                    for (short i = (short) (e + 1); i < ee; i++) {
                        if (io[i] == IoseConsts.PSK_DHE_KE) {
                            dheMode = true;
                        }
                    }
                    break;
                }
                case IoseConsts.EXT_ALPN: {
                    alpnExt = true;
                    alpnShell = alpn(e, el);
                    break;
                }
                case IoseConsts.EXT_PRE_SHARED_KEY: {
                    pskExt = true;
                    need(el >= 2, IoseConsts.ALERT_DECODE_ERROR);
                    short idsLen = Util.getShort(io, e);
                    need(idsLen >= 7 && idsLen <= (short) (el - 2 - 2), IoseConsts.ALERT_DECODE_ERROR);
                    short i = (short) (e + 2);
                    short idsEnd = (short) (i + idsLen);
                    short count = 0;
                    while (i < idsEnd) {
                        need((short) (idsEnd - i) >= 2, IoseConsts.ALERT_DECODE_ERROR);
                        short il = Util.getShort(io, i);
                        need(il >= 1 && il <= (short) (idsEnd - i - 2 - 4), IoseConsts.ALERT_DECODE_ERROR);
                        if (pskIndex < 0 && il == store.identityLength
                                && Util.arrayCompare(io, (short) (i + 2), store.identity, (short) 0, il) == 0) {
                            pskIndex = count;
                        }
                        i = (short) (i + 2 + il + 4);
                        count++;
                    }
                    truncEnd = idsEnd;
                    short bl = Util.getShort(io, idsEnd);
                    need(bl >= 33 && bl == (short) (ee - idsEnd - 2), IoseConsts.ALERT_DECODE_ERROR);
                    i = (short) (idsEnd + 2);
                    short n = 0;
                    while (i < ee) {
                        short l = (short) (io[i] & 0xFF);
                        need(l >= 32 && l <= (short) (ee - i - 1), IoseConsts.ALERT_DECODE_ERROR);
                        if (n == pskIndex) {
                            need(l == IoseConsts.HASH, IoseConsts.ALERT_ILLEGAL_PARAMETER);
                            binderOff = (short) (i + 1);
                        }
                        i = (short) (i + 1 + l);
                        n++;
                    }
                    need(n == count, IoseConsts.ALERT_ILLEGAL_PARAMETER);
                    break;
                }
                default:
                    break;
            }
            b = ee;
        }
        need(v13, IoseConsts.ALERT_PROTOCOL_VERSION);
        need(sni, IoseConsts.ALERT_MISSING_EXTENSION);
        need(sniMatch, IoseConsts.ALERT_UNRECOGNIZED_NAME);
        need(pskExt, IoseConsts.ALERT_HANDSHAKE_FAILURE);
        need(modesExt && keyShare, IoseConsts.ALERT_MISSING_EXTENSION);
        need(suite && dheMode && groupOk && peerOff >= 0, IoseConsts.ALERT_HANDSHAKE_FAILURE);
        need(!alpnExt || alpnShell, IoseConsts.ALERT_NO_APPLICATION_PROTOCOL);
        need(store.personalised && pskIndex >= 0, IoseConsts.ALERT_UNKNOWN_PSK_IDENTITY);
        need(Ffdhe.validPeer(io, peerOff), IoseConsts.ALERT_ILLEGAL_PARAMETER);
        r.vars[IoseConsts.V_ALPN] = alpnExt ? (byte) 1 : (byte) 0;
        r.setShort(IoseConsts.V_TAG,
                chosen == IoseConsts.SUITE_AES_128_CCM_SHA256 ? IoseConsts.TAG : IoseConsts.TAG_8);

        byte[] sec = r.sec;
        // early secret and binder (RFC 8446 §4.2.11.2, §7.1)
        Util.arrayFillNonAtomic(sec, IoseConsts.S_TMP, IoseConsts.HASH, (byte) 0);
        h.mac(sec, IoseConsts.S_TMP, IoseConsts.HASH, store.psk, (short) 0, store.pskLength, sec,
                IoseConsts.S_SECRET);
        h.deriveSecret(sec, IoseConsts.S_SECRET, Hkdf.EXT_BINDER, Hkdf.EMPTY_HASH, (short) 0, sec, IoseConsts.S_TMP);
        h.expandLabel(sec, IoseConsts.S_TMP, Hkdf.FINISHED, sec, (short) 0, (short) 0, sec, IoseConsts.S_TMP,
                IoseConsts.HASH);
        h.sha.reset();
        h.sha.doFinal(io, q, (short) (truncEnd - q), sec, IoseConsts.S_HASH);
        h.mac(sec, IoseConsts.S_TMP, IoseConsts.HASH, sec, IoseConsts.S_HASH, IoseConsts.HASH, sec,
                IoseConsts.S_CLIENT_FINISHED);
        boolean binderOk = equal(io, binderOff, sec, IoseConsts.S_CLIENT_FINISHED);
        Util.arrayFillNonAtomic(sec, IoseConsts.S_CLIENT_FINISHED, IoseConsts.HASH, (byte) 0);
        need(binderOk, IoseConsts.ALERT_DECRYPT_ERROR);

        d1.reset();
        d2.reset();
        d3.reset();
        d1.update(io, q, len);
        d2.update(io, q, len);
        d3.update(io, q, len);

        // ServerHello (RFC 8446 §4.1.3)
        short o = OUT;
        io[o] = IoseConsts.CT_HANDSHAKE;
        Util.setShort(io, (short) (o + 1), (short) 0x0303);
        short sh = (short) (o + 5);
        short w = (short) (sh + 4);
        Util.setShort(io, w, (short) 0x0303);
        w = (short) (w + 2);
        random.generateData(io, w, (short) 32);
        w = (short) (w + 32);
        io[w++] = (byte) sidLen;
        w = Util.arrayCopyNonAtomic(io, sidOff, io, w, sidLen);
        w = Util.setShort(io, w, chosen);
        io[w++] = 0;
        short extStart = w;
        w = (short) (w + 2);
        w = Util.setShort(io, w, IoseConsts.EXT_SUPPORTED_VERSIONS);
        w = Util.setShort(io, w, (short) 2);
        w = Util.setShort(io, w, (short) 0x0304);
        w = Util.setShort(io, w, IoseConsts.EXT_KEY_SHARE);
        w = Util.setShort(io, w, (short) (4 + IoseConsts.DH_BYTES));
        w = Util.setShort(io, w, IoseConsts.GROUP_FFDHE2048);
        w = Util.setShort(io, w, IoseConsts.DH_BYTES);
        short yOff = w;
        w = (short) (w + IoseConsts.DH_BYTES);
        w = Util.setShort(io, w, IoseConsts.EXT_PRE_SHARED_KEY);
        w = Util.setShort(io, w, (short) 2);
        w = Util.setShort(io, w, pskIndex);
        Util.setShort(io, extStart, (short) (w - extStart - 2));
        io[sh] = IoseConsts.HS_SERVER_HELLO;
        io[(short) (sh + 1)] = 0;
        Util.setShort(io, (short) (sh + 2), (short) (w - sh - 4));
        Util.setShort(io, (short) (o + 3), (short) (w - sh));
        short shLen = (short) (w - sh);

        // the DH exchange: g^x into the ServerHello, peer^x in place of the client's share (RFC 8446 §7.4.1)
        dh.agree(io, peerOff, io, yOff, sec, IoseConsts.S_TMP);
        h.deriveSecret(sec, IoseConsts.S_SECRET, Hkdf.DERIVED, Hkdf.EMPTY_HASH, (short) 0, sec, IoseConsts.S_TMP);
        h.extract(sec, IoseConsts.S_TMP, io, peerOff, IoseConsts.DH_BYTES, sec, IoseConsts.S_HS);
        Util.arrayFillNonAtomic(io, peerOff, IoseConsts.DH_BYTES, (byte) 0);
        d1.doFinal(io, sh, shLen, sec, IoseConsts.S_HASH);
        d2.update(io, sh, shLen);
        d3.update(io, sh, shLen);
        // handshake traffic secrets
        h.deriveSecret(sec, IoseConsts.S_HS, Hkdf.S_HS, sec, IoseConsts.S_HASH, sec, IoseConsts.S_SECRET);
        h.deriveSecret(sec, IoseConsts.S_HS, Hkdf.C_HS, sec, IoseConsts.S_HASH, sec, IoseConsts.S_CLIENT_FINISHED);
        trafficKeys(IoseConsts.S_SECRET, false);
        h.expandLabel(sec, IoseConsts.S_SECRET, Hkdf.FINISHED, sec, (short) 0, (short) 0, sec, IoseConsts.S_SECRET,
                IoseConsts.HASH);
        trafficKeys(IoseConsts.S_CLIENT_FINISHED, true);
        h.expandLabel(sec, IoseConsts.S_CLIENT_FINISHED, Hkdf.FINISHED, sec, (short) 0, (short) 0, sec,
                IoseConsts.S_CLIENT_FINISHED, IoseConsts.HASH);

        // RFC 8446 §D.4: a dummy change_cipher_spec after the ServerHello when the client is in compatibility mode
        if (sidLen > 0) {
            io[w] = IoseConsts.CT_CCS;
            Util.setShort(io, (short) (w + 1), (short) 0x0303);
            Util.setShort(io, (short) (w + 3), (short) 1);
            io[(short) (w + 5)] = 1;
            w = (short) (w + 6);
        }
        // EncryptedExtensions ‖ Finished in one record
        short rec = w;
        short ee = (short) (rec + IoseConsts.RECORD_HEADER);
        w = (short) (ee + 4 + 2);
        // empty server_name: the SNI was used (RFC 6066 §3)
        w = Util.setShort(io, w, IoseConsts.EXT_SERVER_NAME);
        w = Util.setShort(io, w, (short) 0);
        if (alpnExt) {
            w = Util.setShort(io, w, IoseConsts.EXT_ALPN);
            w = Util.setShort(io, w, (short) (2 + 1 + Shell.ALPN.length));
            w = Util.setShort(io, w, (short) (1 + Shell.ALPN.length));
            io[w++] = (byte) Shell.ALPN.length;
            w = Util.arrayCopyNonAtomic(Shell.ALPN, (short) 0, io, w, (short) Shell.ALPN.length);
        }
        io[ee] = IoseConsts.HS_ENCRYPTED_EXTENSIONS;
        io[(short) (ee + 1)] = 0;
        Util.setShort(io, (short) (ee + 2), (short) (w - ee - 4));
        Util.setShort(io, (short) (ee + 4), (short) (w - ee - 6));
        short eeLen = (short) (w - ee);
        d2.doFinal(io, ee, eeLen, sec, IoseConsts.S_HASH);
        d3.update(io, ee, eeLen);
        short fin = w;
        io[fin] = IoseConsts.HS_FINISHED;
        io[(short) (fin + 1)] = 0;
        Util.setShort(io, (short) (fin + 2), IoseConsts.HASH);
        h.mac(sec, IoseConsts.S_SECRET, IoseConsts.HASH, sec, IoseConsts.S_HASH, IoseConsts.HASH, io,
                (short) (fin + 4));
        w = (short) (fin + 4 + IoseConsts.HASH);
        d3.doFinal(io, fin, (short) (4 + IoseConsts.HASH), sec, IoseConsts.S_HASH);
        // expected client Finished over CH..server Finished
        h.mac(sec, IoseConsts.S_CLIENT_FINISHED, IoseConsts.HASH, sec, IoseConsts.S_HASH, IoseConsts.HASH, sec,
                IoseConsts.S_CLIENT_FINISHED);
        w = seal(rec, (short) (w - ee), IoseConsts.CT_HANDSHAKE);

        // master secret and application traffic secrets (RFC 8446 §7.1)
        h.deriveSecret(sec, IoseConsts.S_HS, Hkdf.DERIVED, Hkdf.EMPTY_HASH, (short) 0, sec, IoseConsts.S_TMP);
        Util.arrayFillNonAtomic(sec, IoseConsts.S_SECRET, IoseConsts.HASH, (byte) 0);
        h.extract(sec, IoseConsts.S_TMP, sec, IoseConsts.S_SECRET, IoseConsts.HASH, sec, IoseConsts.S_SECRET);
        h.deriveSecret(sec, IoseConsts.S_SECRET, Hkdf.C_AP, sec, IoseConsts.S_HASH, sec, IoseConsts.S_TMP);
        h.expandLabel(sec, IoseConsts.S_TMP, Hkdf.KEY, sec, (short) 0, (short) 0, sec, IoseConsts.S_PENDING_READ_KEY,
                (short) 16);
        h.expandLabel(sec, IoseConsts.S_TMP, Hkdf.IV, sec, (short) 0, (short) 0, sec, IoseConsts.S_PENDING_READ_IV,
                IoseConsts.NONCE);
        h.deriveSecret(sec, IoseConsts.S_SECRET, Hkdf.S_AP, sec, IoseConsts.S_HASH, sec, IoseConsts.S_TMP);
        trafficKeys(IoseConsts.S_TMP, false);
        Util.arrayFillNonAtomic(sec, IoseConsts.S_SECRET, IoseConsts.HASH, (byte) 0);
        Util.arrayFillNonAtomic(sec, IoseConsts.S_TMP, IoseConsts.HASH, (byte) 0);
        Util.arrayFillNonAtomic(sec, IoseConsts.S_HASH, IoseConsts.HASH, (byte) 0);
        setOut(w);
        r.setState(IoseConsts.ST_WAIT_CLIENT_FINISHED);
    }

    /** Sets the read (client) or write (server) key and IV from the traffic secret at sec[s], sequence 0. */
    private void trafficKeys(short s, boolean read) {
        byte[] sec = r.sec;
        // the key passes through S_HASH, whose transcript hash is no longer needed when this is called
        h.expandLabel(sec, s, Hkdf.KEY, sec, (short) 0, (short) 0, sec, IoseConsts.S_HASH, (short) 16);
        if (read) {
            r.readKey.setKey(sec, IoseConsts.S_HASH);
            h.expandLabel(sec, s, Hkdf.IV, sec, (short) 0, (short) 0, sec, IoseConsts.S_READ_IV, IoseConsts.NONCE);
            Util.arrayFillNonAtomic(r.vars, IoseConsts.V_READ_SEQ, (short) 8, (byte) 0);
        } else {
            r.writeKey.setKey(sec, IoseConsts.S_HASH);
            h.expandLabel(sec, s, Hkdf.IV, sec, (short) 0, (short) 0, sec, IoseConsts.S_WRITE_IV, IoseConsts.NONCE);
            Util.arrayFillNonAtomic(r.vars, IoseConsts.V_WRITE_SEQ, (short) 8, (byte) 0);
        }
        Util.arrayFillNonAtomic(sec, IoseConsts.S_HASH, (short) 16, (byte) 0);
    }

    private short extBit(short type) {
        switch (type) {
            case IoseConsts.EXT_SERVER_NAME:
                return 1;
            case IoseConsts.EXT_SUPPORTED_GROUPS:
                return 2;
            case IoseConsts.EXT_ALPN:
                return 4;
            case IoseConsts.EXT_PRE_SHARED_KEY:
                return 8;
            case IoseConsts.EXT_SUPPORTED_VERSIONS:
                return 16;
            case IoseConsts.EXT_PSK_MODES:
                return 32;
            case IoseConsts.EXT_KEY_SHARE:
                return 64;
            default:
                return 0;
        }
    }

    /** server_name (RFC 6066 §3): one host_name, compared with the SEN ignoring ASCII case. */
    private boolean serverName(short e, short el) {
        byte[] io = r.io;
        need(el >= 2 && Util.getShort(io, e) == (short) (el - 2) && el >= 5, IoseConsts.ALERT_DECODE_ERROR);
        short i = (short) (e + 2);
        short ee = (short) (e + el);
        boolean host = false;
        boolean match = false;
        while (i < ee) {
            need((short) (ee - i) >= 3, IoseConsts.ALERT_DECODE_ERROR);
            byte nt = io[i];
            short nl = Util.getShort(io, (short) (i + 1));
            need(nl >= 1 && nl <= (short) (ee - i - 3), IoseConsts.ALERT_DECODE_ERROR);
            if (nt == 0) {
                need(!host, IoseConsts.ALERT_ILLEGAL_PARAMETER);
                host = true;
                match = nl == store.senLength && sameName(io, (short) (i + 3), nl);
            }
            i = (short) (i + 3 + nl);
        }
        need(host, IoseConsts.ALERT_DECODE_ERROR);
        return match;
    }

    private boolean sameName(byte[] b, short off, short n) {
        for (short k = 0; k < n; k++) {
            if (lower(b[(short) (off + k)]) != lower(store.sen[k])) {
                return false;
            }
        }
        return true;
    }

    private static byte lower(byte c) {
        return c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
    }

    /** ALPN (RFC 7301 §3.1): true when "shell" is offered. */
    private boolean alpn(short e, short el) {
        byte[] io = r.io;
        need(el >= 2 && Util.getShort(io, e) == (short) (el - 2) && el >= 4, IoseConsts.ALERT_DECODE_ERROR);
        short i = (short) (e + 2);
        short ee = (short) (e + el);
        boolean found = false;
        while (i < ee) {
            short l = (short) (io[i] & 0xFF);
            need(l >= 1 && l <= (short) (ee - i - 1), IoseConsts.ALERT_DECODE_ERROR);
            if (l == Shell.ALPN.length && Util.arrayCompare(io, (short) (i + 1), Shell.ALPN, (short) 0, l) == 0) {
                found = true;
            }
            i = (short) (i + 1 + l);
        }
        return found;
    }

    private static boolean equal(byte[] a, short aOff, byte[] b, short bOff) {
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
        short tag = tag();
        need(len >= (short) (tag + 1), IoseConsts.ALERT_BAD_RECORD_MAC);
        short textLen = (short) (len - tag);
        boolean ok = ccm.open(r.readKey, r.sec, IoseConsts.S_READ_IV, r.vars, IoseConsts.V_READ_SEQ, io, p, textLen,
                tag);
        need(ok, IoseConsts.ALERT_BAD_RECORD_MAC);
        increment(IoseConsts.V_READ_SEQ);
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
                setOut(seal(o, m, IoseConsts.CT_APPLICATION));
            }
        }
        r.setShort(IoseConsts.V_PEND_OFF, (short) 0);
        r.setShort(IoseConsts.V_PEND_END, (short) 0);
    }

    /**
     * Seals the inner plaintext at io[o+5 .. +n) of the given type as one record at io[o] with the write key;
     * returns the end of the record.
     */
    private short seal(short o, short n, byte type) {
        byte[] io = r.io;
        short t = (short) (o + IoseConsts.RECORD_HEADER);
        io[(short) (t + n)] = type;
        short textLen = (short) (n + 1);
        io[o] = IoseConsts.CT_APPLICATION;
        Util.setShort(io, (short) (o + 1), (short) 0x0303);
        short tag = tag();
        Util.setShort(io, (short) (o + 3), (short) (textLen + tag));
        ccm.seal(r.writeKey, r.sec, IoseConsts.S_WRITE_IV, r.vars, IoseConsts.V_WRITE_SEQ, io, o, textLen, tag);
        increment(IoseConsts.V_WRITE_SEQ);
        return (short) (t + textLen + tag);
    }

    private short tag() {
        return r.getShort(IoseConsts.V_TAG);
    }

    private void increment(short off) {
        byte[] v = r.vars;
        for (short i = (short) (off + 7); i >= off; i--) {
            v[i]++;
            if (v[i] != 0) {
                return;
            }
        }
    }
}
