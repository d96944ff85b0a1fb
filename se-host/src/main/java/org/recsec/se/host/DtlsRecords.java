package org.recsec.se.host;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** DTLS 1.2 record framing (RFC 6347 §4.1) as the bridge needs it: split datagrams, read header fields. */
public final class DtlsRecords {
    public static final int HEADER = 13;
    public static final int HS_HEADER = 12;
    public static final int CHANGE_CIPHER_SPEC = 20;
    public static final int ALERT = 21;
    public static final int HANDSHAKE = 22;
    public static final int APPLICATION_DATA = 23;

    private DtlsRecords() {
    }

    /**
     * The records of one datagram, in order. A datagram that ends inside a record keeps the whole records before
     * it (RFC 6347 §4.1.2.7: invalid records are silently discarded); records of a version other than DTLS 1.2 or 1.0 are dropped.
     */
    public static List<byte[]> split(byte[] d, int off, int len) {
        List<byte[]> out = new ArrayList<>();
        int o = off;
        int end = off + len;
        while (end - o >= HEADER) {
            int n = ((d[o + 11] & 0xff) << 8) | (d[o + 12] & 0xff);
            if (end - o - HEADER < n) {
                break;
            }
            // DTLS 1.2, or DTLS 1.0 as servers may label the HelloVerifyRequest (RFC 6347 §4.2.1)
            if ((d[o + 1] & 0xff) == 0xFE && ((d[o + 2] & 0xff) == 0xFD || (d[o + 2] & 0xff) == 0xFF)) {
                out.add(Arrays.copyOfRange(d, o, o + HEADER + n));
            }
            o += HEADER + n;
        }
        return out;
    }

    public static List<byte[]> split(byte[] d) {
        return split(d, 0, d.length);
    }

    public static int type(byte[] r) {
        return r[0] & 0xff;
    }

    public static int epoch(byte[] r) {
        return ((r[3] & 0xff) << 8) | (r[4] & 0xff);
    }

    public static long seq(byte[] r) {
        long s = 0;
        for (int i = 5; i < 11; i++) {
            s = (s << 8) | (r[i] & 0xff);
        }
        return s;
    }

    public static int uint24(byte[] b, int o) {
        return ((b[o] & 0xff) << 16) | ((b[o + 1] & 0xff) << 8) | (b[o + 2] & 0xff);
    }

    public static int uint16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }

    /** Concatenates records (the EAP payload of a batch, or a datagram). */
    public static byte[] concat(List<byte[]> records) {
        int n = 0;
        for (byte[] r : records) {
            n += r.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] r : records) {
            System.arraycopy(r, 0, out, o, r.length);
            o += r.length;
        }
        return out;
    }
}
