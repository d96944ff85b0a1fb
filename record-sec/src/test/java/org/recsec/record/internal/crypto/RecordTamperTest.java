package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.record.spi.RecordCipher;

/** Every single-bit flip, truncation and extension of a sealed record is refused with a typed reason. */
class RecordTamperTest {

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void everyBitFlipRejected(CipherSuite suite) throws RecSecException {
        RecordCipher c = RecordRoundTripTest.cipher(suite, 11);
        byte[] pt = new byte[37];
        new Random(5).nextBytes(pt);
        byte[] rec = c.seal(23, 3, 0x0102030405L, pt, 0, pt.length);
        for (int bit = 0; bit < rec.length * 8; bit++) {
            byte[] bad = rec.clone();
            bad[bit >>> 3] ^= (byte) (1 << (bit & 7));
            RecSecException e = assertThrows(RecSecException.class, () -> c.open(bad, 0, bad.length),
                    suite + " bit " + bit);
            int at = bit >>> 3;
            // Version and length bytes fail the header parse; everything else is authenticated.
            RecSecException.Reason expected = (at == 1 || at == 2 || at == 11 || at == 12)
                    ? RecSecException.Reason.MALFORMED : RecSecException.Reason.AUTH_FAILED;
            assertEquals(expected, e.reason(), suite + " bit " + bit);
        }
        assertArrayEquals(pt, c.open(rec, 0, rec.length), "the untouched record still opens");
    }

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void everyTruncationRejected(CipherSuite suite) throws RecSecException {
        RecordCipher c = RecordRoundTripTest.cipher(suite, 12);
        byte[] pt = new byte[20];
        byte[] rec = c.seal(23, 1, 77, pt, 0, pt.length);
        for (int len = 0; len < rec.length; len++) {
            int n = len;
            RecSecException e = assertThrows(RecSecException.class, () -> c.open(rec, 0, n), suite + " len " + n);
            assertEquals(RecSecException.Reason.MALFORMED, e.reason(), suite + " len " + n);
            // Same truncation with the length field patched to match: still refused, by size or by tag.
            if (n >= 13) {
                byte[] patched = Arrays.copyOf(rec, n);
                Bytes.writeUint16Be(patched, 11, n - 13);
                RecSecException p = assertThrows(RecSecException.class, () -> c.open(patched, 0, n),
                        suite + " patched len " + n);
                RecSecException.Reason want = n - 13 < suite.fragmentOverheadBytes()
                        ? RecSecException.Reason.MALFORMED : RecSecException.Reason.AUTH_FAILED;
                assertEquals(want, p.reason(), suite + " patched len " + n);
            }
        }
        byte[] longer = Arrays.copyOf(rec, rec.length + 1);
        assertEquals(RecSecException.Reason.MALFORMED,
                assertThrows(RecSecException.class, () -> c.open(longer, 0, longer.length)).reason());
    }

    @Test
    void wrongKeyOrOtherDirectionRejected() throws RecSecException {
        for (CipherSuite suite : CipherSuite.values()) {
            RecordCipher a = RecordRoundTripTest.cipher(suite, 1);
            RecordCipher b = RecordRoundTripTest.cipher(suite, 2);
            byte[] rec = a.seal(23, 0, 0, new byte[10], 0, 10);
            assertEquals(RecSecException.Reason.AUTH_FAILED,
                    assertThrows(RecSecException.class, () -> b.open(rec, 0, rec.length)).reason(), suite.name());
            assertEquals(10, a.open(rec, 0, rec.length).length);
        }
    }

    /** The explicit nonce is not in the AAD, but it feeds the nonce, so changing it breaks the tag. */
    @Test
    void explicitNonceIsAuthenticatedThroughTheNonce() throws RecSecException {
        RecordCipher c = RecordRoundTripTest.cipher(CipherSuite.AES_128_GCM, 4);
        byte[] rec = c.seal(23, 2, 9, new byte[4], 0, 4);
        byte[] bad = rec.clone();
        bad[20] ^= 1; // last explicit-nonce byte
        assertEquals(RecSecException.Reason.AUTH_FAILED,
                assertThrows(RecSecException.class, () -> c.open(bad, 0, bad.length)).reason());
    }

    @Test
    void factoryRefusesWrongSizes() {
        SecretBytes k16 = SecretBytes.copyOf(new byte[16]);
        SecretBytes k32 = SecretBytes.copyOf(new byte[32]);
        assertThrows(IllegalArgumentException.class, () -> RecordCiphers.dtls12(CipherSuite.AES_128_CCM_8, k32,
                new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> RecordCiphers.dtls12(CipherSuite.AES_128_CCM_8, k16,
                new byte[12]));
        assertThrows(IllegalArgumentException.class, () -> RecordCiphers.dtls12(CipherSuite.CHACHA20_POLY1305, k16,
                new byte[12]));
        assertThrows(IllegalArgumentException.class, () -> RecordCiphers.dtls12(CipherSuite.CHACHA20_POLY1305, k32,
                new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> RecordCiphers.dtls12(CipherSuite.AES_128_GCM, k16,
                new byte[3]));
        RecordCipher c = RecordCiphers.dtls12(CipherSuite.AES_128_CCM_8, k16, new byte[4]);
        assertEquals(13 + 8 + 8, c.overheadBytes());
        assertTrue(!c.toString().contains("00000000"), "no key bytes in toString");
    }
}
