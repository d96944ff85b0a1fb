package org.recsec.applet;

import javacard.framework.ISOException;
import javacard.framework.Util;
import javacardx.crypto.Cipher;

/**
 * The DTLS 1.2 client handshake for TLS_PSK_WITH_AES_128_CCM_8 (RFC 6347, RFC 4279 §2, RFC 6655). Input is the
 * payload of one EAP-TLS message: whole DTLS records whose handshake messages are unfragmented (the bridge
 * reassembles and removes retransmissions). Output, built in the same buffer, is the card's next flight as DTLS
 * records. Every failure throws an ISOException; the EAP layer then puts the session into the error state.
 */
final class DtlsHandshake {

    /** Offset of the cookie inside the ClientHello record the card writes (header 13, hs header 12, 2+32+1+1). */
    private static final short CH_COOKIE = 61;

    private final Transients t;
    private final Persistent p;
    private final Crypto k;

    DtlsHandshake(Transients t, Persistent p, Crypto k) {
        this.t = t;
        this.p = p;
        this.k = k;
    }

    /** EAP-TLS Start: writes the first ClientHello record at io[0] and returns its length. */
    short start() {
        if (!p.personalised || t.state() != Consts.ST_IDLE) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        k.random.generateData(t.hs, Consts.H_CLIENT_RANDOM, Consts.RANDOM_LENGTH);
        k.transcriptClient.reset();
        k.transcriptServer.reset();
        t.setState(Consts.ST_WAIT_SERVER_HELLO);
        return clientHello((short) 0);
    }

    /** Processes the server records in io[0..len) and returns the length of the card's answer at io[0]. */
    short onFlight(short len) {
        byte[] io = t.io;
        t.vars[Consts.V_ACTION] = Consts.ACT_NONE;
        short off = 0;
        while (off < len) {
            // a message that makes the card answer must close the payload: the answer overwrites the input
            requireNoAction();
            if ((short) (len - off) < Consts.RECORD_HEADER) {
                fail();
            }
            byte type = io[off];
            short epoch = Util.getShort(io, (short) (off + 3));
            short rlen = Util.getShort(io, (short) (off + 11));
            short body = (short) (off + Consts.RECORD_HEADER);
            if (rlen < 0 || rlen > (short) (len - body) || io[(short) (off + 1)] != Consts.DTLS12_MAJOR) {
                fail();
            }
            byte minor = io[(short) (off + 2)];
            if (epoch == 0 && (minor == Consts.DTLS12_MINOR || minor == Consts.DTLS10_MINOR)) {
                if (type == Consts.CT_HANDSHAKE) {
                    messages(body, rlen);
                } else if (type == Consts.CT_CHANGE_CIPHER_SPEC && t.state() == Consts.ST_WAIT_CCS && rlen == 1
                        && io[body] == 1) {
                    t.setState(Consts.ST_WAIT_FINISHED);
                } else {
                    fail();
                }
            } else if (epoch == 1 && minor == Consts.DTLS12_MINOR && type == Consts.CT_HANDSHAKE) {
                serverFinished(off, rlen);
            } else {
                fail();
            }
            off = (short) (body + rlen);
        }
        byte action = t.vars[Consts.V_ACTION];
        if (action == Consts.ACT_CLIENT_HELLO_WITH_COOKIE) {
            short cookieLen = t.getShort(Consts.V_COOKIE_LEN);
            Util.arrayCopyNonAtomic(io, t.getShort(Consts.V_COOKIE_OFF), io, CH_COOKIE, cookieLen);
            // RFC 6347 §4.2.6: the first ClientHello and the HelloVerifyRequest stay out of the transcript
            k.transcriptClient.reset();
            k.transcriptServer.reset();
            return clientHello(cookieLen);
        }
        if (action == Consts.ACT_FLIGHT5) {
            return flight5();
        }
        return 0;
    }

    private void messages(short off, short len) {
        byte[] io = t.io;
        short end = (short) (off + len);
        while (off < end) {
            requireNoAction();
            if ((short) (end - off) < Consts.HS_HEADER) {
                fail();
            }
            byte type = io[off];
            short mlen = Util.getShort(io, (short) (off + 2));
            short mseq = Util.getShort(io, (short) (off + 4));
            // unfragmented only: 24-bit length < 2^15, fragment_offset 0, fragment_length = length
            if (io[(short) (off + 1)] != 0 || mlen < 0 || (io[(short) (off + 6)] | io[(short) (off + 7)]
                    | io[(short) (off + 8)] | io[(short) (off + 9)]) != 0
                    || Util.getShort(io, (short) (off + 10)) != mlen
                    || mlen > (short) (end - off - Consts.HS_HEADER)) {
                fail();
            }
            short body = (short) (off + Consts.HS_HEADER);
            serverMessage(type, mseq, off, body, mlen);
            off = (short) (body + mlen);
        }
    }

    private void serverMessage(byte type, short mseq, short msg, short body, short mlen) {
        byte[] io = t.io;
        byte state = t.state();
        if (state == Consts.ST_WAIT_SERVER_HELLO && type == Consts.HT_HELLO_VERIFY_REQUEST) {
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
            t.setState(Consts.ST_WAIT_SERVER_HELLO_DONE);
        } else if (state == Consts.ST_WAIT_SERVER_HELLO_DONE && mseq == t.getShort(Consts.V_SERVER_MSG_SEQ)) {
            if (type == Consts.HT_SERVER_KEY_EXCHANGE) {
                // RFC 4279 §2: psk_identity_hint<0..2^16-1>; the card uses its own identity whatever the hint
                if (mlen < 2 || Util.getShort(io, body) != (short) (mlen - 2)) {
                    fail();
                }
            } else if (type == Consts.HT_SERVER_HELLO_DONE && mlen == 0) {
                t.vars[Consts.V_ACTION] = Consts.ACT_FLIGHT5;
            } else {
                fail();
            }
        } else {
            fail();
        }
        t.setShort(Consts.V_SERVER_MSG_SEQ, (short) (mseq + 1));
        transcript(io, msg, (short) (Consts.HS_HEADER + mlen));
    }

    /** RFC 5246 §7.4.1.3 with the DTLS 1.2 version: checks version, suite, compression and extensions. */
    private void serverHello(short body, short mlen) {
        byte[] io = t.io;
        short end = (short) (body + mlen);
        if (mlen < 38 || io[body] != Consts.DTLS12_MAJOR || io[(short) (body + 1)] != Consts.DTLS12_MINOR) {
            fail();
        }
        Util.arrayCopyNonAtomic(io, (short) (body + 2), t.hs, Consts.H_SERVER_RANDOM, Consts.RANDOM_LENGTH);
        short sidLen = (short) (io[(short) (body + 34)] & 0xFF);
        short q = (short) (body + 35 + sidLen);
        if (sidLen > 32 || (short) (q + 3) > end || Util.getShort(io, q) != Consts.SUITE_PSK_AES_128_CCM_8
                || io[(short) (q + 2)] != 0) {
            fail();
        }
        q = (short) (q + 3);
        if (q == end) {
            return;
        }
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
            // the card offered no extension, only the renegotiation SCSV: the server may answer with an empty
            // renegotiation_info (RFC 5746 §3.4) and nothing else (RFC 5246 §7.4.1.4)
            if (etype != (short) 0xFF01 || elen != 1 || (short) (q + 5) > end || io[(short) (q + 4)] != 0) {
                fail();
            }
            q = (short) (q + 4 + elen);
        }
    }

    /** Flight 5: ClientKeyExchange, ChangeCipherSpec, Finished (RFC 6347 §4.2.4). */
    private short flight5() {
        byte[] io = t.io;
        byte[] hs = t.hs;
        short idLen = p.identityLength;
        short bodyLen = (short) (2 + idLen);
        RecordWriter.header(t, (short) 0, Consts.CT_HANDSHAKE, (short) (Consts.HS_HEADER + bodyLen));
        short msg = Consts.RECORD_HEADER;
        short o = handshakeHeader(msg, Consts.HT_CLIENT_KEY_EXCHANGE, bodyLen);
        Util.setShort(io, o, idLen);
        Util.arrayCopyNonAtomic(p.identity, (short) 0, io, (short) (o + 2), idLen);
        o = (short) (o + bodyLen);
        transcript(io, msg, (short) (Consts.HS_HEADER + bodyLen));

        deriveKeys();

        RecordWriter.header(t, o, Consts.CT_CHANGE_CIPHER_SPEC, (short) 1);
        io[(short) (o + Consts.RECORD_HEADER)] = 1;
        o = (short) (o + Consts.RECORD_HEADER + 1);

        // epoch 1, sequence 0 (RFC 6347 §4.1)
        Util.arrayFillNonAtomic(t.vars, Consts.V_WRITE_EPOCH_SEQ, (short) 8, (byte) 0);
        t.vars[(short) (Consts.V_WRITE_EPOCH_SEQ + 1)] = 1;
        short rec = o;
        short finLen = (short) (Consts.HS_HEADER + Consts.VERIFY_DATA_LENGTH);
        RecordWriter.header(t, rec, Consts.CT_HANDSHAKE, (short) (Consts.EXPLICIT_NONCE + finLen + Consts.TAG));
        RecordWriter.explicitNonce(t, rec);
        msg = (short) (rec + Consts.RECORD_PLAINTEXT);
        o = handshakeHeader(msg, Consts.HT_FINISHED, Consts.VERIFY_DATA_LENGTH);
        k.transcriptClient.doFinal(io, (short) 0, (short) 0, hs, Consts.H_HASH);
        k.prf.prf(hs, Consts.H_MASTER, Consts.MASTER_SECRET, Consts.LABEL_CLIENT_FINISHED, hs, Consts.H_HASH,
                Consts.SHA256, null, (short) 0, (short) 0, io, o, Consts.VERIFY_DATA_LENGTH);
        k.transcriptServer.update(io, msg, finLen);
        k.transcriptServer.doFinal(io, (short) 0, (short) 0, hs, Consts.H_HASH);
        k.prf.prf(hs, Consts.H_MASTER, Consts.MASTER_SECRET, Consts.LABEL_SERVER_FINISHED, hs, Consts.H_HASH,
                Consts.SHA256, null, (short) 0, (short) 0, hs, Consts.H_SERVER_VERIFY, Consts.VERIFY_DATA_LENGTH);
        k.aead.seal(k.clientCipher, t.vars, Consts.V_CLIENT_IV, io, rec, finLen);
        t.setState(Consts.ST_WAIT_CCS);
        return (short) (rec + Consts.RECORD_PLAINTEXT + finLen + Consts.TAG);
    }

    /**
     * premaster = uint16 N ‖ N zeros ‖ uint16 N ‖ PSK (RFC 4279 §2); master secret (RFC 5246 §8.1); key block
     * (RFC 5246 §6.3): client_write_key, server_write_key, client_write_IV, server_write_IV.
     */
    private void deriveKeys() {
        byte[] hs = t.hs;
        short n = p.pskLength;
        Util.arrayFillNonAtomic(hs, Consts.H_PMS, Consts.PMS_MAX, (byte) 0);
        Util.setShort(hs, Consts.H_PMS, n);
        Util.setShort(hs, (short) (Consts.H_PMS + 2 + n), n);
        Util.arrayCopyNonAtomic(p.psk, (short) 0, hs, (short) (Consts.H_PMS + 4 + n), n);
        k.prf.prf(hs, Consts.H_PMS, (short) (4 + 2 * n), Consts.LABEL_MASTER_SECRET, hs, Consts.H_CLIENT_RANDOM,
                Consts.RANDOM_LENGTH, hs, Consts.H_SERVER_RANDOM, Consts.RANDOM_LENGTH, hs, Consts.H_MASTER,
                Consts.MASTER_SECRET);
        Util.arrayFillNonAtomic(hs, Consts.H_PMS, Consts.PMS_MAX, (byte) 0);
        k.prf.prf(hs, Consts.H_MASTER, Consts.MASTER_SECRET, Consts.LABEL_KEY_EXPANSION, hs,
                Consts.H_SERVER_RANDOM, Consts.RANDOM_LENGTH, hs, Consts.H_CLIENT_RANDOM, Consts.RANDOM_LENGTH, hs,
                Consts.H_PMS, Consts.KEY_BLOCK);
        t.clientKey.setKey(hs, Consts.H_PMS);
        t.serverKey.setKey(hs, (short) (Consts.H_PMS + Consts.AES_KEY));
        Util.arrayCopyNonAtomic(hs, (short) (Consts.H_PMS + 2 * Consts.AES_KEY), t.vars, Consts.V_CLIENT_IV,
                Consts.FIXED_IV);
        Util.arrayCopyNonAtomic(hs, (short) (Consts.H_PMS + 2 * Consts.AES_KEY + Consts.FIXED_IV), t.vars,
                Consts.V_SERVER_IV, Consts.FIXED_IV);
        Util.arrayFillNonAtomic(hs, Consts.H_PMS, Consts.PMS_MAX, (byte) 0);
        k.clientCipher.init(t.clientKey, Cipher.MODE_ENCRYPT);
        k.serverCipher.init(t.serverKey, Cipher.MODE_ENCRYPT);
    }

    /** The server's Finished: epoch 1, AES_128_CCM_8 under server_write_key, verify_data as computed in flight 5. */
    private void serverFinished(short rec, short rlen) {
        byte[] io = t.io;
        short finLen = (short) (Consts.HS_HEADER + Consts.VERIFY_DATA_LENGTH);
        if (t.state() != Consts.ST_WAIT_FINISHED || rlen != (short) (Consts.EXPLICIT_NONCE + finLen + Consts.TAG)) {
            fail();
        }
        if (!k.aead.open(k.serverCipher, t.vars, Consts.V_SERVER_IV, io, rec, finLen)) {
            ISOException.throwIt(Consts.SW_AUTH_FAILED);
        }
        short m = (short) (rec + Consts.RECORD_PLAINTEXT);
        if (io[m] != Consts.HT_FINISHED || io[(short) (m + 1)] != 0
                || Util.getShort(io, (short) (m + 2)) != Consts.VERIFY_DATA_LENGTH
                || Util.getShort(io, (short) (m + 4)) != t.getShort(Consts.V_SERVER_MSG_SEQ)
                || (io[(short) (m + 6)] | io[(short) (m + 7)] | io[(short) (m + 8)] | io[(short) (m + 9)]) != 0
                || Util.getShort(io, (short) (m + 10)) != Consts.VERIFY_DATA_LENGTH) {
            fail();
        }
        byte diff = 0;
        for (short i = 0; i < Consts.VERIFY_DATA_LENGTH; i++) {
            diff |= (byte) (io[(short) (m + Consts.HS_HEADER + i)] ^ t.hs[(short) (Consts.H_SERVER_VERIFY + i)]);
        }
        if (diff != 0) {
            ISOException.throwIt(Consts.SW_AUTH_FAILED);
        }
        // the replay window starts at the Finished's sequence number; the handshake secrets are no longer needed
        Util.arrayCopyNonAtomic(io, (short) (rec + 3), t.vars, Consts.V_READ_EPOCH_SEQ, (short) 8);
        Util.arrayFillNonAtomic(t.vars, Consts.V_READ_BITMAP, (short) 8, (byte) 0);
        t.vars[(short) (Consts.V_READ_BITMAP + 7)] = 1;
        Util.arrayFillNonAtomic(t.hs, (short) 0, Consts.HS_SIZE, (byte) 0);
        t.setState(Consts.ST_ESTABLISHED);
        t.vars[Consts.V_ACTION] = Consts.ACT_DONE;
    }

    /** Writes a ClientHello record at io[0] around a cookie already at io[CH_COOKIE]; returns its length. */
    private short clientHello(short cookieLen) {
        byte[] io = t.io;
        short bodyLen = (short) (2 + Consts.RANDOM_LENGTH + 1 + 1 + cookieLen + 2 + 4 + 2);
        RecordWriter.header(t, (short) 0, Consts.CT_HANDSHAKE, (short) (Consts.HS_HEADER + bodyLen));
        short o = handshakeHeader(Consts.RECORD_HEADER, Consts.HT_CLIENT_HELLO, bodyLen);
        io[o] = Consts.DTLS12_MAJOR;
        io[(short) (o + 1)] = Consts.DTLS12_MINOR;
        Util.arrayCopyNonAtomic(t.hs, Consts.H_CLIENT_RANDOM, io, (short) (o + 2), Consts.RANDOM_LENGTH);
        io[(short) (o + 34)] = 0; // empty session_id
        io[(short) (o + 35)] = (byte) cookieLen;
        o = (short) (CH_COOKIE + cookieLen);
        Util.setShort(io, o, (short) 4);
        Util.setShort(io, (short) (o + 2), Consts.SUITE_PSK_AES_128_CCM_8);
        Util.setShort(io, (short) (o + 4), Consts.SUITE_RENEGOTIATION_SCSV);
        io[(short) (o + 6)] = 1; // one compression method: null
        io[(short) (o + 7)] = 0;
        transcript(io, Consts.RECORD_HEADER, (short) (Consts.HS_HEADER + bodyLen));
        return (short) (o + 8);
    }

    /** Writes an unfragmented handshake header with the next client message_seq; returns the body offset. */
    private short handshakeHeader(short off, byte type, short bodyLen) {
        byte[] io = t.io;
        short seq = t.getShort(Consts.V_CLIENT_MSG_SEQ);
        io[off] = type;
        io[(short) (off + 1)] = 0;
        Util.setShort(io, (short) (off + 2), bodyLen);
        Util.setShort(io, (short) (off + 4), seq);
        Util.arrayFillNonAtomic(io, (short) (off + 6), (short) 4, (byte) 0);
        Util.setShort(io, (short) (off + 10), bodyLen);
        t.setShort(Consts.V_CLIENT_MSG_SEQ, (short) (seq + 1));
        return (short) (off + Consts.HS_HEADER);
    }

    private void transcript(byte[] b, short off, short len) {
        k.transcriptClient.update(b, off, len);
        k.transcriptServer.update(b, off, len);
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
