package org.recsec.record.coap;


import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.recsec.record.base.RecSecException;
import org.recsec.record.internal.crypto.CompactRecordCipher;
import org.recsec.record.internal.crypto.Dtls12CidRecordCipher;
import org.recsec.record.spi.OutboundSa;
import org.recsec.record.spi.RecordCipher;

/**
 * The inner plaintext of draft-garcia-core-app-layer-sec-with-dtls-record §3 (Figure 1) and the messages around
 * it: {@code 000000VV ‖ code ‖ Class E options ‖ [0xFF ‖ payload]}. The compact profile leaves the first byte out
 * ({@code code ‖ Class E options ‖ [0xFF ‖ payload]}): its CoAP version is the outer header's. Only version 1 exists
 * and a message of any other is refused before it reaches a record (RFC 7252 §3, {@link CoapCodec#decode}), so an
 * inner copy would authenticate nothing a receiver could act on, and on the links the profile is for every byte
 * counts (docs/profiles.md, "Overhead").
 *
 * <p>This is the hot path of protect/unprotect, so payloads are not copied on the way: sealing reads the plain
 * message's payload where it lies and streams it through the AEAD after the inner header and options, and the
 * resulting messages take their arrays over (CoapMessage never hands out or changes its arrays, so sharing them
 * between two messages is safe).
 */
public final class InnerPlaintext {
    /** The inner header: {@code 000000VV} and the code. */
    public static final int HEADER_BYTES = 2;
    /** The compact profile's inner header: the code alone. */
    public static final int COMPACT_HEADER_BYTES = 1;

    private InnerPlaintext() {
    }

    /**
     * A record sealed by {@link #seal}.
     *
     * @param record the whole record
     * @param seq    the sequence number {@code sa} reserved for it
     */
    public record Sealed(byte[] record, long seq) {
    }

    /**
     * Seals the inner plaintext of {@code plain} with {@code innerOptions} (in any order; written in number order)
     * as one record under the next sequence number {@code sa} reserves (never one the caller chooses): the inner
     * header, options and payload marker as the head, the payload, read where it lies, as the body.
     */
    public static Sealed seal(CoapMessage plain, List<CoapOption> innerOptions, OutboundSa sa, int contentType)
            throws RecSecException {
        return seal(plain, innerOptions, sa, contentType, null);
    }

    /**
     * As {@link #seal(CoapMessage, List, OutboundSa, int)}; a compact-profile SA also authenticates
     * {@code bindingAad} (not sent) after the record header, the other profiles ignore it.
     */
    public static Sealed seal(CoapMessage plain, List<CoapOption> innerOptions, OutboundSa sa, int contentType,
                              byte[] bindingAad) throws RecSecException {
        List<CoapOption> sorted = CoapOption.inNumberOrder(innerOptions); // only read here
        byte[] payload = plain.payloadNoCopy();
        RecordCipher cipher = sa.cipher();
        int headerBytes = cipher instanceof CompactRecordCipher ? COMPACT_HEADER_BYTES : HEADER_BYTES;
        byte[] head = new byte[headerBytes + CoapCodec.optionsSize(sorted) + (payload.length == 0 ? 0 : 1)];
        if (headerBytes == HEADER_BYTES) {
            head[0] = (byte) (plain.version() & 0x03);
        }
        head[headerBytes - 1] = (byte) plain.code();
        int pos = CoapCodec.writeOptions(sorted, head, headerBytes);
        if (payload.length != 0) {
            head[pos] = (byte) CoapCodec.PAYLOAD_MARKER;
        }
        long seq = sa.reserveSequence();
        if (cipher instanceof CompactRecordCipher compact) {
            return new Sealed(compact.seal(contentType, sa.epoch(), seq, bindingAad, head, 0, head.length, payload,
                    0, payload.length), seq);
        }
        return new Sealed(cipher.seal(contentType, sa.epoch(), seq, head, 0, head.length, payload, 0,
                payload.length), seq);
    }

    /**
     * The outer message: the plain message's version, type, message ID and token, {@code outerCode},
     * {@code outerOptions} and the record as payload. The record array is taken over, not copied: pass a fresh
     * array that nobody else holds.
     */
    public static CoapMessage outerMessage(CoapMessage plain, int outerCode, List<CoapOption> outerOptions,
                                           byte[] record) {
        return CoapMessage.adopt(plain.version(), plain.type(), outerCode, plain.messageId(), plain.tokenNoCopy(),
                CoapOption.sortedCopy(outerOptions), record);
    }

    /** The header of the record an outer message carries, read in place. */
    public static org.recsec.record.internal.crypto.RecordHeader recordHeader(CoapMessage outer) throws RecSecException {
        byte[] record = outer.payloadNoCopy();
        return org.recsec.record.internal.crypto.RecordHeader.parse(record, 0, record.length);
    }

    /** The header of the compact-profile record an outer message carries, read in place (RFC 9147 §4.2.2/4.2.3). */
    public static CompactRecordCipher.Header compactHeader(CoapMessage outer, CompactRecordCipher cipher,
                                                           long expectedNext) throws RecSecException {
        byte[] record = outer.payloadNoCopy();
        return cipher.readHeader(record, 0, record.length, expectedNext);
    }

    /** Opens the compact-profile record an outer message carries, in place, with {@code bindingAad} (or null). */
    public static CompactRecordCipher.Opened openCompact(CoapMessage outer, CompactRecordCipher cipher,
                                                         CompactRecordCipher.Header header, byte[] bindingAad)
            throws RecSecException {
        byte[] record = outer.payloadNoCopy();
        return cipher.open(record, 0, record.length, header, bindingAad);
    }

    /** The header of the dtls12-cid record an outer message carries, read in place (RFC 9146 §4). */
    public static Dtls12CidRecordCipher.Header cidHeader(CoapMessage outer, Dtls12CidRecordCipher cipher)
            throws RecSecException {
        byte[] record = outer.payloadNoCopy();
        return cipher.readHeader(record, 0, record.length);
    }

    /** Opens the dtls12-cid record an outer message carries, in place: its real content type and content. */
    public static Dtls12CidRecordCipher.Opened openCid(CoapMessage outer, Dtls12CidRecordCipher cipher)
            throws RecSecException {
        byte[] record = outer.payloadNoCopy();
        return cipher.openInner(record, 0, record.length);
    }

    /**
     * Opens the record an outer message carries with {@code cipher}, reading it in place (a record cipher never
     * writes into the record it opens), and returns the inner plaintext.
     */
    public static byte[] openRecord(CoapMessage outer, RecordCipher cipher) throws RecSecException {
        byte[] record = outer.payloadNoCopy();
        return cipher.open(record, 0, record.length);
    }

    /** An inner plaintext read back: the message the application sees, and whether Observe was inside. */
    public record Decoded(CoapMessage message, boolean innerObserve) {
    }

    /**
     * Reads {@code pt[off, off+len)} into the message the application sees: the outer message's type, message ID
     * and token; the inner version and code; {@code outerOptions} (Class U, in number order) merged with the inner
     * options; the inner payload.
     *
     * @param compact whether the plaintext is the compact profile's, without the {@code 000000VV} byte (the version
     *                is then the outer one)
     * @throws RecSecException MALFORMED for a bad inner header, a version other than the outer one, bad option
     *                         encoding or a Class U option inside
     */
    public static Decoded decode(byte[] pt, int off, int len, CoapMessage outer, List<CoapOption> outerOptions,
                                 boolean compact) throws RecSecException {
        int headerBytes = compact ? COMPACT_HEADER_BYTES : HEADER_BYTES;
        if (len < headerBytes || (!compact && (pt[off] & 0xfc) != 0)) {
            throw malformed("inner header");
        }
        int version = compact ? outer.version() : pt[off] & 0x03;
        if (version != outer.version()) {
            throw malformed("inner version differs from the outer one");
        }
        int code = pt[off + headerBytes - 1] & 0xff;
        List<CoapOption> inner = new ArrayList<>();
        int end = off + len;
        int payloadStart = CoapCodec.readOptions(pt, off + headerBytes, end, inner);
        boolean observe = false;
        for (CoapOption o : inner) {
            if (OptionClass.of(o.number()) == OptionClass.U) {
                throw malformed("Class U option " + o.number() + " inside the record");
            }
            observe |= o.number() == OptionNumbers.OBSERVE;
        }
        byte[] payload = Arrays.copyOfRange(pt, payloadStart, end);
        return new Decoded(CoapMessage.adopt(version, outer.type(), code, outer.messageId(), outer.tokenNoCopy(),
                merge(CoapOption.inNumberOrder(outerOptions), inner), payload), observe);
    }

    /** Merges two lists in number order; on equal numbers the first list's options come first. */
    private static List<CoapOption> merge(List<CoapOption> a, List<CoapOption> b) {
        List<CoapOption> out = new ArrayList<>(a.size() + b.size());
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (j == b.size() || (i < a.size() && a.get(i).number() <= b.get(j).number())) {
                out.add(a.get(i++));
            } else {
                out.add(b.get(j++));
            }
        }
        return out;
    }

    private static RecSecException malformed(String why) {
        return new RecSecException(RecSecException.Reason.MALFORMED, why);
    }
}
