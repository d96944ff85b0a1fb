package org.recsec.kmp.eap.tls;

import org.recsec.kmp.eap.EapException;

/**
 * The Type-Data of an EAP-TLS Request or Response (RFC 5216 §3.1): Flags, the optional TLS Message Length and a
 * fragment of TLS records.
 * <pre>
 *   Flags: L (0x80) length included, M (0x40) more fragments, S (0x20) EAP-TLS start; the other bits are reserved
 *   TLS Message Length: uint32, present only with L, the total length of the TLS data being fragmented
 * </pre>
 *
 * @param flags         the Flags octet with the reserved bits as received
 * @param messageLength the TLS Message Length, or -1 without the L flag
 * @param data          the TLS data of this fragment (not copied: internal type)
 */
public record EapTlsFrame(int flags, long messageLength, byte[] data) {
    public static final int FLAG_L = 0x80;
    public static final int FLAG_M = 0x40;
    public static final int FLAG_S = 0x20;

    /** The frame of an empty Response, the peer's acknowledgement of a fragment (RFC 5216 §2.1.5). */
    public static EapTlsFrame ack() {
        return new EapTlsFrame(0, -1, new byte[0]);
    }

    public boolean lengthIncluded() {
        return (flags & FLAG_L) != 0;
    }

    public boolean moreFragments() {
        return (flags & FLAG_M) != 0;
    }

    public boolean start() {
        return (flags & FLAG_S) != 0;
    }

    /** True for an empty frame without L, M or S: an acknowledgement. */
    public boolean isAck() {
        return (flags & (FLAG_L | FLAG_M | FLAG_S)) == 0 && data.length == 0;
    }

    /**
     * Parses EAP-TLS Type-Data.
     *
     * @throws EapException {@code MALFORMED} for an empty Type-Data or the L flag without 4 length bytes
     */
    public static EapTlsFrame decode(byte[] typeData) throws EapException {
        if (typeData.length < 1) {
            throw new EapException(EapException.Reason.MALFORMED, "EAP-TLS without flags");
        }
        int flags = typeData[0] & 0xff;
        int pos = 1;
        long messageLength = -1;
        if ((flags & FLAG_L) != 0) {
            if (typeData.length < 5) {
                throw new EapException(EapException.Reason.MALFORMED, "EAP-TLS L flag without a length");
            }
            messageLength = ((long) (typeData[1] & 0xff) << 24) | ((typeData[2] & 0xff) << 16)
                    | ((typeData[3] & 0xff) << 8) | (typeData[4] & 0xff);
            pos = 5;
        }
        byte[] data = new byte[typeData.length - pos];
        System.arraycopy(typeData, pos, data, 0, data.length);
        return new EapTlsFrame(flags, messageLength, data);
    }

    /** The Type-Data bytes of this frame. */
    public byte[] encode() {
        boolean l = (flags & FLAG_L) != 0;
        byte[] out = new byte[1 + (l ? 4 : 0) + data.length];
        out[0] = (byte) flags;
        int pos = 1;
        if (l) {
            out[1] = (byte) (messageLength >>> 24);
            out[2] = (byte) (messageLength >>> 16);
            out[3] = (byte) (messageLength >>> 8);
            out[4] = (byte) messageLength;
            pos = 5;
        }
        System.arraycopy(data, 0, out, pos, data.length);
        return out;
    }
}
