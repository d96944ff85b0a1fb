package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.RecordCipher;
import org.recsec.vectors.SpecVectors;

/**
 * spec-vectors/vectors/record-dtls12-cid.json (RFC 9146 records), checked against Bouncy Castle's DTLS record
 * protection with a connection ID (bctls TlsAEADCipher, which made the expected records) and our
 * {@link Dtls12CidRecordCipher}: our seal must give BC's bytes, and each opens the other's records.
 */
class RecordCidVectorsTest {

    @Test
    void everyVectorBothWays() throws Exception {
        List<JsonNode> vectors = SpecVectors.vectors("record-dtls12-cid.json");
        Set<CipherSuite> suites = EnumSet.noneOf(CipherSuite.class);
        for (JsonNode v : vectors) {
            String name = v.get("name").asText();
            CipherSuite suite = CipherSuite.forCode(Integer.parseInt(v.get("suite").asText(), 16));
            suites.add(suite);
            byte[] key = SpecVectors.hex(v, "key");
            byte[] iv = SpecVectors.hex(v, "iv");
            byte[] cid = SpecVectors.hex(v, "cid");
            byte[] pt = SpecVectors.hex(v, "plaintext");
            byte[] record = SpecVectors.hex(v, "record");
            int type = v.get("type").asInt();
            int epoch = v.get("epoch").asInt();
            long seq = v.get("seq").asLong();

            RecordCipher ours = RecordCiphers.dtls12Cid(suite, SecretBytes.copyOf(key), iv, cid);
            assertEquals(25, record[0] & 0xff, name + ": outer type tls12_cid");
            assertArrayEquals(record, ours.seal(type, epoch, seq, pt, 0, pt.length), name + ": our seal");
            assertArrayEquals(pt, ours.open(record, 0, record.length), name + ": our open");

            assertArrayEquals(record, BcTlsRecordProtection.sealCid(suite, key, iv, cid, type, epoch, seq, pt),
                    name + ": bctls seal");
            BcTlsRecordProtection.CidOpened bc = BcTlsRecordProtection.openCid(suite, key, iv, cid, record);
            assertEquals(type, bc.contentType(), name + ": bctls real type");
            assertArrayEquals(pt, bc.content(), name + ": bctls open");
        }
        assertEquals(EnumSet.allOf(CipherSuite.class), suites, "all four AEAD suites covered");
        assertTrue(vectors.size() >= 8);
    }

    /** A vector's record under another CID, or with its CID bytes changed, is refused before the AEAD. */
    @Test
    void otherCidRefused() throws Exception {
        JsonNode v = SpecVectors.vectors("record-dtls12-cid.json").get(0);
        CipherSuite suite = CipherSuite.forCode(Integer.parseInt(v.get("suite").asText(), 16));
        byte[] key = SpecVectors.hex(v, "key");
        byte[] iv = SpecVectors.hex(v, "iv");
        byte[] cid = SpecVectors.hex(v, "cid");
        byte[] record = SpecVectors.hex(v, "record");
        byte[] otherCid = cid.clone();
        otherCid[3] ^= 1;
        RecordCipher other = RecordCiphers.dtls12Cid(suite, SecretBytes.copyOf(key), iv, otherCid);
        RecSecException e = assertThrows(RecSecException.class, () -> other.open(record, 0, record.length));
        assertEquals(RecSecException.Reason.MALFORMED, e.reason());
        // The CID is in the AAD too: a record whose CID bytes were rewritten in flight fails at BC as well.
        byte[] moved = record.clone();
        moved[14] ^= 1;
        assertThrows(java.io.IOException.class,
                () -> BcTlsRecordProtection.openCid(suite, key, iv, otherCid, moved));
    }
}
