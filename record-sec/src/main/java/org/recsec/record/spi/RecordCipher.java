package org.recsec.record.spi;

import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.internal.wire.Bytes;

/**
 * Seals and opens whole records for one SA and one direction: the service-provider interface an SA provider
 * implements, not an API for applications. The SA hands it out, so an SA whose keys stay on a secure element plugs
 * in a cipher that asks the card, and protect/unprotect do not change.
 * %s is its only caller and seals under the sequence number
 * {@link OutboundSa#reserveSequence()} just handed out, so no sequence number (hence no nonce) is ever used twice;
 * applications go through {@code RecordProtector}.
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
     * the record-header parser. Returns the plaintext only when the tag verified. Never writes into
     * {@code record}: callers may pass an array they share.
     *
     * @throws RecSecException {@code AUTH_FAILED} when the tag does not verify, {@code MALFORMED} when the
     *                         fragment is too short to hold nonce and tag
     */
    byte[] open(byte[] record, int off, int len) throws RecSecException;

    /** The record profile this cipher writes and reads; {@link RecordProfile#DTLS12} unless it says otherwise. */
    default RecordProfile profile() {
        return RecordProfile.DTLS12;
    }

    /** Bytes a record adds to its plaintext: header, explicit nonce and tag. */
    int overheadBytes();

    /**
     * True when {@link #open} only computes (no replay window, counter or other state of its own moves), so a record
     * may be opened once to check it and again to use it
 * ({@link org.recsec.record.RecordProtector#verify RecordProtector.verify}). False by default: a
     * cipher that asks a secure element, whose record layer keeps its own window, must not be asked twice.
     */
    default boolean opensWithoutSideEffects() {
        return false;
    }

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
