package org.recsec.applet;

import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * The TLS 1.2 / DTLS 1.2 client handshake (RFC 5246, RFC 6347) in PSK mode (TLS_PSK_WITH_AES_128_CCM_8, RFC 4279
 * §2) or certificate mode (TLS_DHE_RSA_WITH_AES_128_CCM_8, RFC 6655, with {@link CertAuth}), full or abbreviated
 * (session resumption, RFC 5246 §7.3). Input is the payload of one EAP-TLS message: whole records whose handshake
 * messages are unfragmented (the bridge reassembles, removes retransmissions and, for TLS, gives each handshake
 * message its own record). Output, built in the same buffer, is the card's next flight as records. Every failure
 * throws an ISOException; the EAP layer then puts the session into the error state.
 *
 * <p>This class reads the server's records and runs the state machine; {@link ClientFlight} writes the card's
 * flights and {@link KeySchedule} derives the master secret and keys.
 */
final class Handshake {

    private final Transients t;
    private final Persistent p;
    private final Crypto k;
    private final CertAuth c;

    Handshake(Transients t, Persistent p, Crypto k, CertAuth c) {
        this.t = t;
        this.p = p;
        this.k = k;
        this.c = c;
    }

    /** EAP-TLS Start: writes the first ClientHello record at io[0] and returns its length. */
    short start() {
        byte mode = t.vars[Consts.V_MODE];
        if (t.state() != Consts.ST_IDLE || (t.cert() ? !c.ready() : !p.personalised)) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        k.random.generateData(t.hs, Consts.H_CLIENT_RANDOM, Consts.RANDOM_LENGTH);
        k.resetTranscripts();
        byte offered = 0;
        if ((mode & Consts.MODE_RESUME) != 0 && p.sessionValid
                && p.sessionMode == (byte) (mode & (Consts.MODE_TLS | Consts.MODE_CERT))) {
            offered = p.sessionIdLength;
        }
        t.vars[Consts.V_SID_OFFERED] = offered;
        t.setState(Consts.ST_WAIT_SERVER_HELLO);
        return ClientFlight.clientHello(t, p, k, (short) 0);
    }

    /** Processes the server records in io[0..len) and returns the length of the card's answer at io[0]. */
    short onFlight(short len) {
        byte[] io = t.io;
        boolean tls = t.tls();
        short rh = t.recordHeader();
        t.vars[Consts.V_ACTION] = Consts.ACT_NONE;
        short off = 0;
        while (off < len) {
            // a message that makes the card answer must close the payload: the answer overwrites the input
            requireNoAction();
            if ((short) (len - off) < rh) {
                fail();
            }
            byte type = io[off];
            byte major = io[(short) (off + 1)];
            byte minor = io[(short) (off + 2)];
            short rlen = Util.getShort(io, (short) (off + rh - 2));
            short body = (short) (off + rh);
            if (rlen < 0 || rlen > (short) (len - body)) {
                fail();
            }
            byte state = t.state();
            if (tls) {
                // plaintext records may carry 3.1-3.3 (RFC 5246 Appendix E.1); the protected Finished 3.3
                if (major != Consts.TLS12_MAJOR || minor < 1 || minor > Consts.TLS12_MINOR) {
                    fail();
                }
                if (state == Consts.ST_WAIT_FINISHED) {
                    if (type != Consts.CT_HANDSHAKE || minor != Consts.TLS12_MINOR) {
                        fail();
                    }
                    serverFinished(off, rlen);
                } else if (type == Consts.CT_HANDSHAKE) {
                    messages(body, rlen);
                } else if (type == Consts.CT_CHANGE_CIPHER_SPEC && state == Consts.ST_WAIT_CCS && rlen == 1
                        && io[body] == 1) {
                    changeCipherSpec();
                } else {
                    fail();
                }
            } else {
                short epoch = Util.getShort(io, (short) (off + 3));
                if (major != Consts.DTLS12_MAJOR) {
                    fail();
                }
                if (epoch == 0 && (minor == Consts.DTLS12_MINOR || minor == Consts.DTLS10_MINOR)) {
                    if (type == Consts.CT_HANDSHAKE) {
                        messages(body, rlen);
                    } else if (type == Consts.CT_CHANGE_CIPHER_SPEC && state == Consts.ST_WAIT_CCS && rlen == 1
                            && io[body] == 1) {
                        changeCipherSpec();
                    } else {
                        fail();
                    }
                } else if (epoch == 1 && minor == Consts.DTLS12_MINOR && type == Consts.CT_HANDSHAKE) {
                    serverFinished(off, rlen);
                } else {
                    fail();
                }
            }
            off = (short) (body + rlen);
        }
        byte action = t.vars[Consts.V_ACTION];
        if (action == Consts.ACT_CLIENT_HELLO_WITH_COOKIE) {
            short cookieLen = t.getShort(Consts.V_COOKIE_LEN);
            Util.arrayCopyNonAtomic(io, t.getShort(Consts.V_COOKIE_OFF), io, ClientFlight.cookieAt(t), cookieLen);
            // RFC 6347 §4.2.6: the first ClientHello and the HelloVerifyRequest stay out of the transcript
            k.resetTranscripts();
            return ClientFlight.clientHello(t, p, k, cookieLen);
        }
        if (action == Consts.ACT_FLIGHT5) {
            return ClientFlight.flight5(t, p, k, c);
        }
        if (action == Consts.ACT_RESUMED_FINISHED) {
            return ClientFlight.resumedFinished(t, k);
        }
        return 0;
    }

    private void changeCipherSpec() {
        t.setState(Consts.ST_WAIT_FINISHED);
        // TLS: the server's protected records count from 0 (RFC 5246 §6.1)
        Util.arrayFillNonAtomic(t.vars, Consts.V_READ_EPOCH_SEQ, (short) 8, (byte) 0);
    }

    private void messages(short off, short len) {
        byte[] io = t.io;
        boolean tls = t.tls();
        short hh = t.hsHeader();
        short end = (short) (off + len);
        while (off < end) {
            requireNoAction();
            if ((short) (end - off) < hh) {
                fail();
            }
            byte type = io[off];
            short mlen = Util.getShort(io, (short) (off + 2));
            short mseq = 0;
            // 24-bit length < 2^15
            if (io[(short) (off + 1)] != 0 || mlen < 0 || mlen > (short) (end - off - hh)) {
                fail();
            }
            if (!tls) {
                mseq = Util.getShort(io, (short) (off + 4));
                // unfragmented only: fragment_offset 0, fragment_length = length
                if ((io[(short) (off + 6)] | io[(short) (off + 7)] | io[(short) (off + 8)] | io[(short) (off + 9)])
                        != 0 || Util.getShort(io, (short) (off + 10)) != mlen) {
                    fail();
                }
            }
            short body = (short) (off + hh);
            serverMessage(type, mseq, off, body, mlen);
            off = (short) (body + mlen);
        }
    }

    private void serverMessage(byte type, short mseq, short msg, short body, short mlen) {
        byte[] io = t.io;
        boolean tls = t.tls();
        byte state = t.state();
        if (!tls && state == Consts.ST_WAIT_SERVER_HELLO && type == Consts.HT_HELLO_VERIFY_REQUEST) {
            // RFC 6347 §4.2.1: server_version(2) ‖ cookie<0..2^8-1>; one cookie exchange per handshake
            if (t.vars[Consts.V_HVR_SEEN] != 0 || mlen < 3 || io[body] != Consts.DTLS12_MAJOR
                    || (io[(short) (body + 1)] != Consts.DTLS10_MINOR && io[(short) (body + 1)] != Consts.DTLS12_MINOR)
                    || mlen != (short) (3 + (io[(short) (body + 2)] & 0xFF))) {
                fail();
            }
            t.vars[Consts.V_HVR_SEEN] = 1;
            t.setShort(Consts.V_COOKIE_OFF, (short) (body + 3));
            t.setShort(Consts.V_COOKIE_LEN, (short) (mlen - 3));
            t.vars[Consts.V_ACTION] = Consts.ACT_CLIENT_HELLO_WITH_COOKIE;
            return;
        }
        if (state == Consts.ST_WAIT_SERVER_HELLO && type == Consts.HT_SERVER_HELLO) {
            serverHello(body, mlen);
        } else if (state == Consts.ST_WAIT_SERVER_HELLO_DONE
                && (tls || mseq == t.getShort(Consts.V_SERVER_MSG_SEQ))) {
            flightMessage(type, body, mlen);
        } else {
            fail();
        }
        t.setShort(Consts.V_SERVER_MSG_SEQ, (short) (mseq + 1));
        k.transcript(io, msg, (short) (t.hsHeader() + mlen));
    }

    /** The server's second flight after ServerHello, in the order RFC 5246 §7.3 gives for the mode. */
    private void flightMessage(byte type, short body, short mlen) {
        byte[] io = t.io;
        byte last = t.vars[Consts.V_LAST_MSG];
        if (t.cert()) {
            if (type == Consts.HT_CERTIFICATE && last == Consts.HT_SERVER_HELLO) {
                c.serverCertificate(io, body, mlen);
            } else if (type == Consts.HT_SERVER_KEY_EXCHANGE && last == Consts.HT_CERTIFICATE) {
                c.serverKeyExchange(io, body, mlen);
            } else if (type == Consts.HT_CERTIFICATE_REQUEST && last == Consts.HT_SERVER_KEY_EXCHANGE) {
                c.certificateRequest(io, body, mlen);
            } else if (type == Consts.HT_SERVER_HELLO_DONE && mlen == 0
                    && (last == Consts.HT_SERVER_KEY_EXCHANGE || last == Consts.HT_CERTIFICATE_REQUEST)) {
                t.vars[Consts.V_ACTION] = Consts.ACT_FLIGHT5;
            } else {
                fail();
            }
        } else {
            if (type == Consts.HT_SERVER_KEY_EXCHANGE && last == Consts.HT_SERVER_HELLO) {
                // RFC 4279 §2: psk_identity_hint<0..2^16-1>; the card uses its own identity whatever the hint
                if (mlen < 2 || Util.getShort(io, body) != (short) (mlen - 2)) {
                    fail();
                }
            } else if (type == Consts.HT_SERVER_HELLO_DONE && mlen == 0
                    && (last == Consts.HT_SERVER_HELLO || last == Consts.HT_SERVER_KEY_EXCHANGE)) {
                t.vars[Consts.V_ACTION] = Consts.ACT_FLIGHT5;
            } else {
                fail();
            }
        }
        t.vars[Consts.V_LAST_MSG] = type;
    }

    /**
     * RFC 5246 §7.4.1.3: checks version, suite, compression and extensions; keeps the server's session id. If it
     * equals the one offered, the session is resumed (RFC 5246 §7.3): the stored master secret gives the keys and
     * the server's ChangeCipherSpec and Finished come next.
     */
    private void serverHello(short body, short mlen) {
        byte[] io = t.io;
        short end = (short) (body + mlen);
        boolean tls = t.tls();
        if (mlen < 38 || io[body] != (tls ? Consts.TLS12_MAJOR : Consts.DTLS12_MAJOR)
                || io[(short) (body + 1)] != (tls ? Consts.TLS12_MINOR : Consts.DTLS12_MINOR)) {
            fail();
        }
        Util.arrayCopyNonAtomic(io, (short) (body + 2), t.hs, Consts.H_SERVER_RANDOM, Consts.RANDOM_LENGTH);
        short sidLen = (short) (io[(short) (body + 34)] & 0xFF);
        short sid = (short) (body + 35);
        short q = (short) (sid + sidLen);
        if (sidLen > Consts.MAX_SESSION_ID || (short) (q + 3) > end || Util.getShort(io, q) != t.suite()
                || io[(short) (q + 2)] != 0) {
            fail();
        }
        q = (short) (q + 3);
        if (q != end) {
            if ((short) (q + 2) > end || Util.getShort(io, q) != (short) (end - q - 2)) {
                fail();
            }
            q = (short) (q + 2);
            while (q < end) {
                if ((short) (end - q) < 4) {
                    fail();
                }
                short etype = Util.getShort(io, q);
                short elen = Util.getShort(io, (short) (q + 2));
                // the card offered only the renegotiation SCSV (and, in certificate mode, signature_algorithms and
                // supported_groups, which a TLS 1.2 server does not answer): the server may answer with an empty
                // renegotiation_info (RFC 5746 §3.4) and nothing else (RFC 5246 §7.4.1.4)
                if (etype != (short) 0xFF01 || elen != 1 || (short) (q + 5) > end || io[(short) (q + 4)] != 0) {
                    fail();
                }
                q = (short) (q + 4 + elen);
            }
        }
        Util.arrayCopyNonAtomic(io, sid, t.hs, Consts.H_SESSION_ID, sidLen);
        t.vars[Consts.V_SID_LEN] = (byte) sidLen;
        short offered = t.vars[Consts.V_SID_OFFERED];
        if (offered > 0 && sidLen == offered
                && Util.arrayCompare(io, sid, p.sessionId, (short) 0, sidLen) == 0) {
            t.vars[Consts.V_RESUMED] = 1;
            Util.arrayCopyNonAtomic(p.sessionMaster, (short) 0, t.hs, Consts.H_MASTER, Consts.MASTER_SECRET);
            KeySchedule.keyBlock(t, k);
            t.setState(Consts.ST_WAIT_CCS);
        } else {
            t.setState(Consts.ST_WAIT_SERVER_HELLO_DONE);
        }
        t.vars[Consts.V_LAST_MSG] = Consts.HT_SERVER_HELLO;
    }

    /** The server's Finished: AES_128_CCM_8 under server_write_key, verify_data per RFC 5246 §7.4.9. */
    private void serverFinished(short rec, short rlen) {
        byte[] io = t.io;
        boolean tls = t.tls();
        short hh = t.hsHeader();
        short finLen = (short) (hh + Consts.VERIFY_DATA_LENGTH);
        if (t.state() != Consts.ST_WAIT_FINISHED || rlen != (short) (Consts.EXPLICIT_NONCE + finLen + Consts.TAG)) {
            fail();
        }
        boolean opened = tls
                ? k.aead.open(k.serverCipher, t.vars, Consts.V_SERVER_IV, io, rec, Consts.TLS_RECORD_HEADER, t.vars,
                        Consts.V_READ_EPOCH_SEQ, finLen)
                : k.aead.open(k.serverCipher, t.vars, Consts.V_SERVER_IV, io, rec, Consts.RECORD_HEADER, io,
                        (short) (rec + 3), finLen);
        if (!opened) {
            ISOException.throwIt(Consts.SW_AUTH_FAILED);
        }
        short m = (short) (rec + t.recordPlaintext());
        if (io[m] != Consts.HT_FINISHED || io[(short) (m + 1)] != 0
                || Util.getShort(io, (short) (m + 2)) != Consts.VERIFY_DATA_LENGTH) {
            fail();
        }
        if (!tls && (Util.getShort(io, (short) (m + 4)) != t.getShort(Consts.V_SERVER_MSG_SEQ)
                || (io[(short) (m + 6)] | io[(short) (m + 7)] | io[(short) (m + 8)] | io[(short) (m + 9)]) != 0
                || Util.getShort(io, (short) (m + 10)) != Consts.VERIFY_DATA_LENGTH)) {
            fail();
        }
        boolean resumed = t.vars[Consts.V_RESUMED] != 0;
        byte[] hs = t.hs;
        if (resumed) {
            // abbreviated handshake: the server's Finished comes first and covers ClientHello ‖ ServerHello
            k.transcriptClient.doFinal(io, (short) 0, (short) 0, hs, Consts.H_HASH);
            k.prf.prf(hs, Consts.H_MASTER, Consts.MASTER_SECRET, Consts.LABEL_SERVER_FINISHED, hs, Consts.H_HASH,
                    Consts.SHA256, null, (short) 0, (short) 0, hs, Consts.H_SERVER_VERIFY,
                    Consts.VERIFY_DATA_LENGTH);
        }
        byte diff = 0;
        for (short i = 0; i < Consts.VERIFY_DATA_LENGTH; i++) {
            diff |= (byte) (io[(short) (m + hh + i)] ^ hs[(short) (Consts.H_SERVER_VERIFY + i)]);
        }
        if (diff != 0) {
            ISOException.throwIt(Consts.SW_AUTH_FAILED);
        }
        if (tls) {
            Seq48.increment(t.vars, (short) (Consts.V_READ_EPOCH_SEQ + 2));
        } else {
            // the replay window starts at the Finished's sequence number
            Util.arrayCopyNonAtomic(io, (short) (rec + 3), t.vars, Consts.V_READ_EPOCH_SEQ, (short) 8);
            Util.arrayFillNonAtomic(t.vars, Consts.V_READ_BITMAP, (short) 8, (byte) 0);
            t.vars[(short) (Consts.V_READ_BITMAP + 7)] = 1;
        }
        if (resumed) {
            k.transcriptServer.update(io, m, finLen);
            t.vars[Consts.V_ACTION] = Consts.ACT_RESUMED_FINISHED;
            return;
        }
        short sidLen = t.vars[Consts.V_SID_LEN];
        if (sidLen > 0) {
            p.storeSession(hs, Consts.H_SESSION_ID, sidLen, hs, Consts.H_MASTER,
                    (byte) (t.vars[Consts.V_MODE] & (Consts.MODE_TLS | Consts.MODE_CERT)));
        }
        t.keepEapSecrets();
        Util.arrayFillNonAtomic(hs, (short) 0, Consts.HS_SIZE, (byte) 0);
        t.setState(Consts.ST_ESTABLISHED);
        t.vars[Consts.V_ACTION] = Consts.ACT_DONE;
    }


    private void requireNoAction() {
        if (t.vars[Consts.V_ACTION] != Consts.ACT_NONE) {
            fail();
        }
    }

    private static void fail() {
        ISOException.throwIt(Consts.SW_WRONG_DATA);
    }
}
