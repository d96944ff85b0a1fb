package org.recsec.kmp.eap;

import java.util.Objects;

/**
 * One EAP packet (RFC 3748 §4): Code, Identifier, Length and, for Request and Response, Type and Type-Data.
 * Immutable; arrays are copied in and out.
 *
 * <p>Decoding follows RFC 3748 §4.1: octets after Length are link-layer padding and ignored; a Length shorter than
 * the header or longer than the bytes received is refused. Success and Failure have Length 4 exactly (§4.2).
 */
public final class EapPacket {
    public static final int CODE_REQUEST = 1;
    public static final int CODE_RESPONSE = 2;
    public static final int CODE_SUCCESS = 3;
    public static final int CODE_FAILURE = 4;
    public static final int TYPE_IDENTITY = 1;
    public static final int TYPE_NOTIFICATION = 2;
    public static final int TYPE_NAK = 3;
    public static final int TYPE_TLS = 13;
    /** The Length field is 16 bits. */
    public static final int MAX_LENGTH = 0xffff;

    private final int code;
    private final int identifier;
    private final int type;
    private final byte[] typeData;

    private EapPacket(int code, int identifier, int type, byte[] typeData) {
        this.code = code;
        this.identifier = identifier;
        this.type = type;
        this.typeData = typeData;
    }

    /** A Request or Response. @throws IllegalArgumentException for other codes or out-of-range fields */
    public static EapPacket of(int code, int identifier, int type, byte[] typeData) {
        if (code != CODE_REQUEST && code != CODE_RESPONSE) {
            throw new IllegalArgumentException("only Request and Response carry a type");
        }
        checkByte(identifier, "identifier");
        checkByte(type, "type");
        if (typeData.length > MAX_LENGTH - 5) {
            throw new IllegalArgumentException("EAP packet too long");
        }
        return new EapPacket(code, identifier, type, typeData.clone());
    }

    /** Success (code 3) or Failure (code 4). */
    public static EapPacket result(boolean success, int identifier) {
        checkByte(identifier, "identifier");
        return new EapPacket(success ? CODE_SUCCESS : CODE_FAILURE, identifier, -1, new byte[0]);
    }

    private static void checkByte(int v, String what) {
        if (v < 0 || v > 255) {
            throw new IllegalArgumentException(what + " must be 0..255");
        }
    }

    /**
     * Parses one EAP packet from {@code buf[off, off+len)}.
     *
     * @throws EapException {@code MALFORMED} for an unknown code, a Length below the header, above {@code len}, or
     *                      not 4 for Success/Failure
     */
    public static EapPacket decode(byte[] buf, int off, int len) throws EapException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < 4) {
            throw new EapException(EapException.Reason.MALFORMED, "EAP packet shorter than its header");
        }
        int code = buf[off] & 0xff;
        int id = buf[off + 1] & 0xff;
        int length = ((buf[off + 2] & 0xff) << 8) | (buf[off + 3] & 0xff);
        if (length > len) {
            throw new EapException(EapException.Reason.MALFORMED, "EAP Length beyond the bytes received");
        }
        switch (code) {
            case CODE_SUCCESS, CODE_FAILURE -> {
                if (length != 4) {
                    throw new EapException(EapException.Reason.MALFORMED, "EAP Success/Failure with data");
                }
                return new EapPacket(code, id, -1, new byte[0]);
            }
            case CODE_REQUEST, CODE_RESPONSE -> {
                if (length < 5) {
                    throw new EapException(EapException.Reason.MALFORMED, "EAP Request/Response without a type");
                }
                int type = buf[off + 4] & 0xff;
                byte[] data = new byte[length - 5];
                System.arraycopy(buf, off + 5, data, 0, data.length);
                return new EapPacket(code, id, type, data);
            }
            default -> throw new EapException(EapException.Reason.MALFORMED, "unknown EAP code " + code);
        }
    }

    /** {@link #decode(byte[], int, int)} of a whole array. */
    public static EapPacket decode(byte[] packet) throws EapException {
        return decode(packet, 0, packet.length);
    }

    public byte[] encode() {
        boolean typed = code == CODE_REQUEST || code == CODE_RESPONSE;
        int length = typed ? 5 + typeData.length : 4;
        byte[] out = new byte[length];
        out[0] = (byte) code;
        out[1] = (byte) identifier;
        out[2] = (byte) (length >>> 8);
        out[3] = (byte) length;
        if (typed) {
            out[4] = (byte) type;
            System.arraycopy(typeData, 0, out, 5, typeData.length);
        }
        return out;
    }

    public int code() {
        return code;
    }

    public int identifier() {
        return identifier;
    }

    /** The Type (Request/Response only). @throws IllegalStateException for Success and Failure */
    public int type() {
        if (type < 0) {
            throw new IllegalStateException("Success and Failure have no type");
        }
        return type;
    }

    /** A copy of the Type-Data (empty for Success and Failure). */
    public byte[] typeData() {
        return typeData.clone();
    }

    public boolean isRequest() {
        return code == CODE_REQUEST;
    }

    public boolean isResponse() {
        return code == CODE_RESPONSE;
    }

    @Override
    public String toString() {
        String c = switch (code) {
            case CODE_REQUEST -> "Request";
            case CODE_RESPONSE -> "Response";
            case CODE_SUCCESS -> "Success";
            default -> "Failure";
        };
        return "EAP-" + c + "[id=" + identifier + (type >= 0 ? ", type=" + type + ", " + typeData.length + " bytes"
                : "") + "]";
    }
}
