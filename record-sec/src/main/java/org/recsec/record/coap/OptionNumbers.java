package org.recsec.record.coap;

/**
 * CoAP option numbers (IANA "CoAP Option Numbers" registry) used by record-sec, and the number-encoded properties of
 * RFC 7252 §5.4.6.
 */
public final class OptionNumbers {
    /** RFC 7252 §5.10.8.1. */
    public static final int IF_MATCH = 1;
    /** RFC 7252 §5.10.1. */
    public static final int URI_HOST = 3;
    /** RFC 7252 §5.10.6. */
    public static final int ETAG = 4;
    /** RFC 7252 §5.10.8.2. */
    public static final int IF_NONE_MATCH = 5;
    /** RFC 7641 §2. */
    public static final int OBSERVE = 6;
    /** RFC 7252 §5.10.1. */
    public static final int URI_PORT = 7;
    /** RFC 7252 §5.10.7. */
    public static final int LOCATION_PATH = 8;
    /** RFC 8613 §2. */
    public static final int OSCORE = 9;
    /** RFC 7252 §5.10.1. */
    public static final int URI_PATH = 11;
    /** RFC 7252 §5.10.3. */
    public static final int CONTENT_FORMAT = 12;
    /** RFC 7252 §5.10.5. */
    public static final int MAX_AGE = 14;
    /** RFC 7252 §5.10.1. */
    public static final int URI_QUERY = 15;
    /** RFC 8768 §3. */
    public static final int HOP_LIMIT = 16;
    /** RFC 7252 §5.10.4. */
    public static final int ACCEPT = 17;
    /** RFC 9177 §4. */
    public static final int Q_BLOCK1 = 19;
    /** RFC 7252 §5.10.7. */
    public static final int LOCATION_QUERY = 20;
    /** RFC 9668 §3.1. */
    public static final int EDHOC = 21;
    /** RFC 7959 §2.1. */
    public static final int BLOCK2 = 23;
    /** RFC 7959 §2.1. */
    public static final int BLOCK1 = 27;
    /** RFC 7959 §4. */
    public static final int SIZE2 = 28;
    /** RFC 9177 §4. */
    public static final int Q_BLOCK2 = 31;
    /** RFC 7252 §5.10.2. */
    public static final int PROXY_URI = 35;
    /** RFC 7252 §5.10.2. */
    public static final int PROXY_SCHEME = 39;
    /** RFC 7252 §5.10.9. */
    public static final int SIZE1 = 60;
    /** RFC 9175 §2.2. */
    public static final int ECHO = 252;
    /** RFC 7967 §2. */
    public static final int NO_RESPONSE = 258;
    /** RFC 9175 §3.2. */
    public static final int REQUEST_TAG = 292;
    /**
     * recsec's Record-Security option (experimental-use range of RFC 7252 §12.2): critical, safe to forward, part of
     * the cache key. Value: the receiving SA's SPI, minimal big-endian, 0 to 4 bytes.
     */
    public static final int RECORD_SECURITY = 65001;
    /**
     * recsec's Request-Sequence option (experimental-use range): only ever inside the protected record. Value: the
     * uint {@code epoch << 48 | seq} of the request's record.
     */
    public static final int REQUEST_SEQUENCE = 65002;

    private OptionNumbers() {
    }

    /** RFC 7252 §5.4.6: an odd number is critical, an even one elective. */
    public static boolean isCritical(int number) {
        return (number & 0x01) != 0;
    }

    /** RFC 7252 §5.4.6: bit 1 set means unsafe to forward (a proxy that does not know it must not forward). */
    public static boolean isUnsafe(int number) {
        return (number & 0x02) != 0;
    }

    /**
     * RFC 7252 §5.4.6: {@code (number & 0x1e) == 0x1c} marks a safe-to-forward option that is not part of the cache
     * key. Only meaningful for safe-to-forward options; for unsafe ones the pattern cannot match anyway.
     */
    public static boolean isNoCacheKey(int number) {
        return (number & 0x1e) == 0x1c;
    }
}
