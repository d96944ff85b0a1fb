package org.recsec.applet.iose;

import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacard.security.MessageDigest;
import javacard.security.RSAPrivateKey;
import javacard.security.RSAPublicKey;
import javacardx.crypto.Cipher;

/**
 * The {@code shell} application of draft-urien-coinrg-iose §5: ASCII command lines ending in LF (CR before it is
 * dropped), each answered by one line ending in CRLF. Hex is upper or lower case in, upper case out.
 *
 * <pre>
 * s KK HEX      sign HEX (1..256 bytes) with key KK: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2) -> signature hex
 * p KK          public key KK as a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, RFC 8017 §A.1.1) -> hex
 * a HEX         attestation (§8.5): Sign(HS ‖ rnd) with key 00, rnd 16..64 bytes, HS this session's handshake secret
 * c OOOO        read the SE-App certificate from offset OOOO: up to 256 bytes -> hex (empty line at the end)
 * w OOOO HEX    write certificate bytes at offset OOOO (0 starts a new certificate, else OOOO = length so far) -> OK
 * n HEX         set a new PSK (16..64 bytes) for the next sessions (§8.5, PSK-User) -> OK
 * r CCCCCCCCSSSSSSSS  derive the record SA pair with these SPIs from this session's exporter ({@link RecordSa}) -> OK
 * e HEX         TLS-Exporter("EXPORTER-recsec record SA", HEX (0..64 bytes), 20) of this session -> hex: what the
 *               user's own TLS stack computes, so an independent client (OpenSSL -keymatexport) checks the card's
 * </pre>
 *
 * Errors are one line {@code E <word>}: syntax, key, range, full.
 */
final class Shell {

    /** The ALPN protocol name of the application (RFC 7301 §3.1). */
    static final byte[] ALPN = {'s', 'h', 'e', 'l', 'l'};
    private static final byte[] DIGEST_INFO = {
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
        0x04, 0x20};
    private static final byte[] SPKI_PREFIX = {
        0x30, (byte) 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
        0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, (byte) 0x82, 0x01, 0x0f, 0x00, 0x30, (byte) 0x82, 0x01, 0x0a, 0x02,
        (byte) 0x82, 0x01, 0x01, 0x00};
    private static final short SPKI_LEN = 294;
    private static final short SIG = 256;
    private static final short MAX_DATA = 256;
    private static final byte[] OK = {'O', 'K'};
    private static final byte[] E_SYNTAX = {'E', ' ', 's', 'y', 'n', 't', 'a', 'x'};
    private static final byte[] E_KEY = {'E', ' ', 'k', 'e', 'y'};
    private static final byte[] E_RANGE = {'E', ' ', 'r', 'a', 'n', 'g', 'e'};
    private static final byte[] E_FULL = {'E', ' ', 'f', 'u', 'l', 'l'};

    private final IoseRam r;
    private final IoseStore store;
    private final MessageDigest sha;
    private final Cipher rsa;
    private final RecordSa recordSa;

    Shell(IoseRam r, IoseStore store, MessageDigest sha, RecordSa recordSa) {
        this.r = r;
        this.store = store;
        this.sha = sha;
        this.recordSa = recordSa;
        rsa = Cipher.getInstance(Cipher.ALG_RSA_NOPAD, false);
    }

    /** Largest answer record: the public key line (588 hex + CRLF) plus content type and tag. */
    static final short MAX_ANSWER = (short) (2 * SPKI_LEN + 2 + 1 + IoseConsts.TAG);

    /**
     * Runs the line that starts at in[off] (up to its LF, or to end) and writes its answer at out[o..); room is the
     * space there. The answer length goes to vars[V_ANSWER_LEN] (0 for an empty line). Returns the offset after
     * the line. in and out must not overlap.
     */
    short line(byte[] in, short off, short end, byte[] out, short o, short room) {
        short lf = off;
        while (lf < end && in[lf] != '\n') {
            lf++;
        }
        short limit = (short) (o + room);
        short w = o;
        if (lf == end) {
            // a line without its LF: refused, the client must send whole lines in one record
            w = line(out, w, limit, E_SYNTAX);
            r.setShort(IoseConsts.V_ANSWER_LEN, (short) (w - o));
            return end;
        }
        short n = (short) (lf - off);
        if (n > 0 && in[(short) (lf - 1)] == '\r') {
            n--;
        }
        if (n > 0) {
            w = command(in, off, n, out, w, limit);
        }
        r.setShort(IoseConsts.V_ANSWER_LEN, (short) (w - o));
        return (short) (lf + 1);
    }

    private short command(byte[] in, short s, short n, byte[] out, short w, short limit) {
        byte c = in[s];
        short a = (short) (s + 1);
        short rest = (short) (n - 1);
        if (c == 's' || c == 'p') {
            short k = rest >= 2 ? hexByte(in, a) : -1;
            if (k < 0) {
                return line(out, w, limit, E_SYNTAX);
            }
            if (k >= IoseConsts.KEYS) {
                return line(out, w, limit, E_KEY);
            }
            if (c == 'p') {
                return rest == 2 ? publicKey((byte) k, out, w, limit) : line(out, w, limit, E_SYNTAX);
            }
            short dl = decode(in, (short) (a + 2), (short) (rest - 2));
            if (dl < 1 || dl > MAX_DATA) {
                return line(out, w, limit, dl == 0 || dl > MAX_DATA ? E_RANGE : E_SYNTAX);
            }
            if (!room(w, limit, (short) (2 * SIG))) {
                return line(out, w, limit, E_FULL);
            }
            sha.reset();
            sha.doFinal(in, (short) (a + 2), dl, r.sec, (short) (IoseConsts.S_SECRET + DIGEST_INFO.length));
            return sign((byte) k, out, w);
        }
        if (c == 'a') {
            short dl = decode(in, a, rest);
            if (dl < 0) {
                return line(out, w, limit, E_SYNTAX);
            }
            if (dl < 16 || dl > 64) {
                return line(out, w, limit, E_RANGE);
            }
            if (!room(w, limit, (short) (2 * SIG))) {
                return line(out, w, limit, E_FULL);
            }
            sha.reset();
            sha.update(r.sec, IoseConsts.S_HS, IoseConsts.HASH);
            sha.doFinal(in, a, dl, r.sec, (short) (IoseConsts.S_SECRET + DIGEST_INFO.length));
            return sign((byte) 0, out, w);
        }
        if (c == 'c') {
            short off = rest == 4 ? hexShort(in, a) : -1;
            if (off < 0) {
                return line(out, w, limit, E_SYNTAX);
            }
            if (off > store.certLength) {
                return line(out, w, limit, E_RANGE);
            }
            short m = (short) (store.certLength - off);
            if (m > MAX_DATA) {
                m = MAX_DATA;
            }
            if (!room(w, limit, (short) (2 * m))) {
                return line(out, w, limit, E_FULL);
            }
            Util.arrayCopyNonAtomic(store.cert, off, out, (short) (w + m), m);
            return crlf(out, hex(out, (short) (w + m), m, w));
        }
        if (c == 'w') {
            short off = rest >= 4 ? hexShort(in, a) : -1;
            short dl = off < 0 ? -1 : decode(in, (short) (a + 4), (short) (rest - 4));
            if (dl < 0) {
                return line(out, w, limit, E_SYNTAX);
            }
            if (dl > MAX_DATA || (off != 0 && off != store.certLength)
                    || (short) (off + dl) > IoseConsts.MAX_CERT) {
                return line(out, w, limit, E_RANGE);
            }
            JCSystem.beginTransaction();
            Util.arrayCopy(in, (short) (a + 4), store.cert, off, dl);
            store.certLength = (short) (off + dl);
            JCSystem.commitTransaction();
            return line(out, w, limit, OK);
        }
        if (c == 'n') {
            short dl = decode(in, a, rest);
            if (dl < 0) {
                return line(out, w, limit, E_SYNTAX);
            }
            if (dl < IoseConsts.MIN_PSK || dl > IoseConsts.MAX_PSK) {
                return line(out, w, limit, E_RANGE);
            }
            store.setPsk(in, a, dl);
            Util.arrayFillNonAtomic(in, a, rest, (byte) 0);
            return line(out, w, limit, OK);
        }
        if (c == 'e') {
            short dl = decode(in, a, rest);
            if (dl < 0) {
                return line(out, w, limit, E_SYNTAX);
            }
            if (dl > 64) {
                return line(out, w, limit, E_RANGE);
            }
            if (!room(w, limit, (short) 40)) {
                return line(out, w, limit, E_FULL);
            }
            recordSa.export(in, a, dl);
            Util.arrayCopyNonAtomic(r.sec, IoseConsts.S_SECRET, out, (short) (w + 20), (short) 20);
            Util.arrayFillNonAtomic(r.sec, IoseConsts.S_SECRET, IoseConsts.HASH, (byte) 0);
            return crlf(out, hex(out, (short) (w + 20), (short) 20, w));
        }
        if (c == 'r') {
            short dl = decode(in, a, rest);
            if (dl < 0) {
                return line(out, w, limit, E_SYNTAX);
            }
            if (dl != 8 || !recordSa.derive(in, a)) {
                return line(out, w, limit, E_RANGE);
            }
            return line(out, w, limit, OK);
        }
        return line(out, w, limit, E_SYNTAX);
    }

    private static boolean room(short w, short limit, short n) {
        return (short) (limit - w) >= (short) (n + 2);
    }

    /**
     * RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.1, EMSA-PKCS1-v1_5 §9.2): EM = 00 01 FF.. 00 DigestInfo(SHA-256, hash) built
     * here, then the raw RSA private operation (ALG_RSA_NOPAD; jcardsim 2.2.2's ALG_RSA_PKCS1 pads the whole input
     * buffer instead of the bytes given). The hash is at sec[S_SECRET + 19].
     */
    private short sign(byte k, byte[] out, short w) {
        byte[] sec = r.sec;
        short di = IoseConsts.S_SECRET;
        Util.arrayCopyNonAtomic(DIGEST_INFO, (short) 0, sec, di, (short) DIGEST_INFO.length);
        short em = (short) (w + SIG);
        short t = (short) (DIGEST_INFO.length + IoseConsts.HASH);
        out[em] = 0;
        out[(short) (em + 1)] = 1;
        Util.arrayFillNonAtomic(out, (short) (em + 2), (short) (SIG - 3 - t), (byte) 0xFF);
        out[(short) (em + SIG - t - 1)] = 0;
        Util.arrayCopyNonAtomic(sec, di, out, (short) (em + SIG - t), t);
        Util.arrayFillNonAtomic(sec, di, t, (byte) 0);
        rsa.init((RSAPrivateKey) store.keys[k].getPrivate(), Cipher.MODE_DECRYPT);
        short len = rsa.doFinal(out, em, SIG, out, em);
        if (len < SIG) {
            Util.arrayCopyNonAtomic(out, em, out, (short) (em + SIG - len), len);
            Util.arrayFillNonAtomic(out, em, (short) (SIG - len), (byte) 0);
        }
        return crlf(out, hex(out, em, SIG, w));
    }

    private short publicKey(byte k, byte[] out, short w, short limit) {
        if (!room(w, limit, (short) (2 * SPKI_LEN))) {
            return line(out, w, limit, E_FULL);
        }
        RSAPublicKey pub = (RSAPublicKey) store.keys[k].getPublic();
        short b = (short) (w + SPKI_LEN);
        short p = Util.arrayCopyNonAtomic(SPKI_PREFIX, (short) 0, out, b, (short) SPKI_PREFIX.length);
        short ml = unsigned(out, p, pub.getModulus(out, p));
        if (ml != 256) {
            return line(out, w, limit, E_KEY);
        }
        p = (short) (p + ml);
        out[p] = 0x02;
        short el = unsigned(out, (short) (p + 2), pub.getExponent(out, (short) (p + 2)));
        if (el != 3) {
            return line(out, w, limit, E_KEY);
        }
        out[(short) (p + 1)] = 3;
        return crlf(out, hex(out, b, SPKI_LEN, w));
    }

    /** Drops leading zero bytes of the number at b[off..+n) (a key component may come with a sign byte). */
    private static short unsigned(byte[] b, short off, short n) {
        short z = 0;
        while (z < (short) (n - 1) && b[(short) (off + z)] == 0) {
            z++;
        }
        if (z > 0) {
            Util.arrayCopyNonAtomic(b, (short) (off + z), b, off, (short) (n - z));
        }
        return (short) (n - z);
    }

    private static short line(byte[] out, short w, short limit, byte[] text) {
        if ((short) (limit - w) < (short) (text.length + 2)) {
            return w;
        }
        return crlf(out, Util.arrayCopyNonAtomic(text, (short) 0, out, w, (short) text.length));
    }

    private static short crlf(byte[] out, short w) {
        out[w] = '\r';
        out[(short) (w + 1)] = '\n';
        return (short) (w + 2);
    }

    /**
     * Writes b[from..+n) as upper-case hex at out[to..+2n); from may equal to + n (expansion in place, front to
     * back: each byte is read before its position is overwritten). Returns the end.
     */
    static short hex(byte[] b, short from, short n, short to) {
        for (short i = 0; i < n; i++) {
            byte v = b[(short) (from + i)];
            b[(short) (to + 2 * i)] = digit((short) ((v >> 4) & 0x0F));
            b[(short) (to + 2 * i + 1)] = digit((short) (v & 0x0F));
        }
        return (short) (to + 2 * n);
    }

    private static byte digit(short v) {
        return (byte) (v < 10 ? '0' + v : 'A' + v - 10);
    }

    static short nibble(byte c) {
        if (c >= '0' && c <= '9') {
            return (short) (c - '0');
        }
        if (c >= 'A' && c <= 'F') {
            return (short) (c - 'A' + 10);
        }
        if (c >= 'a' && c <= 'f') {
            return (short) (c - 'a' + 10);
        }
        return -1;
    }

    static short hexByte(byte[] b, short off) {
        short h = nibble(b[off]);
        short l = nibble(b[(short) (off + 1)]);
        return h < 0 || l < 0 ? -1 : (short) ((h << 4) | l);
    }

    private static short hexShort(byte[] b, short off) {
        short h = hexByte(b, off);
        short l = hexByte(b, (short) (off + 2));
        return h < 0 || l < 0 || h > 0x7F ? -1 : (short) ((h << 8) | l);
    }

    /** Decodes the hex at b[off..+n) in place to b[off..+n/2); -1 if n is odd or a digit is not hex. */
    static short decode(byte[] b, short off, short n) {
        if (n < 0 || (n & 1) != 0) {
            return -1;
        }
        short m = (short) (n / 2);
        for (short i = 0; i < m; i++) {
            short v = hexByte(b, (short) (off + 2 * i));
            if (v < 0) {
                return -1;
            }
            b[(short) (off + i)] = (byte) v;
        }
        return m;
    }
}
