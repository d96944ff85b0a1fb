package org.recsec.applet;

import javacard.framework.Util;
import javacard.security.MessageDigest;

/**
 * Writes the card's handshake flights for {@link Handshake} into io as records: the ClientHello (with the DTLS
 * cookie), the full handshake's client flight and the abbreviated handshake's ChangeCipherSpec ‖ Finished. Each
 * message also goes into the transcript digests.
 */
final class ClientFlight {

    private ClientFlight() {
    }

    /**
     * The full handshake's client flight (RFC 5246 §7.3, RFC 6347 §4.2.4): [Certificate] ClientKeyExchange
     * [CertificateVerify] ChangeCipherSpec Finished. The card's certificate stays in EEPROM: the EAP layer splices
     * it into the answer at V_SPLICE_AT.
     */
    static short flight5(Transients t, Persistent p, Crypto k, CertAuth c) {
        byte[] io = t.io;
        byte[] hs = t.hs;
        boolean cert = t.cert();
        boolean auth = cert && t.vars[Consts.V_CLIENT_AUTH] != 0;
        short hh = t.hsHeader();
        short o = 0;
        short msg;
        short b;
        if (auth) {
            short certLen = p.certLength;
            short hsLen = (short) (6 + certLen);
            msg = RecordWriter.header(t, o, Consts.CT_HANDSHAKE, (short) (hh + hsLen));
            b = handshakeHeader(t, msg, Consts.HT_CERTIFICATE, hsLen);
            io[b] = 0;
            Util.setShort(io, (short) (b + 1), (short) (certLen + 3));
            io[(short) (b + 3)] = 0;
            Util.setShort(io, (short) (b + 4), certLen);
            o = (short) (b + 6);
            k.transcript(io, msg, (short) (o - msg));
            k.transcript(p.cert, (short) 0, certLen);
            t.setShort(Consts.V_SPLICE_AT, o);
            t.setShort(Consts.V_SPLICE_LEN, certLen);
        }
        short idLen = p.identityLength;
        short bodyLen = cert ? (short) (2 + Consts.RSA_BYTES) : (short) (2 + idLen);
        msg = (short) (o + RecordWriter.header(t, o, Consts.CT_HANDSHAKE, (short) (hh + bodyLen)));
        b = handshakeHeader(t, msg, Consts.HT_CLIENT_KEY_EXCHANGE, bodyLen);
        if (cert) {
            // ClientDiffieHellmanPublic: dh_Yc<1..2^16-1> (RFC 5246 §7.4.7.2)
            Util.setShort(io, b, Consts.RSA_BYTES);
            Util.arrayCopyNonAtomic(t.big, (short) 0, io, (short) (b + 2), Consts.RSA_BYTES);
            Util.arrayFillNonAtomic(t.big, (short) 0, Consts.RSA_BYTES, (byte) 0);
        } else {
            Util.setShort(io, b, idLen);
            Util.arrayCopyNonAtomic(p.identity, (short) 0, io, (short) (b + 2), idLen);
        }
        o = (short) (b + bodyLen);
        k.transcript(io, msg, (short) (hh + bodyLen));
        if (!cert) {
            KeySchedule.pskMaster(t, p, k);
        }
        if (auth) {
            // CertificateVerify: rsa_pkcs1_sha256 over the transcript up to the ClientKeyExchange (RFC 5246 §7.4.8)
            short cvLen = (short) (4 + Consts.RSA_BYTES);
            k.transcriptVerify.doFinal(io, (short) 0, (short) 0, hs, Consts.H_HASH);
            msg = (short) (o + RecordWriter.header(t, o, Consts.CT_HANDSHAKE, (short) (hh + cvLen)));
            b = handshakeHeader(t, msg, Consts.HT_CERTIFICATE_VERIFY, cvLen);
            Util.setShort(io, b, Consts.SIG_RSA_SHA256);
            Util.setShort(io, (short) (b + 2), Consts.RSA_BYTES);
            c.sign(hs, Consts.H_HASH, io, (short) (b + 4));
            o = (short) (b + cvLen);
            k.transcript(io, msg, (short) (hh + cvLen));
        }
        KeySchedule.keyBlock(t, k);
        o = changeCipherSpecAndFinished(t, k, o, k.transcriptClient);
        // the server's Finished covers the card's Finished (RFC 5246 §7.4.9)
        k.transcriptServer.doFinal(io, (short) 0, (short) 0, hs, Consts.H_HASH);
        k.prf.prf(hs, Consts.H_MASTER, Consts.MASTER_SECRET, Consts.LABEL_SERVER_FINISHED, hs, Consts.H_HASH,
                Consts.SHA256, null, (short) 0, (short) 0, hs, Consts.H_SERVER_VERIFY, Consts.VERIFY_DATA_LENGTH);
        t.setState(Consts.ST_WAIT_CCS);
        return o;
    }

    /**
     * Writes ChangeCipherSpec and the card's protected Finished (transcript hash from {@code digest}) at io[o];
     * the Finished also goes into the transcriptServer digest. Returns the end offset.
     */
    private static short changeCipherSpecAndFinished(Transients t, Crypto k, short o, MessageDigest digest) {
        byte[] io = t.io;
        byte[] hs = t.hs;
        short rh = RecordWriter.header(t, o, Consts.CT_CHANGE_CIPHER_SPEC, (short) 1);
        io[(short) (o + rh)] = 1;
        o = (short) (o + rh + 1);
        // DTLS: epoch 1, sequence 0 (RFC 6347 §4.1); TLS: sequence 0 (RFC 5246 §6.1)
        Util.arrayFillNonAtomic(t.vars, Consts.V_WRITE_EPOCH_SEQ, (short) 8, (byte) 0);
        if (!t.tls()) {
            t.vars[(short) (Consts.V_WRITE_EPOCH_SEQ + 1)] = 1;
        }
        short rec = o;
        short finLen = (short) (t.hsHeader() + Consts.VERIFY_DATA_LENGTH);
        RecordWriter.header(t, rec, Consts.CT_HANDSHAKE, (short) (Consts.EXPLICIT_NONCE + finLen + Consts.TAG));
        RecordWriter.explicitNonce(t, rec);
        short msg = (short) (rec + t.recordPlaintext());
        short b = handshakeHeader(t, msg, Consts.HT_FINISHED, Consts.VERIFY_DATA_LENGTH);
        digest.doFinal(io, (short) 0, (short) 0, hs, Consts.H_HASH);
        k.prf.prf(hs, Consts.H_MASTER, Consts.MASTER_SECRET, Consts.LABEL_CLIENT_FINISHED, hs, Consts.H_HASH,
                Consts.SHA256, null, (short) 0, (short) 0, io, b, Consts.VERIFY_DATA_LENGTH);
        k.transcriptServer.update(io, msg, finLen);
        RecordWriter.seal(t, k, rec, finLen);
        return (short) (msg + finLen + Consts.TAG);
    }

    /** Abbreviated handshake, after the server's Finished: ChangeCipherSpec ‖ Finished; the session is up. */
    static short resumedFinished(Transients t, Crypto k) {
        short end = changeCipherSpecAndFinished(t, k, (short) 0, k.transcriptServer);
        t.keepEapSecrets();
        Util.arrayFillNonAtomic(t.hs, (short) 0, Consts.HS_SIZE, (byte) 0);
        t.setState(Consts.ST_ESTABLISHED);
        return end;
    }

    /** Where the DTLS cookie goes in the ClientHello record: after version, random and the offered session id. */
    static short cookieAt(Transients t) {
        return (short) (Consts.RECORD_HEADER + Consts.HS_HEADER + 2 + Consts.RANDOM_LENGTH + 1
                + t.vars[Consts.V_SID_OFFERED] + 1);
    }

    /**
     * Writes a ClientHello record at io[0] (in DTLS around a cookie already at io[cookieAt()]); returns its length.
     * Suites: the mode's one and the renegotiation SCSV; in certificate mode the extensions signature_algorithms
     * (rsa_pkcs1_sha256) and supported_groups (ffdhe2048), which say what the card can check and compute.
     */
    static short clientHello(Transients t, Persistent p, Crypto k, short cookieLen) {
        byte[] io = t.io;
        boolean tls = t.tls();
        boolean cert = t.cert();
        short sidLen = t.vars[Consts.V_SID_OFFERED];
        short extLen = cert ? (short) 18 : (short) 0;
        short bodyLen = (short) (2 + Consts.RANDOM_LENGTH + 1 + sidLen + (tls ? 0 : 1 + cookieLen) + 2 + 4 + 2
                + extLen);
        short hh = t.hsHeader();
        short msg = RecordWriter.header(t, (short) 0, Consts.CT_HANDSHAKE, (short) (hh + bodyLen));
        short o = handshakeHeader(t, msg, Consts.HT_CLIENT_HELLO, bodyLen);
        io[o] = tls ? Consts.TLS12_MAJOR : Consts.DTLS12_MAJOR;
        io[(short) (o + 1)] = tls ? Consts.TLS12_MINOR : Consts.DTLS12_MINOR;
        Util.arrayCopyNonAtomic(t.hs, Consts.H_CLIENT_RANDOM, io, (short) (o + 2), Consts.RANDOM_LENGTH);
        o = (short) (o + 2 + Consts.RANDOM_LENGTH);
        io[o] = (byte) sidLen;
        Util.arrayCopyNonAtomic(p.sessionId, (short) 0, io, (short) (o + 1), sidLen);
        o = (short) (o + 1 + sidLen);
        if (!tls) {
            io[o] = (byte) cookieLen; // the cookie itself is already in place
            o = (short) (o + 1 + cookieLen);
        }
        Util.setShort(io, o, (short) 4);
        Util.setShort(io, (short) (o + 2), t.suite());
        Util.setShort(io, (short) (o + 4), Consts.SUITE_RENEGOTIATION_SCSV);
        io[(short) (o + 6)] = 1; // one compression method: null
        io[(short) (o + 7)] = 0;
        o = (short) (o + 8);
        if (cert) {
            Util.setShort(io, o, (short) 16);
            // signature_algorithms (13): list of one, rsa_pkcs1_sha256 (RFC 5246 §7.4.1.4.1)
            Util.setShort(io, (short) (o + 2), (short) 13);
            Util.setShort(io, (short) (o + 4), (short) 4);
            Util.setShort(io, (short) (o + 6), (short) 2);
            Util.setShort(io, (short) (o + 8), Consts.SIG_RSA_SHA256);
            // supported_groups (10): list of one, ffdhe2048 = 0x0100 (RFC 7919 §2)
            Util.setShort(io, (short) (o + 10), (short) 10);
            Util.setShort(io, (short) (o + 12), (short) 4);
            Util.setShort(io, (short) (o + 14), (short) 2);
            Util.setShort(io, (short) (o + 16), (short) 0x0100);
            o = (short) (o + 18);
        }
        k.transcript(io, msg, (short) (hh + bodyLen));
        return o;
    }

    /** Writes an unfragmented handshake header (DTLS: with the next client message_seq); returns the body offset. */
    private static short handshakeHeader(Transients t, short off, byte type, short bodyLen) {
        byte[] io = t.io;
        io[off] = type;
        io[(short) (off + 1)] = 0;
        Util.setShort(io, (short) (off + 2), bodyLen);
        if (t.tls()) {
            return (short) (off + Consts.TLS_HS_HEADER);
        }
        short seq = t.getShort(Consts.V_CLIENT_MSG_SEQ);
        Util.setShort(io, (short) (off + 4), seq);
        Util.arrayFillNonAtomic(io, (short) (off + 6), (short) 4, (byte) 0);
        Util.setShort(io, (short) (off + 10), bodyLen);
        t.setShort(Consts.V_CLIENT_MSG_SEQ, (short) (seq + 1));
        return (short) (off + Consts.HS_HEADER);
    }
}
