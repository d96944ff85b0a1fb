package org.recsec.record;

import org.recsec.record.internal.RecordHeader;

import org.recsec.record.internal.Bytes;

/**
 * Seals and opens whole records for one SA and one direction. The SA hands it out, so an SA whose keys stay on a
 * secure element plugs in a cipher that asks the card, and protect/unprotect do not change.
 *
 * <p>Implementations are thread-safe: several threads may seal or open under one SA at once.
 */
public interface RecordCipher {

    /**
     * Seals {@code plaintext[off, off+len)} as one complete record (header included) of the given content type,
     * epoch and sequence number. The caller owns sequence numbering and never passes the same one twice.
     */
    byte[] seal(int contentType, int epoch, long seq, byte[] plaintext, int off, int len) throws RecSecException;

    /**
     * Opens one complete record {@code record[off, off+len)} whose header was already checked by
     * {@code RecordHeader.parse}. Returns the plaintext only when the tag verified. Never writes into
     * {@code record}: callers may pass an array they share.
     *
     * @throws RecSecException {@code AUTH_FAILED} when the tag does not verify, {@code MALFORMED} when the
     *                         fragment is too short to hold nonce and tag
     */
    byte[] open(byte[] record, int off, int len) throws RecSecException;

    /** Bytes a record adds to its plaintext: header, explicit nonce and tag. */
    int overheadBytes();

    /**
     * Seals {@code head[headOff, +headLen) ‖ body[bodyOff, +bodyLen)} as one record's plaintext without the caller
     * joining the two (the inner header and options, then the payload where it already lies). The default joins
     * them and calls {@link #seal(int, int, long, byte[], int, int)}; a cipher that can stream both parts saves that
     * copy.
     */
    default byte[] seal(int contentType, int epoch, long seq, byte[] head, int headOff, int headLen, byte[] body,
                        int bodyOff, int bodyLen) throws RecSecException {
        Bytes.checkRange(head, headOff, headLen);
        Bytes.checkRange(body, bodyOff, bodyLen);
        byte[] joined = new byte[headLen + bodyLen];
        System.arraycopy(head, headOff, joined, 0, headLen);
        System.arraycopy(body, bodyOff, joined, headLen, bodyLen);
        return seal(contentType, epoch, seq, joined, 0, joined.length);
    }
}
