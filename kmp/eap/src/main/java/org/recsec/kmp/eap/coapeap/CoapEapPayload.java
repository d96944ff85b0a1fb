package org.recsec.kmp.eap.coapeap;

import java.io.ByteArrayOutputStream;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapPacket;

/**
 * The payload of a CoAP-EAP message (RFC 9820 §3, media type application/coap-eap, Content-Format
 * {@value #CONTENT_FORMAT}): one EAP packet, optionally followed by the CBOR map of CoAP-EAP information elements
 * (RFC 9820 §5). Of those this implementation sends and reads only Session-Lifetime (label 4, uint seconds); the
 * OSCORE elements (cipher suites, RID-C, RID-I) are not used because the UE and ApS protect with record SAs
 * derived from the EMSK instead. A map with any other content is refused.
 *
 * @param eap                    the EAP packet
 * @param sessionLifetimeSeconds Session-Lifetime, or -1 when absent
 */
public record CoapEapPayload(EapPacket eap, long sessionLifetimeSeconds) {
    /** The CoAP Content-Format of application/coap-eap (IANA CoAP Content-Formats registry, RFC 9820 §9). */
    public static final int CONTENT_FORMAT = 269;
    /** The Session-Lifetime information element label (RFC 9820 §5). */
    public static final int SESSION_LIFETIME = 4;

    public static CoapEapPayload of(EapPacket eap) {
        return new CoapEapPayload(eap, -1);
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(eap.encode());
        if (sessionLifetimeSeconds >= 0) {
            out.write(0xa1); // map of one pair
            out.write(SESSION_LIFETIME); // uint 4
            writeUint(out, sessionLifetimeSeconds);
        }
        return out.toByteArray();
    }

    private static void writeUint(ByteArrayOutputStream out, long v) {
        if (v < 24) {
            out.write((int) v);
        } else if (v < 0x100) {
            out.write(0x18);
            out.write((int) v);
        } else if (v < 0x10000) {
            out.write(0x19);
            out.write((int) (v >>> 8));
            out.write((int) v);
        } else {
            out.write(0x1a);
            for (int s = 24; s >= 0; s -= 8) {
                out.write((int) (v >>> s));
            }
        }
    }

    /**
     * Parses a CoAP-EAP payload.
     *
     * @throws EapException {@code MALFORMED} for a bad EAP packet, or trailing bytes that are not the map above
     */
    public static CoapEapPayload decode(byte[] payload) throws EapException {
        if (payload == null || payload.length < 4) {
            throw new EapException(EapException.Reason.MALFORMED, "CoAP-EAP payload without an EAP packet");
        }
        int eapLength = ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
        if (eapLength > payload.length) {
            throw new EapException(EapException.Reason.MALFORMED, "EAP Length beyond the CoAP-EAP payload");
        }
        EapPacket eap = EapPacket.decode(payload, 0, eapLength);
        if (eapLength == payload.length) {
            return new CoapEapPayload(eap, -1);
        }
        int pos = eapLength;
        if ((payload[pos++] & 0xff) != 0xa1 || pos >= payload.length || (payload[pos++] & 0xff) != SESSION_LIFETIME
                || pos >= payload.length) {
            throw new EapException(EapException.Reason.MALFORMED, "unsupported CoAP-EAP information");
        }
        int ib = payload[pos++] & 0xff;
        int extra = switch (ib) {
            case 0x18 -> 1;
            case 0x19 -> 2;
            case 0x1a -> 4;
            default -> ib < 24 ? 0 : -1;
        };
        if (extra < 0 || pos + extra != payload.length) {
            throw new EapException(EapException.Reason.MALFORMED, "bad Session-Lifetime");
        }
        long v = extra == 0 ? ib : 0;
        for (int i = 0; i < extra; i++) {
            v = (v << 8) | (payload[pos + i] & 0xff);
        }
        // only the shortest form (RFC 8949 §4.2.1), so every accepted payload has exactly one encoding
        if (extra == 1 && v < 24 || extra == 2 && v < 0x100 || extra == 4 && v < 0x10000) {
            throw new EapException(EapException.Reason.MALFORMED, "Session-Lifetime not in its shortest form");
        }
        return new CoapEapPayload(eap, v);
    }
}
