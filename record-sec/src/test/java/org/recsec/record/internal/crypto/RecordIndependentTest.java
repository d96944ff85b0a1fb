package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.record.spi.RecordCipher;

/** Our dtls12 records equal, byte for byte, what BC's DTLS record protection and the RFC rules on BC engines make. */
class RecordIndependentTest {

    @Property(tries = 120)
    void sealMatchesBouncyCastle(@ForAll CipherSuite suite, @ForAll("keys") byte[] keyMaterial,
                                 @ForAll @IntRange(min = 0, max = 0xffff) int epoch,
                                 @ForAll @LongRange(min = 0, max = (1L << 48) - 1) long seq,
                                 @ForAll @IntRange(min = 0, max = 255) int type,
                                 @ForAll("plaintexts") byte[] plaintext) throws Exception {
        byte[] key = java.util.Arrays.copyOf(keyMaterial, suite.keySizeBytes());
        byte[] iv = java.util.Arrays.copyOfRange(keyMaterial, 32, 32 + suite.ivSizeBytes());
        RecordCipher ours = RecordCiphers.dtls12(suite, SecretBytes.copyOf(key), iv);
        byte[] record = ours.seal(type, epoch, seq, plaintext, 0, plaintext.length);
        String what = suite + " epoch " + epoch + " seq " + seq + " len " + plaintext.length;
        assertArrayEquals(RfcRecordReference.seal(suite, key, iv, type, epoch, seq, plaintext), record,
                "BC engines with RFC rules, " + what);
        assertArrayEquals(BcTlsRecordProtection.seal(suite, key, iv, type, epoch, seq, plaintext), record,
                "bctls TlsAEADCipher, " + what + " " + Bytes.toHex(record));
        assertArrayEquals(plaintext, BcTlsRecordProtection.open(suite, key, iv, record), "bctls opens ours, " + what);
        assertArrayEquals(plaintext, ours.open(record, 0, record.length), what);
    }

    @Provide
    Arbitrary<byte[]> keys() {
        return Arbitraries.bytes().array(byte[].class).ofSize(44);
    }

    @Provide
    Arbitrary<byte[]> plaintexts() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(1500);
    }
}
