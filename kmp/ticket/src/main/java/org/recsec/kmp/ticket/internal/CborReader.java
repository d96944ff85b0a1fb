package org.recsec.kmp.ticket.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.record.internal.wire.Bytes;

/**
 * A strict, bounded CBOR (RFC 8949) decoder for tickets and COSE structures. The rules (TICKETS.md, "CBOR rules"):
 * <ul>
 *   <li>definite lengths only: indefinite-length strings, arrays and maps are refused everywhere (tickets are
 *       small and made by encoders we know; RFC 9052 §9 does not require accepting them);</li>
 *   <li>preferred serialization of integers and lengths (shortest head), so equal values have equal bytes;</li>
 *   <li>integers outside the signed 64-bit range, simple values other than false/true/null/undefined, the reserved
 *       additional-information values 28-30 and the break code are refused;</li>
 *   <li>map keys are integers or text strings (RFC 9052 labels, CWT claim keys) and never repeat;</li>
 *   <li>text strings must be valid UTF-8;</li>
 *   <li>nesting (arrays, maps and tags) at most {@link #MAX_DEPTH} deep;</li>
 *   <li>every length and element count is checked against the bytes left before anything is allocated, so memory
 *       stays proportional to the input;</li>
 *   <li>exactly one item: trailing bytes are refused.</li>
 * </ul>
 * Every refusal is a {@link TicketException} with reason {@code MALFORMED_CBOR}.
 */
public final class CborReader {
    /** Maximum nesting of arrays, maps and tags. Tickets need 2 (tag, COSE array; claims map, cnf, COSE_Key). */
    public static final int MAX_DEPTH = 16;

    private final byte[] in;
    private final int end;
    private int pos;

    private CborReader(byte[] in, int off, int len) {
        this.in = in;
        this.pos = off;
        this.end = off + len;
    }

    /** Decodes exactly one item from the whole of {@code in}. */
    public static CborValue decode(byte[] in) throws TicketException {
        return decode(in, 0, in.length);
    }

    /** Decodes exactly one item from {@code in[off, off+len)}; trailing bytes are refused. */
    public static CborValue decode(byte[] in, int off, int len) throws TicketException {
        Bytes.checkRange(in, off, len);
        CborReader r = new CborReader(in, off, len);
        CborValue v = r.item(0);
        if (r.pos != r.end) {
            throw malformed("trailing bytes after the CBOR item");
        }
        return v;
    }

    private CborValue item(int depth) throws TicketException {
        if (depth > MAX_DEPTH) {
            throw malformed("nesting deeper than " + MAX_DEPTH);
        }
        int initial = readByte();
        int major = initial >>> 5;
        int ai = initial & 0x1f;
        if (major == 7) {
            return simpleOrFloat(ai);
        }
        long arg = argument(ai);
        switch (major) {
            case 0:
                if (arg < 0) {
                    throw malformed("unsigned integer beyond 2^63-1");
                }
                return new CborValue.Int(arg);
            case 1:
                if (arg < 0) {
                    throw malformed("negative integer below -2^63");
                }
                return new CborValue.Int(-1 - arg);
            case 2:
                return new CborValue.Bytes(take(arg));
            case 3:
                return new CborValue.Text(utf8(take(arg)));
            case 4:
                return array(arg, depth);
            case 5:
                return map(arg, depth);
            default: // 6
                if (arg < 0) {
                    throw malformed("tag number beyond 2^63-1");
                }
                return new CborValue.Tag(arg, item(depth + 1));
        }
    }

    private CborValue array(long count, int depth) throws TicketException {
        // each element needs at least one byte: refuse counts the input cannot back before allocating
        if (count < 0 || count > end - pos) {
            throw malformed("array count exceeds the input");
        }
        List<CborValue> items = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            items.add(item(depth + 1));
        }
        return new CborValue.Array(List.copyOf(items));
    }

    private CborValue map(long count, int depth) throws TicketException {
        if (count < 0 || count > (end - pos) / 2) {
            throw malformed("map count exceeds the input");
        }
        List<CborValue.Entry> entries = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            CborValue key = item(depth + 1);
            if (!(key instanceof CborValue.Int) && !(key instanceof CborValue.Text)) {
                throw malformed("map key is neither an integer nor a text string");
            }
            for (CborValue.Entry e : entries) {
                if (e.key().equals(key)) { // Int and Text are value records: equals compares values
                    throw malformed("duplicate map key");
                }
            }
            entries.add(new CborValue.Entry(key, item(depth + 1)));
        }
        return new CborValue.Map(List.copyOf(entries));
    }

    private CborValue simpleOrFloat(int ai) throws TicketException {
        if (ai >= 20 && ai <= 23) {
            return new CborValue.Simple(ai);
        }
        switch (ai) {
            case 25:
                return new CborValue.Float(halfToDouble((int) readUint(2)));
            case 26:
                return new CborValue.Float(java.lang.Float.intBitsToFloat((int) readUint(4)));
            case 27:
                return new CborValue.Float(Double.longBitsToDouble(readUint(8)));
            default:
                throw malformed("unsupported simple value or break code");
        }
    }

    /** The head's argument; refuses indefinite lengths, reserved values and non-shortest encodings. */
    private long argument(int ai) throws TicketException {
        if (ai < 24) {
            return ai;
        }
        long v;
        long min;
        switch (ai) {
            case 24:
                v = readUint(1);
                min = 24;
                break;
            case 25:
                v = readUint(2);
                min = 0x100;
                break;
            case 26:
                v = readUint(4);
                min = 0x10000;
                break;
            case 27:
                v = readUint(8);
                min = 0x100000000L;
                break;
            case 31:
                throw malformed("indefinite length");
            default:
                throw malformed("reserved additional information " + ai);
        }
        // unsigned compare: a 64-bit argument above 2^63-1 is negative here and certainly not too small
        if (Long.compareUnsigned(v, min) < 0) {
            throw malformed("non-shortest integer or length encoding");
        }
        return v;
    }

    private int readByte() throws TicketException {
        if (pos >= end) {
            throw malformed("truncated");
        }
        return in[pos++] & 0xff;
    }

    private long readUint(int n) throws TicketException {
        if (end - pos < n) {
            throw malformed("truncated");
        }
        long v = Bytes.uintBe(in, pos, n);
        pos += n;
        return v;
    }

    private byte[] take(long len) throws TicketException {
        if (len < 0 || len > end - pos) {
            throw malformed("string length exceeds the input");
        }
        byte[] out = Arrays.copyOfRange(in, pos, pos + (int) len);
        pos += (int) len;
        return out;
    }

    private static String utf8(byte[] b) throws TicketException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw malformed("text string is not valid UTF-8");
        }
    }

    /** IEEE 754 binary16 to double (RFC 8949 Appendix D). */
    private static double halfToDouble(int half) {
        int exp = (half >> 10) & 0x1f;
        int mant = half & 0x3ff;
        double val;
        if (exp == 0) {
            val = Math.scalb((double) mant, -24);
        } else if (exp != 31) {
            val = Math.scalb((double) (mant + 1024), exp - 25);
        } else {
            val = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        }
        return (half & 0x8000) != 0 ? -val : val;
    }

    private static TicketException malformed(String why) {
        return new TicketException(TicketException.Reason.MALFORMED_CBOR, why);
    }
}
