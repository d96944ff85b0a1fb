package org.recsec.record;

import org.recsec.record.coap.CoapMessage;

/**
 * What {@link RecordProtector#verifyRecord} found out about one protected message: the inbound SA that verified it,
 * the record's sequence number and, when the record could be opened without side effects, the opened inner message.
 * A transport guard that verified a datagram before the CoAP stack parsed it hands this value up with the datagram,
 * so the layer above accepts it with {@link RecordProtector#unprotectRequest(VerifiedRecord)} or
 * {@link RecordProtector#unprotectResponse(VerifiedRecord, ProtectedRequest)} instead of looking up the SA and
 * opening the record a second time.
 *
 * <p>Opaque and immutable: only {@link RecordProtector#verifyRecord} creates one, for the outer message it was
 * given, so nothing that was not verified can be accepted through it. It moves nothing by itself: the replay
 * window and the SA's usability are checked again when it is accepted (RFC 6347 §4.1.2.6), and a record is
 * accepted at most once however many copies of it were verified. No key material; {@link #toString} shows the SPI
 * and the sequence number only.
 */
public final class VerifiedRecord {
    private final CoapMessage outer;
    private final RecordOpener.Opened opened;
    private final ProtectedRequest answered;

    VerifiedRecord(CoapMessage outer, RecordOpener.Opened opened, ProtectedRequest answered) {
        this.outer = outer;
        this.opened = opened;
        this.answered = answered;
    }

    /** The request a response was verified against (its binding), null for a request or a response by SPI. */
    ProtectedRequest answered() {
        return answered;
    }

    /** The SPI of the inbound SA that verified the record (the Record-Security option's value). */
    public long spi() {
        return opened.sa().spi();
    }

    /**
     * True when the record was opened and its inner message checked, so accepting it needs no AEAD; false when the
     * SA's cipher keeps state of its own, or the record is a compact-profile response verified without its request
     * (see {@link RecordProtector#verify}): accepting it then opens the record as unprotect does.
     */
    public boolean isOpened() {
        return opened.message() != null;
    }

    CoapMessage outer() {
        return outer;
    }

    RecordOpener.Opened opened() {
        return opened;
    }

    @Override
    public String toString() {
        return "VerifiedRecord[spi=" + spi() + ", seq=" + opened.seq() + (isOpened() ? ", opened]" : "]");
    }
}
