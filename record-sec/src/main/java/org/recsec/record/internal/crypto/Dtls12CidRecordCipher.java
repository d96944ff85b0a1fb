package org.recsec.record.internal.crypto;

import java.util.Arrays;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.record.spi.RecordCipher;

/**
 * The dtls12-cid record profile: a DTLS 1.2 {@code DTLSCiphertext} with a connection ID (RFC 9146 §4).
 *
 * <pre>
 *   ContentType outer_type = tls12_cid (25)   1
 *   ProtocolVersion version = fefd            2
 *   uint16 epoch                              2
 *   uint48 sequence_number                    6
 *   opaque cid[cid_length]                    cid_length (not on the wire: both ends know it)
 *   uint16 length                             2
 *   opaque enc_content[length]                explicit nonce (CCM, GCM) ‖ AEAD(DTLSInnerPlaintext) ‖ tag
 * </pre>
 *
 * <ul>
 *   <li>{@code DTLSInnerPlaintext = content ‖ real_type ‖ zeros} (RFC 9146 §4); this cipher writes no padding and
 *   reads any (the real type is the last non-zero byte).</li>
 *   <li>AAD (RFC 9146 §5.2): {@code seq_num_placeholder (8 × 0xff) ‖ tls12_cid ‖ cid_length ‖ tls12_cid ‖ version ‖
 *   epoch ‖ sequence_number ‖ cid ‖ length_of_DTLSInnerPlaintext (2)}.</li>
 *   <li>Nonce as in the dtls12 profile: salt ‖ explicit (epoch ‖ seq) for CCM and GCM (RFC 6655 §3, RFC 5288 §3),
 *   IV xor (0000 ‖ epoch ‖ seq) for ChaCha20-Poly1305 (RFC 7905 §2). RFC 9146 leaves the nonce unchanged.</li>
 * </ul>
 *
 * <p>recsec's CID is the SPI of the receiving SA as 4 bytes big-endian ({@link #cidOf}). Thread-safe.
 */
public final class Dtls12CidRecordCipher implements RecordCipher {
    /** The outer content type of a record with a connection ID (RFC 9146 §4, IANA TLS ContentType 25). */
    public static final int TLS12_CID = 25;
    /** Bytes of the CID recsec writes: the SPI, 4 bytes big-endian. */
    public static final int CID_BYTES = 4;
    private static final int NONCE_BYTES = 12;
    /** type(1) ‖ version(2) ‖ epoch(2) ‖ seq(6): the part of the header before the CID. */
    private static final int PRE_CID = 11;
    private static final int SEQ_NUM_OFFSET = 3;

    private final CipherSuite suite;
    private final Aead aead;
    private final boolean xorNonce;
    private final byte[] iv;
    private final byte[] cid;
    private final int explicitBytes;
    private final int tagBytes;

    Dtls12CidRecordCipher(CipherSuite suite, Aead aead, byte[] iv, byte[] cid) {
        if (cid.length == 0 || cid.length > 255) {
            throw new IllegalArgumentException("a connection ID is 1..255 bytes, got " + cid.length);
        }
        this.suite = suite;
        this.aead = aead;
        this.xorNonce = suite.aead() == CipherSuite.Aead.CHACHA20_POLY1305;
        this.iv = iv.clone();
        this.cid = cid.clone();
        this.explicitBytes = suite.explicitNonceBytes();
        this.tagBytes = suite.tagSizeBytes();
    }

    /** recsec's connection ID for an SA: its SPI as 4 bytes big-endian. */
    public static byte[] cidOf(long spi) {
        if (spi < 0 || spi > 0xffff_ffffL) {
            throw new IllegalArgumentException("SPI must be an unsigned 32-bit value");
        }
        byte[] c = new byte[CID_BYTES];
        Bytes.writeUint32Be(c, 0, spi);
        return c;
    }

    @Override
    public RecordProfile profile() {
        return RecordProfile.DTLS12_CID;
    }

    /** Bytes of the header: 13 plus the CID. */
    public int headerBytes() {
        return RecordHeader.BYTES + cid.length;
    }

    @Override
    public int overheadBytes() {
        return headerBytes() + explicitBytes + 1 + tagBytes;
    }

    @Override
    public boolean opensWithoutSideEffects() {
        return true;
    }

    @Override
    public byte[] seal(int contentType, int epoch, long seq, byte[] plaintext, int off, int len) {
        return seal(contentType, epoch, seq, plaintext, off, len, new byte[0], 0, 0);
    }

    /** Seals {@code head ‖ body ‖ contentType} (the DTLSInnerPlaintext, no padding) without joining the parts. */
    @Override
    public byte[] seal(int contentType, int epoch, long seq, byte[] head, int headOff, int headLen, byte[] body,
                       int bodyOff, int bodyLen) {
        Bytes.checkRange(head, headOff, headLen);
        Bytes.checkRange(body, bodyOff, bodyLen);
        if (contentType < 1 || contentType > 255 || contentType == TLS12_CID) {
            throw new IllegalArgumentException("inner content type must be 1..255 and not tls12_cid");
        }
        if (epoch < 0 || epoch > 0xffff || seq < 0 || seq > RecordHeader.MAX_SEQ) {
            throw new IllegalArgumentException("epoch must be uint16 and the sequence number uint48");
        }
        int content = headLen + bodyLen;
        if (content > Dtls12RecordCipher.MAX_PLAINTEXT) {
            throw new IllegalArgumentException("record plaintext of " + content + " bytes exceeds 2^14");
        }
        int inner = content + 1;
        int fragment = explicitBytes + inner + tagBytes;
        int hdr = headerBytes();
        byte[] out = new byte[hdr + fragment];
        out[0] = (byte) TLS12_CID;
        Bytes.writeUint16Be(out, 1, RecordHeader.DTLS12_VERSION);
        Bytes.writeUint16Be(out, 3, epoch);
        Bytes.writeUint48Be(out, 5, seq);
        System.arraycopy(cid, 0, out, PRE_CID, cid.length);
        Bytes.writeUint16Be(out, PRE_CID + cid.length, fragment);
        System.arraycopy(out, SEQ_NUM_OFFSET, out, hdr, explicitBytes); // explicit nonce = epoch ‖ seq
        byte[] type = {(byte) contentType}; // the payload is sealed where it is, the type after it (RFC 9146 §4)
        aead.seal(nonce(out, 0, hdr), aad(out, 0, inner), head, headOff, headLen, body, bodyOff, bodyLen, type, 1,
                out, hdr + explicitBytes);
        return out;
    }

    /** The header fields of a received record, checked against this SA's CID. */
    public record Header(int epoch, long seq) {
    }

    /**
     * Reads the header of exactly one record {@code record[off, off+len)}: type tls12_cid, version fefd, this
     * cipher's CID, a length field equal to the bytes that follow, a fragment long enough for nonce, real type and
     * tag and not above 2^14 + 2048. Authenticates nothing.
     *
     * @throws RecSecException {@code MALFORMED} for anything else
     */
    public Header readHeader(byte[] record, int off, int len) throws RecSecException {
        Bytes.checkRange(record, off, len);
        int hdr = headerBytes();
        if (len < hdr) {
            throw malformed("record shorter than its " + hdr + "-byte header");
        }
        if ((record[off] & 0xff) != TLS12_CID) {
            throw malformed("record content type " + (record[off] & 0xff) + " is not tls12_cid");
        }
        if (Bytes.readUint16Be(record, off + 1) != RecordHeader.DTLS12_VERSION) {
            throw malformed("record version is not DTLS 1.2");
        }
        if (!Arrays.equals(record, off + PRE_CID, off + PRE_CID + cid.length, cid, 0, cid.length)) {
            throw malformed("connection ID is not the SA's");
        }
        int length = Bytes.readUint16Be(record, off + PRE_CID + cid.length);
        if (length != len - hdr) {
            throw malformed("record length field " + length + " but " + (len - hdr) + " fragment bytes");
        }
        if (length < explicitBytes + 1 + tagBytes) {
            throw malformed("record fragment of " + length + " bytes cannot hold nonce, content type and tag");
        }
        if (length > Dtls12RecordCipher.MAX_FRAGMENT) {
            throw malformed("record fragment exceeds 2^14 + 2048");
        }
        return new Header(Bytes.readUint16Be(record, off + 3), Bytes.readUint48Be(record, off + 5));
    }

    /**
     * The content and its real type, opened from a record: the content is {@code plaintext[0, contentLength)}, the
     * decrypted DTLSInnerPlaintext as it is (type and padding follow), so that opening copies nothing.
     */
    public record Opened(int contentType, byte[] plaintext, int contentLength) {
        /** A copy of the content alone. */
        public byte[] content() {
            return Arrays.copyOf(plaintext, contentLength);
        }
    }

    /**
     * Opens one record {@code record[off, off+len)} (header checked here again) and strips the DTLSInnerPlaintext
     * padding. Never writes into {@code record}.
     *
     * @throws RecSecException {@code MALFORMED} for a bad header, an inner plaintext without a real type (all
     *                         zeros, RFC 9146 §4) or content above 2^14; {@code AUTH_FAILED} when the tag fails
     */
    public Opened openInner(byte[] record, int off, int len) throws RecSecException {
        readHeader(record, off, len);
        int hdr = headerBytes();
        int ctLen = len - hdr - explicitBytes;
        byte[] pt = new byte[ctLen - tagBytes];
        aead.open(nonce(record, off, off + hdr), aad(record, off, pt.length), record, off + hdr + explicitBytes,
                ctLen, pt, 0);
        int end = pt.length;
        while (end > 0 && pt[end - 1] == 0) {
            end--;
        }
        if (end == 0) {
            throw malformed("DTLSInnerPlaintext has no content type");
        }
        if (end - 1 > Dtls12RecordCipher.MAX_PLAINTEXT) {
            throw malformed("record content exceeds 2^14");
        }
        return new Opened(pt[end - 1] & 0xff, pt, end - 1);
    }

    /** {@link RecordCipher#open}: the content of an application_data (23) record; other real types are MALFORMED. */
    @Override
    public byte[] open(byte[] record, int off, int len) throws RecSecException {
        Opened o = openInner(record, off, len);
        if (o.contentType() != 23) {
            throw malformed("inner content type " + o.contentType());
        }
        return o.content();
    }

    /** The nonce from epoch ‖ seq of the header at {@code rec[hOff]} or the explicit nonce at {@code rec[explicitOff]}. */
    private byte[] nonce(byte[] rec, int hOff, int explicitOff) {
        byte[] nonce = new byte[NONCE_BYTES];
        System.arraycopy(iv, 0, nonce, 0, iv.length);
        if (xorNonce) {
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] ^= rec[hOff + SEQ_NUM_OFFSET + i];
            }
        } else {
            System.arraycopy(rec, explicitOff, nonce, iv.length, explicitBytes);
        }
        return nonce;
    }

    /** RFC 9146 §5.2 additional data for the header at {@code rec[hOff]} and an inner plaintext of {@code innerLen}. */
    private byte[] aad(byte[] rec, int hOff, int innerLen) {
        byte[] aad = new byte[23 + cid.length];
        Arrays.fill(aad, 0, 8, (byte) 0xff);
        aad[8] = (byte) TLS12_CID;
        aad[9] = (byte) cid.length;
        aad[10] = (byte) TLS12_CID;
        System.arraycopy(rec, hOff + 1, aad, 11, 10); // version ‖ epoch ‖ sequence_number
        System.arraycopy(cid, 0, aad, 21, cid.length);
        Bytes.writeUint16Be(aad, 21 + cid.length, innerLen);
        return aad;
    }

    private static RecSecException malformed(String why) {
        return new RecSecException(RecSecException.Reason.MALFORMED, why);
    }

    @Override
    public String toString() {
        return "Dtls12CidRecordCipher[" + suite + ", " + cid.length + "-byte CID]";
    }
}
