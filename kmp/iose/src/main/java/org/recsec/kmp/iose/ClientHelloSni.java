package org.recsec.kmp.iose;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the server name of a TLS ClientHello without terminating TLS (split mode, draft-urien-coinrg-iose §3): the
 * first record must hold the whole ClientHello (RFC 8446 §4.1.2, §5.1) and its server_name extension (RFC 6066 §3)
 * exactly one host_name that is a DNS name: ASCII letters, digits and hyphens in dot-separated labels of 1..63
 * bytes, no trailing dot, at most 253 bytes, not an IPv4 literal. Every length field must match exactly; anything
 * else is refused with the alert the grid sends.
 */
public final class ClientHelloSni {
    private static final int EXT_SERVER_NAME = 0;

    private ClientHelloSni() {
    }

    /**
     * The lower-cased host_name of the ClientHello in {@code record} (one whole TLS record, header included).
     *
     * @throws TlsAlertException decode_error for any malformed length or name, illegal_parameter for duplicate
     *     extensions or host names, missing_extension when there is no server_name, unexpected_message when the
     *     record is not a ClientHello
     */
    public static String serverName(byte[] record) throws TlsAlertException {
        Reader r = new Reader(record, 0, record.length);
        int type = r.u8();
        int major = r.u8();
        r.u8();
        int len = r.u16();
        if (type != 22) {
            throw new TlsAlertException(TlsAlertException.UNEXPECTED_MESSAGE, "first record is not a handshake");
        }
        if (major != 3 || len != r.remaining()) {
            throw decode("record header");
        }
        if (r.u8() != 1) {
            throw new TlsAlertException(TlsAlertException.UNEXPECTED_MESSAGE, "first message is not a ClientHello");
        }
        int hl = r.u24();
        if (hl != r.remaining()) {
            throw decode("ClientHello split over records or length mismatch");
        }
        r.skip(2 + 32);
        int sid = r.u8();
        if (sid > 32) {
            throw decode("legacy_session_id over 32 bytes");
        }
        r.skip(sid);
        int cs = r.u16();
        if (cs < 2 || (cs & 1) != 0) {
            throw decode("cipher_suites length");
        }
        r.skip(cs);
        int comp = r.u8();
        if (comp < 1) {
            throw decode("legacy_compression_methods empty");
        }
        r.skip(comp);
        if (r.remaining() == 0) {
            throw new TlsAlertException(TlsAlertException.MISSING_EXTENSION, "no extensions, no server_name");
        }
        int el = r.u16();
        if (el != r.remaining()) {
            throw decode("extensions length");
        }
        Set<Integer> seen = new HashSet<>();
        String name = null;
        while (r.remaining() > 0) {
            int t = r.u16();
            int l = r.u16();
            Reader e = r.sub(l);
            if (!seen.add(t)) {
                throw new TlsAlertException(TlsAlertException.ILLEGAL_PARAMETER, "duplicate extension " + t);
            }
            if (t == EXT_SERVER_NAME) {
                name = serverNameList(e);
            }
        }
        if (name == null) {
            throw new TlsAlertException(TlsAlertException.MISSING_EXTENSION, "no server_name");
        }
        return name;
    }

    private static String serverNameList(Reader e) throws TlsAlertException {
        int ll = e.u16();
        if (ll != e.remaining() || ll == 0) {
            throw decode("server_name_list length");
        }
        String host = null;
        while (e.remaining() > 0) {
            int nt = e.u8();
            int nl = e.u16();
            Reader n = e.sub(nl);
            if (nt != 0) {
                continue; // RFC 6066 §3 defines host_name only; other types are skipped
            }
            if (host != null) {
                throw new TlsAlertException(TlsAlertException.ILLEGAL_PARAMETER, "two host_name entries");
            }
            host = hostName(n.rest());
        }
        if (host == null) {
            throw decode("no host_name in server_name");
        }
        return host;
    }

    /** Checks an RFC 6066 HostName: a DNS name in ASCII, no trailing dot, no IP literal. */
    static String hostName(byte[] b) throws TlsAlertException {
        if (b.length == 0 || b.length > 253) {
            throw decode("host_name length");
        }
        int labelStart = 0;
        boolean allNumeric = true;
        int labels = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == '.') {
                int n = i - labelStart;
                if (n < 1 || n > 63) {
                    throw decode("empty or long label in host_name");
                }
                if (b[labelStart] == '-' || b[i - 1] == '-') {
                    throw decode("label starts or ends with a hyphen");
                }
                labels++;
                labelStart = i + 1;
                continue;
            }
            int c = b[i] & 0xFF;
            boolean digit = c >= '0' && c <= '9';
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!digit && !letter && c != '-') {
                throw decode("host_name character not a letter, digit, hyphen or dot");
            }
            allNumeric &= digit;
        }
        if (allNumeric && labels == 4) {
            throw decode("IPv4 literal in host_name");
        }
        return new String(b, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
    }

    private static TlsAlertException decode(String what) {
        return new TlsAlertException(TlsAlertException.DECODE_ERROR, what);
    }

    /** Bounds-checked big-endian reader; running past the end is a decode_error. */
    private static final class Reader {
        private final byte[] b;
        private int p;
        private final int end;

        Reader(byte[] b, int p, int end) {
            this.b = b;
            this.p = p;
            this.end = end;
        }

        int remaining() {
            return end - p;
        }

        private void need(int n) throws TlsAlertException {
            if (n < 0 || n > end - p) {
                throw decode("truncated");
            }
        }

        int u8() throws TlsAlertException {
            need(1);
            return b[p++] & 0xFF;
        }

        int u16() throws TlsAlertException {
            need(2);
            int v = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
            p += 2;
            return v;
        }

        int u24() throws TlsAlertException {
            need(3);
            int v = ((b[p] & 0xFF) << 16) | ((b[p + 1] & 0xFF) << 8) | (b[p + 2] & 0xFF);
            p += 3;
            return v;
        }

        void skip(int n) throws TlsAlertException {
            need(n);
            p += n;
        }

        Reader sub(int n) throws TlsAlertException {
            need(n);
            Reader r = new Reader(b, p, p + n);
            p += n;
            return r;
        }

        byte[] rest() {
            byte[] r = new byte[end - p];
            System.arraycopy(b, p, r, 0, r.length);
            p = end;
            return r;
        }
    }
}
