package org.recsec.record.internal.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.record.spi.RecordCipher;

/**
 * The compact record profile: one RFC 9147 §4 {@code DTLSCiphertext} with the unified header and nothing else.
 *
 * <pre>
 *   0 0 1 C S L E E   C = 0 (no connection ID), S = 1 for a 16-bit, 0 for an 8-bit sequence number,
 *                     L = 0 (no length: the record fills the CoAP payload), EE = low two bits of the epoch
 *   sequence number   1 or 2 bytes, the low bits of the record's sequence number, encrypted (§4.2.3)
 *   encrypted record  AEAD(DTLSInnerPlaintext = content ‖ type ‖ zeros) ‖ tag
 * </pre>
 *
 * <ul>
 *   <li>nonce = iv xor the 64-bit record sequence number, left-padded to 12 bytes (RFC 8446 §5.3, RFC 9147 §4);</li>
 *   <li>AAD = the header as sent but with the sequence number unencrypted (RFC 9147 §4), followed by the
 *   caller's additional bytes when there are any (the compact profile's response binding);</li>
 *   <li>the plaintext is zero-padded so that the ciphertext has the 16 bytes record number encryption samples;</li>
 *   <li>record number encryption: mask = AES-ECB(sn_key, ciphertext[0..15]) or ChaCha20(sn_key, counter =
 *   ciphertext[0..3] little-endian, nonce = ciphertext[4..15]), XORed onto the sequence number bytes (§4.2.3);</li>
 *   <li>the full sequence number is reconstructed as the value closest to the next expected one whose low bits
 *   match (§4.2.2).</li>
 * </ul>
 *
 * <p>{@code key}, {@code iv} and {@code sn_key} come from one traffic secret through HKDF-Expand-Label with the
 * {@code "dtls13"} prefix ({@link Dtls13KeySchedule}). Thread-safe.
 */
public final class CompactRecordCipher implements RecordCipher {
    /** Sequence numbers above this are refused: the same 48-bit space as the dtls12 profile. */
    public static final long MAX_SEQUENCE = (1L << 48) - 1;
    /** RFC 8446 §5.1: a plaintext is at most 2^14 bytes. */
    static final int MAX_PLAINTEXT = 1 << 14;
    /** RFC 9147 §4.2.3: record number encryption samples 16 bytes of ciphertext. */
    static final int SAMPLE_BYTES = 16;
    private static final int NONCE_BYTES = 12;

    private final CipherSuite suite;
    private final Aead aead;
    private final byte[] iv;
    private final ChaCha20Block snChaCha;
    private final boolean chacha;
    private final int seqBytes;
    private final int tagBytes;
    /**
     * AES suites: per thread, an ECB cipher keyed with sn_key once (ECB needs no re-init between blocks; an init
     * per record cost the JCE's key and permission checks and a copy of the key) and the buffer its mask is
     * written to.
     */
    private final ThreadLocal<SnMasker> snMasker;

    /** One thread's record number encryption state for an AES suite. */
    private static final class SnMasker {
        final Cipher ecb;
        final byte[] mask = new byte[SAMPLE_BYTES];

        SnMasker(Cipher ecb) {
            this.ecb = ecb;
        }
    }

    private CompactRecordCipher(CipherSuite suite, Aead aead, byte[] iv, byte[] snKey, int seqBytes) {
        this.suite = suite;
        this.aead = aead;
        this.iv = iv;
        this.chacha = suite.aead() == CipherSuite.Aead.CHACHA20_POLY1305;
        SecretKeySpec aesSnKey = chacha ? null : new SecretKeySpec(snKey, "AES");
        this.snChaCha = chacha ? new ChaCha20Block(snKey) : null;
        java.util.Arrays.fill(snKey, (byte) 0);
        this.seqBytes = seqBytes;
        this.tagBytes = suite.tagSizeBytes();
        String transformation = "AES/ECB/NoPadding";
        this.snMasker = chacha ? null : ThreadLocal.withInitial(() -> {
            try {
                Cipher c = Cipher.getInstance(transformation);
                c.init(Cipher.ENCRYPT_MODE, aesSnKey);
                return new SnMasker(c);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(transformation + " unavailable", e);
            }
        });
    }

    /**
     * The cipher of one direction keyed by its traffic secret.
     *
     * @param seqBytes 1 or 2: the width of the sequence number in the header
     * @throws IllegalArgumentException for a secret that is not 32 bytes (SHA-256) or another width
     */
    public static CompactRecordCipher fromSecret(CipherSuite suite, SecretBytes trafficSecret, int seqBytes) {
        if (trafficSecret.length() != 32) {
            throw new IllegalArgumentException("the compact profile needs a 32-byte traffic secret, got "
                    + trafficSecret.length());
        }
        if (seqBytes != 1 && seqBytes != 2) {
            throw new IllegalArgumentException("sequence number width must be 1 or 2 bytes");
        }
        int keyLen = suite.keySizeBytes();
        byte[] key = Dtls13KeySchedule.expandLabel(trafficSecret, "key", new byte[0], keyLen);
        byte[] iv = Dtls13KeySchedule.expandLabel(trafficSecret, "iv", new byte[0], NONCE_BYTES);
        byte[] sn = Dtls13KeySchedule.expandLabel(trafficSecret, "sn", new byte[0], keyLen);
        SecretBytes k = SecretBytes.copyOf(key);
        java.util.Arrays.fill(key, (byte) 0);
        Aead aead = switch (suite.aead()) {
            case AES_CCM -> new AesCcm(k, suite.tagSizeBytes());
            case AES_GCM -> new AesGcm(k, suite.tagSizeBytes());
            case CHACHA20_POLY1305 -> new ChaCha20Poly1305(k);
        };
        return new CompactRecordCipher(suite, aead, iv, sn, seqBytes);
    }

    @Override
    public RecordProfile profile() {
        return RecordProfile.COMPACT;
    }

    /** Header bytes: the first byte and the sequence number. */
    public int headerBytes() {
        return 1 + seqBytes;
    }

    @Override
    public boolean opensWithoutSideEffects() {
        return true; // keys and per-thread cipher state only: opening twice changes nothing
    }

    @Override
    public int overheadBytes() {
        return headerBytes() + 1 + tagBytes;
    }

    @Override
    public byte[] seal(int contentType, int epoch, long seq, byte[] plaintext, int off, int len) {
        return seal(contentType, epoch, seq, null, plaintext, off, len, new byte[0], 0, 0);
    }

    @Override
    public byte[] seal(int contentType, int epoch, long seq, byte[] head, int headOff, int headLen, byte[] body,
                       int bodyOff, int bodyLen) {
        return seal(contentType, epoch, seq, null, head, headOff, headLen, body, bodyOff, bodyLen);
    }

    /**
     * Seals {@code head ‖ body} as one record of {@code contentType} under {@code seq}, with {@code extraAad}
     * (or nothing, when null) appended to the RFC 9147 AAD.
     */
    public byte[] seal(int contentType, int epoch, long seq, byte[] extraAad, byte[] head, int headOff, int headLen,
                       byte[] body, int bodyOff, int bodyLen) {
        Bytes.checkRange(head, headOff, headLen);
        Bytes.checkRange(body, bodyOff, bodyLen);
        if (contentType < 1 || contentType > 255 || epoch < 0 || epoch > 0xffff || seq < 0 || seq > MAX_SEQUENCE) {
            throw new IllegalArgumentException("content type, epoch or sequence number out of range");
        }
        int content = headLen + bodyLen;
        if (content > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("record plaintext of " + content + " bytes exceeds 2^14");
        }
        // DTLSInnerPlaintext = content ‖ type ‖ zeros, padded up to the 16 bytes of ciphertext §4.2.3 samples.
        // The payload is sealed where it is: only the type and the padding form a (short) trailer.
        int inner = Math.max(content + 1, SAMPLE_BYTES - tagBytes);
        byte[] trailer = new byte[inner - content];
        trailer[0] = (byte) contentType;
        int hdr = headerBytes();
        byte[] out = new byte[hdr + inner + tagBytes];
        out[0] = (byte) (0x20 | (seqBytes == 2 ? 0x08 : 0) | (epoch & 0x03));
        writeSeq(out, seq);
        aead.seal(nonce(seq), aad(out[0], seq, extraAad), head, headOff, headLen, body, bodyOff, bodyLen, trailer,
                trailer.length, out, hdr);
        applyMask(out, 0, hdr);
        return out;
    }

    /** The parsed header of a received record: the epoch bits and the reconstructed sequence number. */
    public record Header(int epochBits, long seq) {
    }

    /**
     * Reads the header of {@code record[off, off+len)}, removes record number encryption and reconstructs the full
     * sequence number closest to {@code expectedNext} (RFC 9147 §4.2.2). Authenticates nothing.
     *
     * @throws RecSecException {@code MALFORMED} for a header this profile does not write (a CID, a length, the
     *                         wrong sequence number width, not a unified header) or a record too short to sample
     */
    public Header readHeader(byte[] record, int off, int len, long expectedNext) throws RecSecException {
        Bytes.checkRange(record, off, len);
        int hdr = headerBytes();
        if (len < hdr + SAMPLE_BYTES || len < hdr + 1 + tagBytes) {
            throw malformed("record too short");
        }
        int first = record[off] & 0xff;
        if ((first & 0xe0) != 0x20) {
            throw malformed("not a DTLS 1.3 unified header");
        }
        if ((first & 0x10) != 0 || (first & 0x04) != 0) {
            throw malformed("connection ID or length present");
        }
        if (((first & 0x08) != 0) != (seqBytes == 2)) {
            throw malformed("sequence number width differs from the SA's");
        }
        byte[] mask = mask(record, off + hdr);
        long low = 0;
        for (int i = 0; i < seqBytes; i++) {
            low = (low << 8) | ((record[off + 1 + i] ^ mask[i]) & 0xff);
        }
        return new Header(first & 0x03, reconstruct(low, seqBytes * 8, expectedNext));
    }

    /**
     * RFC 9147 §4.2.2: the sequence number whose low {@code bits} are {@code low} and which lies closest to
     * {@code expectedNext}; never negative, never above {@link #MAX_SEQUENCE}.
     */
    static long reconstruct(long low, int bits, long expectedNext) {
        long window = 1L << bits;
        long expected = Math.max(0, Math.min(expectedNext, MAX_SEQUENCE));
        long candidate = (expected & ~(window - 1)) | low;
        long best = candidate;
        if (candidate - window >= 0 && Math.abs(expected - (candidate - window)) < Math.abs(expected - best)) {
            best = candidate - window;
        }
        if (candidate + window <= MAX_SEQUENCE && Math.abs(candidate + window - expected) < Math.abs(expected - best)) {
            best = candidate + window;
        }
        return Math.min(best, MAX_SEQUENCE);
    }

    /**
     * The content and its type, opened from a record: the content is {@code plaintext[0, contentLength)}, the
     * decrypted DTLSInnerPlaintext as it is (type and padding follow), so that opening copies nothing.
     */
    public record Opened(int contentType, byte[] plaintext, int contentLength) {
        /** A copy of the content alone. */
        public byte[] content() {
            return java.util.Arrays.copyOf(plaintext, contentLength);
        }
    }

    /**
     * Opens {@code record[off, off+len)} whose header {@link #readHeader} read, with {@code extraAad} (or nothing)
     * appended to the AAD. Never writes into {@code record}.
     *
     * @throws RecSecException {@code AUTH_FAILED} when the tag does not verify; {@code MALFORMED} for an inner
     *                         plaintext with no content type (all zeros) or above 2^14 bytes
     */
    public Opened open(byte[] record, int off, int len, Header header, byte[] extraAad) throws RecSecException {
        Bytes.checkRange(record, off, len);
        int hdr = headerBytes();
        if (len < hdr + SAMPLE_BYTES || len < hdr + 1 + tagBytes) {
            throw malformed("record too short");
        }
        if (len - hdr - tagBytes > MAX_PLAINTEXT + 256) {
            throw malformed("record longer than 2^14 + 256");
        }
        byte[] pt = new byte[len - hdr - tagBytes];
        aead.open(nonce(header.seq()), aad(record[off], header.seq(), extraAad), record, off + hdr, len - hdr, pt, 0);
        int end = pt.length;
        while (end > 0 && pt[end - 1] == 0) {
            end--;
        }
        if (end == 0) {
            throw malformed("inner plaintext has no content type");
        }
        if (end - 1 > MAX_PLAINTEXT) {
            throw malformed("record content exceeds 2^14");
        }
        return new Opened(pt[end - 1] & 0xff, pt, end - 1);
    }

    /**
     * {@link RecordCipher#open}: reconstructs the sequence number as if no record had been received yet and
     * returns the content of an application_data record; record-sec itself uses {@link #readHeader} and
     * {@link #open(byte[], int, int, Header, byte[])} with the SA's replay state.
     */
    @Override
    public byte[] open(byte[] record, int off, int len) throws RecSecException {
        Opened o = open(record, off, len, readHeader(record, off, len, 0), null);
        return o.content();
    }

    private void writeSeq(byte[] out, long seq) {
        if (seqBytes == 2) {
            out[1] = (byte) (seq >>> 8);
            out[2] = (byte) seq;
        } else {
            out[1] = (byte) seq;
        }
    }

    private byte[] nonce(long seq) {
        byte[] nonce = iv.clone();
        for (int i = 0; i < 8; i++) {
            nonce[NONCE_BYTES - 1 - i] ^= (byte) (seq >>> (8 * i));
        }
        return nonce;
    }

    /** The AAD: the header with first byte {@code first} and the unencrypted sequence number, then {@code extra}. */
    private byte[] aad(byte first, long seq, byte[] extra) {
        int hdr = headerBytes();
        int x = extra == null ? 0 : extra.length;
        byte[] aad = new byte[hdr + x];
        aad[0] = first;
        writeSeq(aad, seq);
        if (x > 0) {
            System.arraycopy(extra, 0, aad, hdr, x);
        }
        return aad;
    }

    /** XORs the record number encryption mask onto {@code rec[off+1, off+hdr)}, sampling after the header. */
    private void applyMask(byte[] rec, int off, int hdr) {
        byte[] mask = mask(rec, off + hdr);
        for (int i = 1; i < hdr; i++) {
            rec[off + i] ^= mask[i - 1];
        }
    }

    /**
     * The mask of RFC 9147 §4.2.3 from the 16 ciphertext bytes at {@code rec[sampleOff]}: at least its first two
     * bytes are valid. For AES suites, the calling thread's buffer, valid until that thread's next call.
     */
    private byte[] mask(byte[] rec, int sampleOff) {
        if (chacha) {
            int counter = (rec[sampleOff] & 0xff) | (rec[sampleOff + 1] & 0xff) << 8
                    | (rec[sampleOff + 2] & 0xff) << 16 | (rec[sampleOff + 3] & 0xff) << 24;
            return snChaCha.keystream(counter, rec, sampleOff + 4, 2);
        }
        SnMasker m = snMasker.get();
        try {
            m.ecb.doFinal(rec, sampleOff, SAMPLE_BYTES, m.mask, 0);
            return m.mask;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("record number encryption failed", e);
        }
    }

    private static RecSecException malformed(String why) {
        return new RecSecException(RecSecException.Reason.MALFORMED, why);
    }

    @Override
    public String toString() {
        return "CompactRecordCipher[" + suite + ", " + seqBytes + "-byte seq]";
    }
}
