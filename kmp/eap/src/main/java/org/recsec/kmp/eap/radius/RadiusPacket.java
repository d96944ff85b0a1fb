package org.recsec.kmp.eap.radius;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.recsec.kmp.eap.EapException;

/**
 * A RADIUS packet (RFC 2865 §3): Code, Identifier, Length, Authenticator and attributes. Immutable.
 *
 * <p>Decoding follows §3: a packet shorter than its Length field is refused, octets after Length are ignored,
 * Length must be 20..4096, and the attributes must fill the packet exactly, each at least 2 bytes long (§5).
 * Signing and verification are in {@link RadiusAuth}.
 */
public final class RadiusPacket {
    public static final int ACCESS_REQUEST = 1;
    public static final int ACCESS_ACCEPT = 2;
    public static final int ACCESS_REJECT = 3;
    public static final int ACCESS_CHALLENGE = 11;

    public static final int ATTR_USER_NAME = 1;
    public static final int ATTR_NAS_IP_ADDRESS = 4;
    public static final int ATTR_SERVICE_TYPE = 6;
    public static final int ATTR_FRAMED_MTU = 12;
    public static final int ATTR_STATE = 24;
    public static final int ATTR_VENDOR_SPECIFIC = 26;
    public static final int ATTR_SESSION_TIMEOUT = 27;
    public static final int ATTR_CALLING_STATION_ID = 31;
    public static final int ATTR_NAS_IDENTIFIER = 32;
    /** RFC 3579 §3.1. */
    public static final int ATTR_EAP_MESSAGE = 79;
    /** RFC 3579 §3.2: HMAC-MD5 over the packet, 16 bytes. */
    public static final int ATTR_MESSAGE_AUTHENTICATOR = 80;

    /** EAP-Key-Name (attribute 102, defined by RFC 4072): the EAP Session-Id (RFC 5247). */
    public static final int ATTR_EAP_KEY_NAME = 102;

    public static final int HEADER_BYTES = 20;
    public static final int MAX_PACKET_BYTES = 4096;
    public static final int AUTHENTICATOR_BYTES = 16;

    private final int code;
    private final int identifier;
    private final byte[] authenticator;
    private final List<RadiusAttribute> attributes;

    /**
     * @throws IllegalArgumentException for fields out of range or attributes that do not fit in 4096 bytes
     */
    public RadiusPacket(int code, int identifier, byte[] authenticator, List<RadiusAttribute> attributes) {
        if (code < 1 || code > 255 || identifier < 0 || identifier > 255) {
            throw new IllegalArgumentException("code 1..255 and identifier 0..255");
        }
        if (authenticator.length != AUTHENTICATOR_BYTES) {
            throw new IllegalArgumentException("authenticator has 16 bytes");
        }
        this.code = code;
        this.identifier = identifier;
        this.authenticator = authenticator.clone();
        List<RadiusAttribute> copy = new ArrayList<>(attributes.size());
        int length = HEADER_BYTES;
        for (RadiusAttribute a : attributes) {
            copy.add(new RadiusAttribute(a.type(), a.value().clone()));
            length += 2 + a.value().length;
        }
        if (length > MAX_PACKET_BYTES) {
            throw new IllegalArgumentException("RADIUS packet above 4096 bytes");
        }
        this.attributes = List.copyOf(copy);
    }

    /**
     * Parses {@code buf[off, off+len)}.
     *
     * @throws EapException {@code MALFORMED} as described on the class
     */
    public static RadiusPacket decode(byte[] buf, int off, int len) throws EapException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < HEADER_BYTES) {
            throw malformed("RADIUS packet shorter than its header");
        }
        int length = ((buf[off + 2] & 0xff) << 8) | (buf[off + 3] & 0xff);
        if (length < HEADER_BYTES || length > MAX_PACKET_BYTES) {
            throw malformed("RADIUS Length outside 20..4096");
        }
        if (length > len) {
            throw malformed("RADIUS Length beyond the bytes received");
        }
        if ((buf[off] & 0xff) == 0) {
            throw malformed("RADIUS code 0");
        }
        byte[] auth = new byte[AUTHENTICATOR_BYTES];
        System.arraycopy(buf, off + 4, auth, 0, AUTHENTICATOR_BYTES);
        List<RadiusAttribute> attrs = new ArrayList<>();
        int pos = off + HEADER_BYTES;
        int end = off + length;
        while (pos < end) {
            if (end - pos < 2) {
                throw malformed("truncated RADIUS attribute header");
            }
            int type = buf[pos] & 0xff;
            int alen = buf[pos + 1] & 0xff;
            if (alen < 2 || alen > end - pos) {
                throw malformed("RADIUS attribute length out of range");
            }
            if (type == 0) {
                throw malformed("RADIUS attribute type 0");
            }
            byte[] value = new byte[alen - 2];
            System.arraycopy(buf, pos + 2, value, 0, value.length);
            attrs.add(new RadiusAttribute(type, value));
            pos += alen;
        }
        return new RadiusPacket(buf[off] & 0xff, buf[off + 1] & 0xff, auth, attrs);
    }

    public static RadiusPacket decode(byte[] packet) throws EapException {
        return decode(packet, 0, packet.length);
    }

    private static EapException malformed(String why) {
        return new EapException(EapException.Reason.MALFORMED, why);
    }

    /** The wire bytes, with the authenticator as it is in this packet (see {@link RadiusAuth} for signing). */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER_BYTES + 256);
        int length = HEADER_BYTES;
        for (RadiusAttribute a : attributes) {
            length += 2 + a.value().length;
        }
        out.write(code);
        out.write(identifier);
        out.write(length >>> 8);
        out.write(length);
        out.writeBytes(authenticator);
        for (RadiusAttribute a : attributes) {
            out.write(a.type());
            out.write(2 + a.value().length);
            out.writeBytes(a.value());
        }
        return out.toByteArray();
    }

    public int code() {
        return code;
    }

    public int identifier() {
        return identifier;
    }

    public byte[] authenticator() {
        return authenticator.clone();
    }

    /** The attributes in order (values are copies). */
    public List<RadiusAttribute> attributes() {
        List<RadiusAttribute> out = new ArrayList<>(attributes.size());
        for (RadiusAttribute a : attributes) {
            out.add(new RadiusAttribute(a.type(), a.value().clone()));
        }
        return out;
    }

    /** The value of the first attribute of {@code type} (a copy), empty when the packet has none. */
    public java.util.Optional<byte[]> first(int type) {
        for (RadiusAttribute a : attributes) {
            if (a.type() == type) {
                return java.util.Optional.of(a.value().clone());
            }
        }
        return java.util.Optional.empty();
    }

    /** How many attributes of {@code type} the packet has. */
    public int count(int type) {
        int n = 0;
        for (RadiusAttribute a : attributes) {
            if (a.type() == type) {
                n++;
            }
        }
        return n;
    }

    /**
     * The EAP packet carried in this packet's EAP-Message attributes, concatenated in order (RFC 3579 §3.1), empty
     * when there is none.
     */
    public java.util.Optional<byte[]> eapMessage() {
        ByteArrayOutputStream out = null;
        for (RadiusAttribute a : attributes) {
            if (a.type() == ATTR_EAP_MESSAGE) {
                if (out == null) {
                    out = new ByteArrayOutputStream();
                }
                out.writeBytes(a.value());
            }
        }
        return out == null ? java.util.Optional.empty() : java.util.Optional.of(out.toByteArray());
    }

    /** {@code eap} split into EAP-Message attributes of at most 253 bytes (RFC 3579 §3.1). */
    public static List<RadiusAttribute> eapMessageAttributes(byte[] eap) {
        List<RadiusAttribute> out = new ArrayList<>();
        for (int pos = 0; pos < eap.length; pos += RadiusAttribute.MAX_VALUE_BYTES) {
            int n = Math.min(RadiusAttribute.MAX_VALUE_BYTES, eap.length - pos);
            byte[] v = new byte[n];
            System.arraycopy(eap, pos, v, 0, n);
            out.add(new RadiusAttribute(ATTR_EAP_MESSAGE, v));
        }
        return out;
    }

    @Override
    public String toString() {
        return "RadiusPacket[code=" + code + ", id=" + identifier + ", " + attributes.size() + " attributes]";
    }
}
