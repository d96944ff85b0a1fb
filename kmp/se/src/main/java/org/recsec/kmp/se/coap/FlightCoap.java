package org.recsec.kmp.se.coap;

import java.util.List;

/** The names and numbers of the CoAP flight transport (see the package documentation). */
public final class FlightCoap {
    /** Uri-Path of the handshake resource: {@code /.well-known/recsec-hs} (not registered with IANA). */
    public static final List<String> RESOURCE = List.of(".well-known", "recsec-hs");
    /**
     * Content-Format of a flight, "application/x.recsec-dtls-flight": DTLS records, concatenated. From the
     * experimental range 65000-65535 of RFC 7252 §12.3.
     */
    public static final int CONTENT_FORMAT = 65100;
    /** The longest handshake id the server hands out and the client accepts. */
    public static final int MAX_ID_CHARS = 32;

    static final int CODE_POST = 0x02;
    static final int CREATED = 0x41;
    static final int CHANGED = 0x44;
    static final int CONTINUE = 0x5F;
    static final int BAD_REQUEST = 0x80;
    static final int NOT_FOUND = 0x84;
    static final int REQUEST_ENTITY_INCOMPLETE = 0x88;
    static final int REQUEST_ENTITY_TOO_LARGE = 0x8D;
    static final int UNSUPPORTED_CONTENT_FORMAT = 0x8F;
    static final int SERVICE_UNAVAILABLE = 0xA3;
    static final int GATEWAY_TIMEOUT = 0xA4;

    private FlightCoap() {
    }

    /** True for a handshake id as the server makes them: 1..32 of {@code A-Z a-z 0-9 - _}. */
    public static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** "2.04" for 0x44. */
    static String code(int code) {
        return (code >>> 5) + "." + String.format("%02d", code & 0x1f);
    }
}
