package org.recsec.record.internal.crypto;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.record.spi.RecordCipher;

/**
 * The dtls12 record profile: a DTLSCiphertext (RFC 6347 §4.1) protected by one AEAD suite.
 *
 * <ul>
 *   <li>AES-CCM / AES-GCM: nonce = salt(4) ‖ explicit(8), the explicit part sent at the start of the fragment
 *   (RFC 6655 §3, RFC 5288 §3); we send epoch ‖ seq, which never repeats under one key.</li>
 *   <li>ChaCha20-Poly1305: nonce = IV(12) xor (0000 ‖ epoch ‖ seq), nothing explicit (RFC 7905 §2).</li>
 *   <li>AAD = epoch ‖ seq (8) ‖ type (1) ‖ version (2) ‖ plaintext length (2): RFC 5246 §6.2.3.3 with DTLS's
 *   64-bit seq_num being epoch ‖ sequence_number (RFC 6347 §4.1.2.1).</li>
 * </ul>
 */
final class Dtls12RecordCipher implements RecordCipher {
    /** RFC 6347 §4.1 / RFC 5246 §6.2.1: a plaintext fragment is at most 2^14 bytes. */
    static final int MAX_PLAINTEXT = 1 << 14;
    /** RFC 5246 §6.2.3: a ciphertext fragment is at most 2^14 + 2048 bytes. */
    static final int MAX_FRAGMENT = MAX_PLAINTEXT + 2048;
    private static final int NONCE_BYTES = 12;
    private static final int AAD_BYTES = 13;
    /** Offset of epoch ‖ sequence_number inside the header. */
    private static final int SEQ_NUM_OFFSET = 3;

    private final Aead aead;
    private final boolean xorNonce;
    private final byte[] iv;
    private final int explicitBytes;
    private final int tagBytes;

    Dtls12RecordCipher(CipherSuite suite, Aead aead, byte[] iv) {
        this.aead = aead;
        this.xorNonce = suite.aead() == CipherSuite.Aead.CHACHA20_POLY1305;
        this.iv = iv.clone();
        this.explicitBytes = suite.explicitNonceBytes();
        this.tagBytes = suite.tagSizeBytes();
    }

    @Override
    public byte[] seal(int contentType, int epoch, long seq, byte[] plaintext, int off, int len) {
        Bytes.checkRange(plaintext, off, len);
        byte[] out = startRecord(contentType, epoch, seq, len);
        aead.seal(nonce(out, SEQ_NUM_OFFSET, RecordHeader.BYTES), aad(out, 0, len), plaintext, off, len, out,
                RecordHeader.BYTES + explicitBytes);
        return out;
    }

    /** Streams both parts through the AEAD: the joined plaintext is never built. */
    @Override
    public byte[] seal(int contentType, int epoch, long seq, byte[] head, int headOff, int headLen, byte[] body,
                       int bodyOff, int bodyLen) {
        Bytes.checkRange(head, headOff, headLen);
        Bytes.checkRange(body, bodyOff, bodyLen);
        int len = headLen + bodyLen;
        byte[] out = startRecord(contentType, epoch, seq, len);
        aead.seal(nonce(out, SEQ_NUM_OFFSET, RecordHeader.BYTES), aad(out, 0, len), head, headOff, headLen, body,
                bodyOff, bodyLen, out, RecordHeader.BYTES + explicitBytes);
        return out;
    }

    /** A record array of the right length with its header and explicit nonce written. */
    private byte[] startRecord(int contentType, int epoch, long seq, int len) {
        if (len > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("record plaintext of " + len + " bytes exceeds 2^14");
        }
        int fragment = explicitBytes + len + tagBytes;
        // The constructor checks type, epoch and seq widths.
        RecordHeader header = new RecordHeader(contentType, RecordHeader.DTLS12_VERSION, epoch, seq, fragment);
        byte[] out = new byte[RecordHeader.BYTES + fragment];
        header.writeTo(out, 0);
        // Explicit nonce = epoch ‖ seq, copied from the header just written.
        System.arraycopy(out, SEQ_NUM_OFFSET, out, RecordHeader.BYTES, explicitBytes);
        return out;
    }

    @Override
    public byte[] open(byte[] record, int off, int len) throws RecSecException {
        RecordHeader header = RecordHeader.parse(record, off, len);
        int fragment = header.length();
        if (fragment < explicitBytes + tagBytes) {
            throw new RecSecException(RecSecException.Reason.MALFORMED,
                    "record fragment of " + fragment + " bytes cannot hold nonce and tag");
        }
        if (fragment > MAX_FRAGMENT) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "record fragment exceeds 2^14 + 2048");
        }
        int ptLen = fragment - explicitBytes - tagBytes;
        // CCM/GCM: the explicit nonce as sent (RFC 5288 §3); the AAD's seq_num always comes from the header.
        byte[] nonce = nonce(record, off + SEQ_NUM_OFFSET, off + RecordHeader.BYTES);
        byte[] aad = aad(record, off, ptLen);
        byte[] out = new byte[ptLen];
        aead.open(nonce, aad, record, off + RecordHeader.BYTES + explicitBytes, fragment - explicitBytes, out, 0);
        return out;
    }

    @Override
    public boolean opensWithoutSideEffects() {
        return true; // a JCE/own AEAD over the key: nothing but the stack changes
    }

    @Override
    public int overheadBytes() {
        return RecordHeader.BYTES + explicitBytes + tagBytes;
    }

    /** The per-record nonce from the header's epoch ‖ seq (ChaCha) or the explicit nonce in the record (CCM/GCM). */
    private byte[] nonce(byte[] rec, int seqNumOff, int explicitOff) {
        byte[] nonce = new byte[NONCE_BYTES];
        if (xorNonce) {
            System.arraycopy(iv, 0, nonce, 0, NONCE_BYTES);
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] ^= rec[seqNumOff + i];
            }
        } else {
            System.arraycopy(iv, 0, nonce, 0, iv.length);
            System.arraycopy(rec, explicitOff, nonce, iv.length, explicitBytes);
        }
        return nonce;
    }

    /** epoch ‖ seq ‖ type ‖ version from the header at {@code rec[hOff]}, then the plaintext length. */
    private static byte[] aad(byte[] rec, int hOff, int plaintextLen) {
        byte[] aad = new byte[AAD_BYTES];
        System.arraycopy(rec, hOff + SEQ_NUM_OFFSET, aad, 0, 8);
        System.arraycopy(rec, hOff, aad, 8, 3);
        Bytes.writeUint16Be(aad, 11, plaintextLen);
        return aad;
    }

    @Override
    public String toString() {
        return "Dtls12RecordCipher[" + aead + "]";
    }
}
