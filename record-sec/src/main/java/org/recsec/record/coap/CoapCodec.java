package org.recsec.record.coap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.recsec.record.base.RecSecException.Reason;
import org.recsec.record.base.RecSecException;
import org.recsec.record.internal.wire.Bytes;

/**
 * The CoAP message format of RFC 7252 §3 over UDP, and the option-list-plus-payload tail that the inner plaintext of
 * draft-garcia-core-app-layer-sec-with-dtls-record §3 reuses.
 *
 * <p>The decoder is strict: every message format error of RFC 7252 §3 and §4.1 is a {@link RecSecException} with
 * {@link Reason#MALFORMED}, and nothing else escapes it for any input. It allocates only in proportion to the bytes
 * it was given. Because the extended delta and length forms (13: one byte plus 13, 14: two bytes plus 269) are
 * offsets rather than alternative widths, every value has exactly one encoding, so {@code encode(decode(b))} gives
 * back {@code b} for every datagram {@code b} that decodes.
 */
public final class CoapCodec {
    /** RFC 7252 §3: the only version this format defines. */
    public static final int VERSION = 1;
    /** Ver, T, TKL, Code and Message ID. */
    public static final int HEADER_BYTES = 4;
    /** RFC 7252 §3: TKL values 9 to 15 are reserved. */
    public static final int MAX_TOKEN_BYTES = 8;
    public static final int PAYLOAD_MARKER = 0xff;

    private static final int NIBBLE_EXT8 = 13;
    private static final int NIBBLE_EXT16 = 14;
    private static final int NIBBLE_RESERVED = 15;
    private static final int EXT8_BASE = 13;
    private static final int EXT16_BASE = 269;
    private static final int MAX_OPTION_NUMBER = 0xffff;

    private CoapCodec() {
    }

    /** The option-list-plus-payload tail of a message or of an inner plaintext. Arrays are copied in and out. */
    public record Body(List<CoapOption> options, byte[] payload) {
        public Body {
            options = List.copyOf(options);
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Body other && other.options.equals(options) && Arrays.equals(other.payload, payload);
        }

        @Override
        public int hashCode() {
            return 31 * options.hashCode() + Arrays.hashCode(payload);
        }

        /** Option numbers and the payload size only: values and payload may be protected content. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("Body[options=");
            for (int i = 0; i < options.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(options.get(i).number());
            }
            return sb.append(" payload=").append(payload.length).append("B]").toString();
        }
    }

    /**
     * Decodes one CoAP datagram (RFC 7252 §3).
     *
     * @throws RecSecException {@link Reason#MALFORMED} for a message format error: fewer than 4 bytes, a version
     *     other than 1, TKL 9-15, a token or option running past the end, a reserved nibble 15 outside the payload
     *     marker, an option number past 65535, a payload marker with nothing after it, or an Empty message (code
     *     0.00) that is not exactly 4 bytes (§4.1)
     * @throws IndexOutOfBoundsException if {@code [off, off+len)} is not inside {@code b} (a caller bug)
     */
    public static CoapMessage decode(byte[] b, int off, int len) throws RecSecException {
        Bytes.checkRange(b, off, len);
        if (len < HEADER_BYTES) {
            throw malformed("shorter than the 4-byte header");
        }
        int first = b[off] & 0xff;
        int version = first >>> 6;
        int type = (first >>> 4) & 0x3;
        int tokenLength = first & 0xf;
        int code = b[off + 1] & 0xff;
        int messageId = Bytes.readUint16Be(b, off + 2);
        if (version != VERSION) {
            throw malformed("version " + version);
        }
        if (tokenLength > MAX_TOKEN_BYTES) {
            throw malformed("reserved token length " + tokenLength);
        }
        if (code == 0 && len != HEADER_BYTES) {
            throw malformed("empty message (0.00) with bytes after the message ID");
        }
        int end = off + len;
        int pos = off + HEADER_BYTES;
        if (tokenLength > end - pos) {
            throw malformed("token runs past the end");
        }
        byte[] token = Arrays.copyOfRange(b, pos, pos + tokenLength);
        pos += tokenLength;
        List<CoapOption> options = new ArrayList<>();
        int payloadStart = readOptions(b, pos, end, options);
        byte[] payload = Arrays.copyOfRange(b, payloadStart, end);
        // token, options and payload are fresh and the options ascend by construction (deltas are unsigned): the
        // message adopts them instead of copying and sorting them again
        return CoapMessage.adopt(version, type, code, messageId, token, options, payload);
    }

    /**
     * Encodes a message (RFC 7252 §3). Deterministic; the fields are written as they are, so a message that
     * {@link #decode} would refuse (another version, a 0.00 message with content) encodes but does not decode back.
     */
    public static byte[] encode(CoapMessage m) {
        List<CoapOption> options = m.options();
        int payloadLength = m.payloadLength();
        int size = HEADER_BYTES + m.tokenLength() + optionsSize(options)
                + (payloadLength == 0 ? 0 : 1 + payloadLength);
        byte[] out = new byte[size];
        out[0] = (byte) ((m.version() << 6) | (m.type() << 4) | m.tokenLength());
        out[1] = (byte) m.code();
        Bytes.writeUint16Be(out, 2, m.messageId());
        byte[] token = m.tokenNoCopy();
        System.arraycopy(token, 0, out, HEADER_BYTES, token.length);
        int pos = writeOptions(options, out, HEADER_BYTES + token.length);
        writePayload(m.payloadNoCopy(), out, pos);
        return out;
    }

    /**
     * Encodes options then, if the payload is not empty, {@code 0xFF} and the payload: the tail of the inner
     * plaintext (draft-garcia §3). Options are written in number order, repeated options in the order given; deltas
     * start from 0.
     */
    public static byte[] encodeBody(List<CoapOption> options, byte[] payload) {
        List<CoapOption> sorted = CoapOption.inNumberOrder(options);
        byte[] out = new byte[optionsSize(sorted) + (payload.length == 0 ? 0 : 1 + payload.length)];
        int pos = writeOptions(sorted, out, 0);
        writePayload(payload, out, pos);
        return out;
    }

    /**
     * Decodes what {@link #encodeBody} writes, with the option rules of {@link #decode}. An empty input is no
     * options and an empty payload.
     *
     * @throws RecSecException {@link Reason#MALFORMED} for a reserved nibble, an overrun, an option number past
     *     65535 or a payload marker with nothing after it
     */
    public static Body decodeBody(byte[] b, int off, int len) throws RecSecException {
        Bytes.checkRange(b, off, len);
        List<CoapOption> options = new ArrayList<>();
        int payloadStart = readOptions(b, off, off + len, options);
        return new Body(options, Arrays.copyOfRange(b, payloadStart, off + len));
    }

    /** Reads options from {@code [pos, end)} into {@code out}; returns where the payload starts ({@code end} if none). */
    static int readOptions(byte[] b, int pos, int end, List<CoapOption> out) throws RecSecException {
        int number = 0;
        while (pos < end) {
            int first = b[pos++] & 0xff;
            if (first == PAYLOAD_MARKER) {
                if (pos == end) {
                    throw malformed("payload marker followed by an empty payload");
                }
                return pos;
            }
            int deltaNibble = first >>> 4;
            int lengthNibble = first & 0xf;
            if (deltaNibble == NIBBLE_RESERVED) {
                throw malformed("reserved option delta 15");
            }
            if (lengthNibble == NIBBLE_RESERVED) {
                throw malformed("reserved option length 15");
            }
            long delta = field(deltaNibble, b, pos, end);
            if (delta < 0) {
                throw malformed("option delta runs past the end");
            }
            pos = (int) delta;
            long length = field(lengthNibble, b, pos, end);
            if (length < 0) {
                throw malformed("option length runs past the end");
            }
            pos = (int) length;
            number += (int) (delta >>> 32); // at most 65535 + 65804: no int overflow
            if (number > MAX_OPTION_NUMBER) {
                throw malformed("option number past 65535");
            }
            int valueLength = (int) (length >>> 32);
            if (valueLength > end - pos) { // checked before allocating: the length field is not trusted
                throw malformed("option value runs past the end");
            }
            out.add(CoapOption.ofOwnedValue(number, Arrays.copyOfRange(b, pos, pos + valueLength)));
            pos += valueLength;
        }
        return end;
    }

    /**
     * An option header's delta or length (RFC 7252 §3.1) from its 4-bit {@code nibble} (13 and 14: 1 or 2 extended
     * bytes at {@code b[pos]}; the caller refuses 15): {@code value << 32 | the position after the field}, or -1 when
     * the extended bytes run past {@code end}.
     */
    private static long field(int nibble, byte[] b, int pos, int end) {
        if (nibble < NIBBLE_EXT8) {
            return ((long) nibble << 32) | pos;
        }
        if (nibble == NIBBLE_EXT8) {
            return pos < end ? ((long) ((b[pos] & 0xff) + EXT8_BASE) << 32) | (pos + 1) : -1;
        }
        return end - pos >= 2 ? ((long) (Bytes.readUint16Be(b, pos) + EXT16_BASE) << 32) | (pos + 2) : -1;
    }

    static int optionsSize(List<CoapOption> options) {
        int size = 0;
        int previous = 0;
        for (CoapOption o : options) {
            size += 1 + extendedBytes(o.number() - previous) + extendedBytes(o.length()) + o.length();
            previous = o.number();
        }
        return size;
    }

    /** Writes options sorted by number; returns the position after them. */
    static int writeOptions(List<CoapOption> options, byte[] out, int pos) {
        int previous = 0;
        for (CoapOption o : options) {
            int delta = o.number() - previous;
            if (delta < 0) {
                throw new IllegalArgumentException("options not in number order");
            }
            int length = o.length();
            out[pos++] = (byte) ((nibble(delta) << 4) | nibble(length));
            pos = writeExtended(delta, out, pos);
            pos = writeExtended(length, out, pos);
            System.arraycopy(o.valueNoCopy(), 0, out, pos, length);
            pos += length;
            previous = o.number();
        }
        return pos;
    }

    static void writePayload(byte[] payload, byte[] out, int pos) {
        if (payload.length != 0) {
            out[pos] = (byte) PAYLOAD_MARKER;
            System.arraycopy(payload, 0, out, pos + 1, payload.length);
        }
    }

    private static int nibble(int v) {
        return v < EXT8_BASE ? v : v < EXT16_BASE ? NIBBLE_EXT8 : NIBBLE_EXT16;
    }

    private static int extendedBytes(int v) {
        return v < EXT8_BASE ? 0 : v < EXT16_BASE ? 1 : 2;
    }

    private static int writeExtended(int v, byte[] out, int pos) {
        if (v < EXT8_BASE) {
            return pos;
        }
        if (v < EXT16_BASE) {
            out[pos] = (byte) (v - EXT8_BASE);
            return pos + 1;
        }
        Bytes.writeUint16Be(out, pos, v - EXT16_BASE);
        return pos + 2;
    }

    private static RecSecException malformed(String why) {
        return new RecSecException(Reason.MALFORMED, "CoAP: " + why);
    }
}
