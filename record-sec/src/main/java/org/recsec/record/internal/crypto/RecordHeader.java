package org.recsec.record.internal.crypto;

import org.recsec.record.base.RecSecException;
import org.recsec.record.internal.wire.Bytes;

/**
 * The 13-byte DTLS 1.2 record header (RFC 6347 §4.1, struct DTLSCiphertext):
 *
 * <pre>
 *   ContentType type;              1 byte
 *   ProtocolVersion version;       2 bytes, 0xFEFD for DTLS 1.2
 *   uint16 epoch;                  2 bytes
 *   uint48 sequence_number;        6 bytes
 *   uint16 length;                 2 bytes, bytes of the fragment that follows
 * </pre>
 *
 * The constructor only checks that each field fits its width; {@link #parse} is the strict reader for records
 * from the wire.
 *
 * @param contentType the record's content type (23 = application_data); returned, not checked, by {@link #parse}
 * @param version     the protocol version field, 0xFEFD for DTLS 1.2
 * @param epoch       uint16 epoch
 * @param seq         uint48 sequence number within the epoch
 * @param length      uint16 length of the fragment following the header
 */
public record RecordHeader(int contentType, int version, int epoch, long seq, int length) {
    /** Size of the encoded header. */
    public static final int BYTES = 13;
    /** The version field of DTLS 1.2 ({254, 253}, RFC 6347 §4.1). */
    public static final int DTLS12_VERSION = 0xFEFD;
    /** Width of the epoch field. */
    public static final int EPOCH_BITS = 16;
    /** Width of the sequence_number field. */
    public static final int SEQUENCE_NUMBER_BITS = 48;
    /** The largest sequence number a record can carry. */
    public static final long MAX_SEQ = (1L << SEQUENCE_NUMBER_BITS) - 1;

    /** @throws IllegalArgumentException when a field does not fit its width in the header */
    public RecordHeader {
        if (contentType < 0 || contentType > 0xff) {
            throw new IllegalArgumentException("content type must fit one byte, was " + contentType);
        }
        if (version < 0 || version > 0xffff) {
            throw new IllegalArgumentException("version must fit two bytes, was " + version);
        }
        if (epoch < 0 || epoch > 0xffff) {
            throw new IllegalArgumentException("epoch must be uint16, was " + epoch);
        }
        if (seq < 0 || seq > MAX_SEQ) {
            throw new IllegalArgumentException("sequence number must be uint48, was " + seq);
        }
        if (length < 0 || length > 0xffff) {
            throw new IllegalArgumentException("length must be uint16, was " + length);
        }
    }

    /**
     * Reads the header of exactly one record {@code b[off, off+len)}: the header followed by a fragment of precisely
     * the announced length. A record with trailing bytes or a short fragment is refused, so a datagram never
     * smuggles a second record or a truncated one past the caller.
     *
     * @throws RecSecException          {@code MALFORMED} if {@code len < 13}, the version is not 0xFEFD, or the
     *                                  length field is not {@code len - 13}
     * @throws IndexOutOfBoundsException if the range lies outside {@code b} (a programmer error)
     */
    public static RecordHeader parse(byte[] b, int off, int len) throws RecSecException {
        Bytes.checkRange(b, off, len);
        if (len < BYTES) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "record shorter than its header: " + len);
        }
        int version = Bytes.readUint16Be(b, off + 1);
        if (version != DTLS12_VERSION) {
            throw new RecSecException(RecSecException.Reason.MALFORMED,
                    String.format("record version 0x%04x is not DTLS 1.2", version));
        }
        int length = Bytes.readUint16Be(b, off + 11);
        if (length != len - BYTES) {
            throw new RecSecException(RecSecException.Reason.MALFORMED,
                    "record length field " + length + " but " + (len - BYTES) + " fragment bytes");
        }
        return new RecordHeader(b[off] & 0xff, version, Bytes.readUint16Be(b, off + 3),
                Bytes.readUint48Be(b, off + 5), length);
    }

    /** Writes the 13 header bytes at {@code out[off]}. */
    public void writeTo(byte[] out, int off) {
        Bytes.checkRange(out, off, BYTES);
        out[off] = (byte) contentType;
        Bytes.writeUint16Be(out, off + 1, version);
        Bytes.writeUint16Be(out, off + 3, epoch);
        Bytes.writeUint48Be(out, off + 5, seq);
        Bytes.writeUint16Be(out, off + 11, length);
    }
}
