package org.recsec.record;

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
     * {@code RecordHeader.parse}. Returns the plaintext only when the tag verified.
     *
     * @throws RecSecException {@code AUTH_FAILED} when the tag does not verify, {@code MALFORMED} when the
     *                         fragment is too short to hold nonce and tag
     */
    byte[] open(byte[] record, int off, int len) throws RecSecException;

    /** Bytes a record adds to its plaintext: header, explicit nonce and tag. */
    int overheadBytes();

    /** Free bytes {@link #sealInPlace} wants before the plaintext (header and explicit nonce). */
    default int sealHeadroom() {
        return 0;
    }

    /** Free bytes {@link #sealInPlace} wants after the plaintext (the tag). */
    default int sealTailroom() {
        return 0;
    }

    /**
     * Seals the plaintext at {@code buffer[sealHeadroom(), sealHeadroom() + plaintextLength)}, with exactly
     * {@link #sealTailroom()} bytes after it, and returns the whole record. A cipher that can seal in place writes
     * header, nonce and tag around the plaintext and returns {@code buffer} itself, saving a copy per record; the
     * default copies through {@link #seal}.
     */
    default byte[] sealInPlace(int contentType, int epoch, long seq, byte[] buffer, int plaintextLength)
            throws RecSecException {
        return seal(contentType, epoch, seq, buffer, sealHeadroom(), plaintextLength);
    }
}
