package org.recsec.kmp.ticket.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal CBOR encoder (RFC 8949) writing definite lengths and preferred (shortest) heads, the form
 * {@link CborReader} accepts. Used for the claims the issuer mints, COSE headers and the COSE
 * Enc_structure / MAC_structure / Sig_structure (RFC 9052 §5.3, §6.3, §4.4), and the HKDF info.
 */
public final class CborWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public CborWriter arrayHeader(int count) {
        return head(4, count);
    }

    public CborWriter mapHeader(int count) {
        return head(5, count);
    }

    public CborWriter tag(long tag) {
        return head(6, tag);
    }

    /** A signed integer as major type 0 or 1. */
    public CborWriter integer(long v) {
        return v >= 0 ? head(0, v) : head(1, -1 - v);
    }

    public CborWriter bytes(byte[] b) {
        head(2, b.length);
        out.write(b, 0, b.length);
        return this;
    }

    public CborWriter text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        head(3, b.length);
        out.write(b, 0, b.length);
        return this;
    }

    /** Already encoded CBOR, written as is. */
    public CborWriter raw(byte[] encoded) {
        out.write(encoded, 0, encoded.length);
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    private CborWriter head(int major, long arg) {
        int mt = major << 5;
        if (arg >= 0 && arg < 24) {
            out.write(mt | (int) arg);
        } else if (arg >= 0 && arg <= 0xff) {
            out.write(mt | 24);
            out.write((int) arg);
        } else if (arg >= 0 && arg <= 0xffff) {
            out.write(mt | 25);
            writeBe(arg, 2);
        } else if (arg >= 0 && arg <= 0xffffffffL) {
            out.write(mt | 26);
            writeBe(arg, 4);
        } else {
            out.write(mt | 27);
            writeBe(arg, 8);
        }
        return this;
    }

    private void writeBe(long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
