package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Random;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.californium.elements.util.DatagramReader;
import org.eclipse.californium.scandium.dtls.ApplicationMessage;
import org.eclipse.californium.scandium.dtls.CompressionMethod;
import org.eclipse.californium.scandium.dtls.ContentType;
import org.eclipse.californium.scandium.dtls.DTLSConnectionState;
import org.eclipse.californium.scandium.dtls.Record;
import org.eclipse.californium.scandium.dtls.SingleNodeConnectionIdGenerator;
import org.eclipse.californium.scandium.util.SecretIvParameterSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.RecordCipher;

/**
 * Scandium (Californium's DTLS 1.2 stack) opens the RFC 9146 records our dtls12-cid cipher writes: its record parser
 * reads the tls12_cid header with a 4-byte CID, its connection state decrypts with the same write key and IV and
 * its own RFC 9146 AAD, and the application data is ours. A record with one flipped bit is refused by Scandium too.
 * The three AES suites: Scandium 3.13 has no ChaCha20-Poly1305 suite (Bouncy Castle covers it in
 * {@link RecordCidVectorsTest} and {@link Dtls12CidInteropTest}).
 */
class ScandiumCidTest {

    @ParameterizedTest
    @EnumSource(value = CipherSuite.class, names = {"AES_128_CCM_8", "AES_128_CCM", "AES_128_GCM"})
    void scandiumOpensOurCidRecords(CipherSuite suite) throws Exception {
        Random rnd = new Random(31 + suite.ordinal());
        byte[] key = new byte[suite.keySizeBytes()];
        byte[] iv = new byte[suite.ivSizeBytes()];
        rnd.nextBytes(key);
        rnd.nextBytes(iv);
        byte[] cid = Dtls12CidRecordCipher.cidOf(0x00a1b2c3L);
        RecordCipher ours = RecordCiphers.dtls12Cid(suite, SecretBytes.copyOf(key), iv, cid);
        for (int len : new int[] {0, 1, 37, 300}) {
            byte[] pt = new byte[len];
            rnd.nextBytes(pt);
            long seq = 1000L * len + 3;
            byte[] record = ours.seal(23, 1, seq, pt, 0, pt.length);

            Record r = scandiumOpen(suite, key, iv, record);
            assertEquals(ContentType.APPLICATION_DATA, r.getType(), suite + " real type");
            assertEquals(1, r.getEpoch());
            assertEquals(seq, r.getSequenceNumber());
            assertArrayEquals(cid, r.getConnectionId().getBytes());
            assertArrayEquals(pt, ((ApplicationMessage) r.getFragment()).getData(), suite + " " + len);

            byte[] bad = record.clone();
            bad[bad.length - 1 - (len % 5)] ^= 0x20;
            assertThrows(GeneralSecurityException.class, () -> scandiumOpen(suite, key, iv, bad));
        }
    }

    private static Record scandiumOpen(CipherSuite suite, byte[] key, byte[] iv, byte[] record) throws Exception {
        List<Record> records = Record.fromReader(new DatagramReader(record), new SingleNodeConnectionIdGenerator(4),
                0);
        assertEquals(1, records.size(), "Scandium parses one record");
        Record r = records.get(0);
        org.eclipse.californium.scandium.dtls.cipher.CipherSuite s =
                org.eclipse.californium.scandium.dtls.cipher.CipherSuite.getTypeByCode(suite.code());
        DTLSConnectionState state = DTLSConnectionState.create(s, CompressionMethod.NULL,
                new SecretKeySpec(key, "AES"), new SecretIvParameterSpec(iv), null);
        r.decodeFragment(state);
        return r;
    }
}
