package org.recsec.record.fuzz;

import org.recsec.testsupport.FuzzSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException.Reason;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.crypto.RecordCiphers;
import org.recsec.record.internal.crypto.RecordHeader;
import org.recsec.record.spi.RecordCipher;

/**
 * Coverage-guided fuzzing of the dtls12 record reader: {@link RecordHeader#parse} and
 * {@code RecordCiphers.dtls12(...).open}.
 *
 * <p>Input layout: {@code suite index (1) ‖ key ‖ IV ‖ record}, key and IV of the suite's sizes. Carrying the key in
 * the input lets every record-dtls12.json vector be a seed that authenticates, so the fuzzer starts past the tag
 * check; mutations of the record part then exercise every refusal. Contract: {@code parse} refuses with MALFORMED
 * only and re-writes the 13 bytes it read; {@code open} refuses with MALFORMED or AUTH_FAILED only, returns
 * exactly {@code fragment - explicit nonce - tag} bytes, and a record it opened is the one {@code seal} makes from
 * that plaintext.
 */
class RecordOpenFuzzTest {
    private static final CipherSuite[] SUITES = CipherSuite.values();

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void open(byte[] input) throws RecSecException {
        if (input.length < 1) {
            return;
        }
        CipherSuite suite = SUITES[(input[0] & 0xff) % SUITES.length];
        int keyEnd = 1 + suite.keySizeBytes();
        int ivEnd = keyEnd + suite.ivSizeBytes();
        if (input.length < ivEnd) {
            return;
        }
        RecordCipher cipher = RecordCiphers.dtls12(suite, SecretBytes.copyOf(input, 1, suite.keySizeBytes()),
                Arrays.copyOfRange(input, keyEnd, ivEnd));
        int off = ivEnd;
        int len = input.length - ivEnd;

        RecordHeader header;
        try {
            header = RecordHeader.parse(input, off, len);
        } catch (RecSecException e) {
            assertEquals(Reason.MALFORMED, e.reason(), e::getMessage);
            assertRefused(cipher, input, off, len, Reason.MALFORMED);
            return;
        }
        byte[] rewritten = new byte[RecordHeader.BYTES];
        header.writeTo(rewritten, 0);
        assertArrayEquals(Arrays.copyOfRange(input, off, off + RecordHeader.BYTES), rewritten,
                "parse-then-write is byte-exact");
        assertEquals(len - RecordHeader.BYTES, header.length());

        byte[] plaintext;
        try {
            plaintext = cipher.open(input, off, len);
        } catch (RecSecException e) {
            assertTrue(e.reason() == Reason.MALFORMED || e.reason() == Reason.AUTH_FAILED, e::getMessage);
            return;
        }
        assertEquals(header.length() - suite.fragmentOverheadBytes(), plaintext.length,
                "plaintext is the fragment less nonce and tag");
        boolean explicitIsEpochSeq = suite.explicitNonceBytes() == 0 || Arrays.equals(input, off + 3, off + 11,
                input, off + RecordHeader.BYTES, off + RecordHeader.BYTES + 8);
        if (explicitIsEpochSeq) {
            // Our seal always sends epoch ‖ seq as the explicit nonce; such a record must come out identical. A
            // second cipher seals it: JCE's GCM refuses to encrypt under the key and nonce it just decrypted with.
            RecordCipher sealer = RecordCiphers.dtls12(suite, SecretBytes.copyOf(input, 1, suite.keySizeBytes()),
                    Arrays.copyOfRange(input, keyEnd, ivEnd));
            byte[] resealed = sealer.seal(header.contentType(), header.epoch(), header.seq(), plaintext, 0,
                    plaintext.length);
            assertArrayEquals(Arrays.copyOfRange(input, off, off + len), resealed, "open-then-seal is byte-exact");
        }
    }

    private static void assertRefused(RecordCipher cipher, byte[] b, int off, int len, Reason reason) {
        try {
            cipher.open(b, off, len);
        } catch (RecSecException e) {
            assertEquals(reason, e.reason(), e::getMessage);
            return;
        }
        throw new AssertionError("open accepted a record whose header parse refused");
    }
}
