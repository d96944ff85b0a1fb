package org.recsec.kmp.eap.radius;

/**
 * One RADIUS attribute (RFC 2865 §5): Type, then Value of at most 253 bytes. The value array is not copied
 * (internal codec type; {@link RadiusPacket} copies at its public boundary).
 */
public record RadiusAttribute(int type, byte[] value) {
    public static final int MAX_VALUE_BYTES = 253;

    public RadiusAttribute {
        if (type < 1 || type > 255) {
            throw new IllegalArgumentException("attribute type must be 1..255");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("attribute value above 253 bytes");
        }
    }

    @Override
    public String toString() {
        // values may be keys (MPPE) or passwords: never shown
        return "RadiusAttribute[type=" + type + ", " + value.length + " bytes]";
    }
}
