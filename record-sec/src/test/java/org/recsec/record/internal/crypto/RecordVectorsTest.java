package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.RecordCipher;
import org.recsec.vectors.SpecVectors;

/**
 * spec-vectors/vectors/record-dtls12.json, checked three ways: our RecordCipher, Bouncy Castle's DTLS record
 * protection (bctls TlsAEADCipher), and the RFC nonce/AAD rules written out on BC's AEAD engines. A wrong nonce or
 * AAD rule in our code cannot pass both of the others.
 */
class RecordVectorsTest {

    @Test
    void everyVectorThreeWays() throws Exception {
        List<JsonNode> vectors = SpecVectors.vectors("record-dtls12.json");
        Set<CipherSuite> suites = EnumSet.noneOf(CipherSuite.class);
        boolean maxSeq = false;
        for (JsonNode v : vectors) {
            String name = v.get("name").asText();
            CipherSuite suite = CipherSuite.forCode(Integer.parseInt(v.get("suite").asText(), 16));
            suites.add(suite);
            byte[] key = SpecVectors.hex(v, "key");
            byte[] iv = SpecVectors.hex(v, "iv");
            byte[] pt = SpecVectors.hex(v, "plaintext");
            byte[] record = SpecVectors.hex(v, "record");
            int type = v.get("type").asInt();
            int epoch = v.get("epoch").asInt();
            long seq = v.get("seq").asLong();
            maxSeq |= seq == (1L << 48) - 1;

            RecordCipher ours = RecordCiphers.dtls12(suite, SecretBytes.copyOf(key), iv);
            assertArrayEquals(record, ours.seal(type, epoch, seq, pt, 0, pt.length), name + ": our seal");
            assertArrayEquals(pt, ours.open(record, 0, record.length), name + ": our open");

            assertArrayEquals(record, BcTlsRecordProtection.seal(suite, key, iv, type, epoch, seq, pt),
                    name + ": bctls seal");
            assertArrayEquals(pt, BcTlsRecordProtection.open(suite, key, iv, record), name + ": bctls open");

            assertArrayEquals(record, RfcRecordReference.seal(suite, key, iv, type, epoch, seq, pt),
                    name + ": RFC rules on BC engines, seal");
            assertArrayEquals(pt, RfcRecordReference.open(suite, key, iv, record),
                    name + ": RFC rules on BC engines, open");
        }
        assertEquals(EnumSet.allOf(CipherSuite.class), suites, "all four AEAD suites covered");
        assertTrue(maxSeq, "a vector with the largest 48-bit sequence number");
        assertTrue(vectors.size() >= 8);
    }
}
