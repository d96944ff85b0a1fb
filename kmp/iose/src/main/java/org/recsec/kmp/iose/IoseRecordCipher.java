package org.recsec.kmp.iose;

import java.io.IOException;
import java.util.Arrays;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.spi.RecordCipher;
import org.recsec.record.internal.wire.Bytes;

/**
 * The record cipher of an IoSE card's record SA ({@link IoseRecordSa}): every record is sealed (SA-SEAL) or opened
 * (SA-OPEN) on the card, over the grid's link to it, so the grid host that serves CoAP with it never holds the keys.
 * One instance serves both SAs of the card's pair (the card seals with the card-to-client key and opens with the
 * client-to-card key). Records are record-sec's {@code dtls12} profile (RFC 6347 §4.1, RFC 6655).
 *
 * <p>Limits: one short APDU each way, so at most {@link #maxPlaintext} bytes of plaintext per record (218 with
 * the 16-byte tag, 226 with CCM_8); larger records are refused with {@code UNSUPPORTED}. Errors: the card's status
 * words become reasons — 6988 {@code AUTH_FAILED}, 6A80/6700 {@code MALFORMED}, 6985 (no SA, or a sequence number
 * not above the last sealed one) and anything else or no card {@code KEY_MANAGEMENT}. Thread-safe (the link
 * serialises APDUs).
 */
public final class IoseRecordCipher implements RecordCipher {
    /** DTLS 1.2 header 13 and explicit nonce 8. */
    private static final int HEADER_AND_NONCE = 21;
    private final IoseCard card;
    private final CipherSuite suite;

    /**
     * @param card the card holding the record SA
     * @param suite the SA's suite (AES_128_CCM or AES_128_CCM_8, as the card's SA-INFO says)
     */
    public IoseRecordCipher(IoseCard card, CipherSuite suite) {
        if (suite != CipherSuite.AES_128_CCM && suite != CipherSuite.AES_128_CCM_8) {
            throw new IllegalArgumentException("the card's record SA is AES-128-CCM or CCM_8");
        }
        this.card = card;
        this.suite = suite;
    }

    /** The largest plaintext one record may carry: a sealed record fits one short APDU answer (255 bytes). */
    public int maxPlaintext() {
        return 255 - HEADER_AND_NONCE - suite.tagSizeBytes();
    }

    @Override
    public byte[] seal(int contentType, int epoch, long seq, byte[] plaintext, int off, int len)
            throws RecSecException {
        Bytes.checkRange(plaintext, off, len);
        if (len > maxPlaintext()) {
            throw new RecSecException(RecSecException.Reason.UNSUPPORTED, "the card seals at most " + maxPlaintext()
                    + " bytes per record");
        }
        if (contentType != 23 && contentType != 21) {
            throw new RecSecException(RecSecException.Reason.UNSUPPORTED, "the card seals types 21 and 23 only");
        }
        try {
            return card.saSeal(contentType, epoch, seq, Arrays.copyOfRange(plaintext, off, off + len));
        } catch (IOException e) {
            throw map(e);
        }
    }

    @Override
    public byte[] open(byte[] record, int off, int len) throws RecSecException {
        Bytes.checkRange(record, off, len);
        if (len > 255) {
            throw new RecSecException(RecSecException.Reason.UNSUPPORTED, "the card opens records of at most 255 "
                    + "bytes");
        }
        try {
            return card.saOpen(Arrays.copyOfRange(record, off, off + len));
        } catch (IOException e) {
            throw map(e);
        }
    }

    @Override
    public int overheadBytes() {
        return HEADER_AND_NONCE + suite.tagSizeBytes();
    }

    private static RecSecException map(IOException e) {
        int sw = e instanceof SeException se ? se.sw() : -1;
        RecSecException.Reason reason = switch (sw) {
            case 0x6988 -> RecSecException.Reason.AUTH_FAILED;
            case 0x6A80, 0x6700 -> RecSecException.Reason.MALFORMED;
            default -> RecSecException.Reason.KEY_MANAGEMENT;
        };
        return new RecSecException(reason, "IoSE secure element: " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "IoseRecordCipher[" + card.link().describe() + ", " + suite + "]";
    }
}
