package org.recsec.californium;

import org.recsec.record.coap.OptionNumbers;

/**
 * The transport guard's look at raw datagram bytes: walks the CoAP header and option headers (RFC 7252 §3, §3.1)
 * only as far as the Record-Security option and reads its SPI, without allocating and without throwing. Used to
 * let plain CoAP through untouched and to drop a penalized source's records before anything is decoded.
 */
final class RecordPreParse {
    /** No Record-Security option, or not a CoAP message whose options can be walked. */
    static final long NONE = -1;
    /** A Record-Security option longer than an SPI can be (4 bytes): a record, malformed. */
    static final long MALFORMED = -2;

    private RecordPreParse() {
    }

    /**
     * The SPI of the Record-Security option of the CoAP message in {@code b[off, off + len)}: {@link #NONE} when there
     * is no such option or the options cannot be walked up to it, {@link #MALFORMED} when its value is longer than
     * 4 bytes, otherwise the unsigned value (RFC 7252 §3.2 uint).
     */
    static long spi(byte[] b, int off, int len) {
        int end = off + len;
        if (len < 4 || off < 0 || end > b.length || (b[off] & 0xc0) != 0x40) {
            return NONE;
        }
        int tkl = b[off] & 0x0f;
        if (tkl > 8) {
            return NONE;
        }
        int i = off + 4 + tkl;
        int number = 0;
        while (i < end) {
            int h = b[i++] & 0xff;
            if (h == 0xff) {
                return NONE;
            }
            int delta = h >>> 4;
            int optLen = h & 0x0f;
            if (delta == 15 || optLen == 15) {
                return NONE;
            }
            if (delta == 13) {
                if (i >= end) {
                    return NONE;
                }
                delta = 13 + (b[i++] & 0xff);
            } else if (delta == 14) {
                if (i + 1 >= end) {
                    return NONE;
                }
                delta = 269 + (((b[i] & 0xff) << 8) | (b[i + 1] & 0xff));
                i += 2;
            }
            if (optLen == 13) {
                if (i >= end) {
                    return NONE;
                }
                optLen = 13 + (b[i++] & 0xff);
            } else if (optLen == 14) {
                if (i + 1 >= end) {
                    return NONE;
                }
                optLen = 269 + (((b[i] & 0xff) << 8) | (b[i + 1] & 0xff));
                i += 2;
            }
            number += delta;
            if (i + optLen > end) {
                return NONE;
            }
            if (number == OptionNumbers.RECORD_SECURITY) {
                if (optLen > 4) {
                    return MALFORMED;
                }
                long spi = 0;
                for (int k = 0; k < optLen; k++) {
                    spi = (spi << 8) | (b[i + k] & 0xff);
                }
                return spi;
            }
            if (number > OptionNumbers.RECORD_SECURITY) {
                return NONE;
            }
            i += optLen;
        }
        return NONE;
    }
}
