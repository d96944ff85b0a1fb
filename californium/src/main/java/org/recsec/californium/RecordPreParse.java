package org.recsec.californium;

import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.OptionNumbers;

/**
 * The transport guard's look at raw datagram bytes: walks the CoAP header and option headers (RFC 7252 §3, §3.1)
 * only as far as the Record-Security option ({@link CoapCodec#locateOption}) and reads its SPI, without allocating
 * and without throwing. Used to let plain CoAP through untouched and to drop a penalized source's records before
 * anything is decoded.
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
        long at = CoapCodec.locateOption(b, off, len, OptionNumbers.RECORD_SECURITY);
        if (at < 0) {
            return NONE;
        }
        int valueOff = (int) (at >>> 32);
        int valueLen = (int) at;
        if (valueLen > 4) {
            return MALFORMED;
        }
        long spi = 0;
        for (int k = 0; k < valueLen; k++) {
            spi = (spi << 8) | (b[valueOff + k] & 0xff);
        }
        return spi;
    }
}
