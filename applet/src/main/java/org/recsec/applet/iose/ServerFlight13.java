package org.recsec.applet.iose;

import javacard.framework.Util;
import javacard.security.MessageDigest;
import javacard.security.RandomData;

/**
 * The server side of the TLS 1.3 handshake for {@link Tls13Server} after a checked ClientHello: the PSK binder, the
 * key schedule (RFC 8446 §7.1) with the ffdhe2048 exchange, the transcript and the server flight ServerHello
 * [ChangeCipherSpec] {EncryptedExtensions Finished}.
 */
final class ServerFlight13 {

    private final IoseRam r;
    private final IoseStore store;
    private final Hkdf h;
    private final Ffdhe dh;
    private final RandomData random;
    private final Record13 records;
    /** Transcript digests: JavaCard 2.2.2 cannot clone a running digest, so three run in parallel. */
    private final MessageDigest d1;
    private final MessageDigest d2;
    private final MessageDigest d3;

    ServerFlight13(IoseRam r, IoseStore store, Hkdf h, Ffdhe dh, RandomData random, Record13 records) {
        this.r = r;
        this.store = store;
        this.h = h;
        this.dh = dh;
        this.random = random;
        this.records = records;
        d1 = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
        d2 = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
        d3 = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
    }

    /**
     * Answers a checked ClientHello (body length len at io[RECORD_HEADER]): verifies the PSK binder, then writes
     * ServerHello [ChangeCipherSpec] {EncryptedExtensions Finished} from io[OUT] and derives the handshake and
     * application traffic keys.
     */
    void answer(short len, short sidLen, short sidOff, short chosen, short pskIndex, short peerOff,
            boolean alpnExt, short binderOff, short truncEnd) {
        byte[] io = r.io;
        short q = IoseConsts.RECORD_HEADER;
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
        boolean binderOk = Tls13Server.equal(io, binderOff, sec, IoseConsts.S_CLIENT_FINISHED);
        Util.arrayFillNonAtomic(sec, IoseConsts.S_CLIENT_FINISHED, IoseConsts.HASH, (byte) 0);
        Tls13Server.need(binderOk, IoseConsts.ALERT_DECRYPT_ERROR);

        d1.reset();
        d2.reset();
        d3.reset();
        d1.update(io, q, len);
        d2.update(io, q, len);
        d3.update(io, q, len);

        // ServerHello (RFC 8446 §4.1.3)
        short o = Tls13Server.OUT;
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
        w = records.seal(rec, (short) (w - ee), IoseConsts.CT_HANDSHAKE);

        // master secret and application traffic secrets (RFC 8446 §7.1)
        h.deriveSecret(sec, IoseConsts.S_HS, Hkdf.DERIVED, Hkdf.EMPTY_HASH, (short) 0, sec, IoseConsts.S_TMP);
        Util.arrayFillNonAtomic(sec, IoseConsts.S_SECRET, IoseConsts.HASH, (byte) 0);
        h.extract(sec, IoseConsts.S_TMP, sec, IoseConsts.S_SECRET, IoseConsts.HASH, sec, IoseConsts.S_SECRET);
        h.deriveSecret(sec, IoseConsts.S_SECRET, Hkdf.C_AP, sec, IoseConsts.S_HASH, sec, IoseConsts.S_TMP);
        h.expandLabel(sec, IoseConsts.S_TMP, Hkdf.KEY, sec, (short) 0, (short) 0, sec, IoseConsts.S_PENDING_READ_KEY,
                (short) 16);
        h.expandLabel(sec, IoseConsts.S_TMP, Hkdf.IV, sec, (short) 0, (short) 0, sec, IoseConsts.S_PENDING_READ_IV,
                IoseConsts.NONCE);
        // exporter_master_secret = Derive-Secret(MS, "exp master", ClientHello..server Finished), kept in S_TMP
        // for RecordSa (S_HASH still holds that transcript hash; trafficKeys below overwrites it)
        h.deriveSecret(sec, IoseConsts.S_SECRET, Hkdf.EXP_MASTER, sec, IoseConsts.S_HASH, sec, IoseConsts.S_TMP);
        // the server application traffic secret replaces MS in place (its last use)
        h.deriveSecret(sec, IoseConsts.S_SECRET, Hkdf.S_AP, sec, IoseConsts.S_HASH, sec, IoseConsts.S_SECRET);
        trafficKeys(IoseConsts.S_SECRET, false);
        Util.arrayFillNonAtomic(sec, IoseConsts.S_SECRET, IoseConsts.HASH, (byte) 0);
        Util.arrayFillNonAtomic(sec, IoseConsts.S_HASH, IoseConsts.HASH, (byte) 0);
        r.setShort(IoseConsts.V_OUT_END, w);
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
}
