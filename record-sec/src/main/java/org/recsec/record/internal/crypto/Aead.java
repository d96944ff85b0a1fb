package org.recsec.record.internal.crypto;

import org.recsec.record.internal.wire.Bytes;

import org.recsec.record.base.RecSecException;

/**
 * A raw AEAD under one fixed key: the primitive a record cipher is built on. Buffers go in as (array, offset,
 * length) and the caller provides the output, so a record can be sealed straight into its final array.
 *
 * <p>Implementations are thread-safe. They do not keep the {@code nonce} or {@code aad} arrays after a call returns.
 * Input and output ranges must either not overlap or start at the same offset of the same array.
 */
public interface Aead {

    /** Bytes of authentication tag appended by {@link #seal}. */
    int tagSizeBytes();

    /**
     * Encrypts {@code in[inOff, inOff+inLen)} and writes ciphertext ‖ tag ({@code inLen + tagSizeBytes()} bytes) at
     * {@code out[outOff]}. The caller never seals two messages under one nonce.
     *
     * @return the number of bytes written
     * @throws IllegalArgumentException  if the nonce length is not one this AEAD supports, or the message is
     *                                   longer than the nonce's length field allows (CCM)
     * @throws IllegalStateException     if the JCE refuses the nonce because it was just used with this key
     * @throws IndexOutOfBoundsException if a range lies outside its array
     */
    int seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff);

    /**
     * Seals the message {@code head[headOff, +headLen) ‖ body[bodyOff, +bodyLen)} as {@link #seal} would seal the
     * two parts written one after the other, without the caller building that message first (a record's inner
     * header and options, then the payload where it already is). Output ranges must not overlap the inputs.
     */
    default int seal(byte[] nonce, byte[] aad, byte[] head, int headOff, int headLen, byte[] body, int bodyOff,
                     int bodyLen, byte[] out, int outOff) {
        org.recsec.record.internal.wire.Bytes.checkRange(head, headOff, headLen);
        org.recsec.record.internal.wire.Bytes.checkRange(body, bodyOff, bodyLen);
        byte[] joined = new byte[headLen + bodyLen];
        System.arraycopy(head, headOff, joined, 0, headLen);
        System.arraycopy(body, bodyOff, joined, headLen, bodyLen);
        return seal(nonce, aad, joined, 0, joined.length, out, outOff);
    }

    /**
     * Seals {@code head[headOff, +headLen) ‖ body[bodyOff, +bodyLen) ‖ trailer[0, trailerLen)} as {@link #seal}
     * would seal the three parts written one after the other: a record's inner header and options, the payload
     * where it already is, then the few bytes a DTLSInnerPlaintext appends (content type and zero padding, RFC 9147
     * §4, RFC 9146 §4), without copying the payload to append them. Output ranges must not overlap the inputs.
     */
    default int seal(byte[] nonce, byte[] aad, byte[] head, int headOff, int headLen, byte[] body, int bodyOff,
                     int bodyLen, byte[] trailer, int trailerLen, byte[] out, int outOff) {
        org.recsec.record.internal.wire.Bytes.checkRange(body, bodyOff, bodyLen);
        org.recsec.record.internal.wire.Bytes.checkRange(trailer, 0, trailerLen);
        byte[] tail = new byte[bodyLen + trailerLen];
        System.arraycopy(body, bodyOff, tail, 0, bodyLen);
        System.arraycopy(trailer, 0, tail, bodyLen, trailerLen);
        return seal(nonce, aad, head, headOff, headLen, tail, 0, tail.length, out, outOff);
    }

    /**
     * Verifies and decrypts ciphertext ‖ tag {@code in[inOff, inOff+inLen)} and writes the
     * {@code inLen - tagSizeBytes()} plaintext bytes at {@code out[outOff]}. On failure no plaintext is left in
     * {@code out}.
     *
     * @return the number of plaintext bytes written
     * @throws RecSecException           {@code AUTH_FAILED} if the tag does not verify; {@code MALFORMED} if
     *                                   {@code inLen} is shorter than the tag
     * @throws IllegalArgumentException  if the nonce length is not one this AEAD supports
     * @throws IndexOutOfBoundsException if a range lies outside its array
     */
    int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws RecSecException;
}
