package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.vectors.SpecVectors;

/**
 * spec-vectors/vectors/record-dtls13.json, checked by our {@link CompactRecordCipher} and by
 * {@link Rfc9147Reference}, the independent implementation on Bouncy Castle's raw engines that made the expected
 * records. Also the key schedule against published numbers and the reconstruction rule at its edges.
 */
class Dtls13VectorsTest {

    @Test
    void everyVectorBothWays() throws Exception {
        List<JsonNode> vectors = SpecVectors.vectors("record-dtls13.json");
        assertTrue(vectors.size() >= 8);
        Set<String> suites = new HashSet<>();
        Set<Integer> widths = new HashSet<>();
        boolean wrap = false;
        boolean padded = false;
        for (JsonNode v : vectors) {
            String name = v.get("name").asText();
            int code = Integer.parseInt(v.get("suite").asText(), 16);
            suites.add(v.get("suite").asText());
            CipherSuite suite = CipherSuite.forTls13Code(code);
            byte[] secret = SpecVectors.hex(v, "secret");
            byte[] content = SpecVectors.hex(v, "content");
            byte[] record = SpecVectors.hex(v, "record");
            int seqBytes = v.get("seq_bytes").asInt();
            widths.add(seqBytes);
            long seq = v.get("seq").asLong();
            long expected = v.get("expected_next").asLong();
            int epoch = v.get("epoch").asInt();
            int type = v.get("type").asInt();
            wrap |= seqBytes == 2 && (seq >>> 16) != (expected >>> 16);
            padded |= content.length + 1 + suite.tagSizeBytes() < 16;

            CompactRecordCipher ours = CompactRecordCipher.fromSecret(suite, SecretBytes.copyOf(secret), seqBytes);
            assertArrayEquals(record, ours.seal(type, epoch, seq, content, 0, content.length), name + ": our seal");
            CompactRecordCipher.Header h = ours.readHeader(record, 0, record.length, expected);
            assertEquals(seq, h.seq(), name + ": our reconstruction");
            assertEquals(epoch & 3, h.epochBits(), name);
            CompactRecordCipher.Opened o = ours.open(record, 0, record.length, h, null);
            assertEquals(type, o.contentType(), name);
            assertArrayEquals(content, o.content(), name + ": our open");

            Rfc9147Reference.Opened ref = Rfc9147Reference.open(code, secret, record, expected, null);
            assertEquals(seq, ref.seq(), name + ": reference reconstruction");
            assertArrayEquals(content, ref.content(), name + ": reference open");
            assertArrayEquals(record, Rfc9147Reference.seal(code, secret, seqBytes, epoch, seq, type, content, null),
                    name + ": reference seal");
        }
        assertEquals(Set.of("1301", "1303", "1304", "1305"), suites);
        assertEquals(Set.of(1, 2), widths);
        assertTrue(wrap, "a vector whose reconstruction crosses a 16-bit wrap");
        assertTrue(padded, "a vector padded up to the record number encryption sample");
    }

    @Test
    void keyScheduleMatchesTheIndependentHkdfAndPublishedNumbers() {
        byte[] secret = new byte[32];
        java.util.Arrays.fill(secret, (byte) 0x11);
        for (String label : new String[] {"key", "iv", "sn"}) {
            assertArrayEquals(Rfc9147Reference.expandLabel(secret, label, 16),
                    Dtls13KeySchedule.expandLabel(SecretBytes.copyOf(secret), label, new byte[0], 16), label);
        }
        // HKDF-Expand-Label(0x11 * 32, "dtls13" + label, "", L) over SHA-256, as pinned by an unrelated DTLS 1.3
        // implementation's test suite.
        assertEquals("ed42c07a4495d8c4c75abc4f889c6155",
                Bytes.toHex(Dtls13KeySchedule.expandLabel(SecretBytes.copyOf(secret), "key", new byte[0], 16)));
        assertEquals("679ac79b84b6d022c340ac85",
                Bytes.toHex(Dtls13KeySchedule.expandLabel(SecretBytes.copyOf(secret), "iv", new byte[0], 12)));
        assertEquals("e80e148f1e9bf1bc872e8dedf462da34",
                Bytes.toHex(Dtls13KeySchedule.expandLabel(SecretBytes.copyOf(secret), "sn", new byte[0], 16)));
    }

    @Test
    void reconstructionPicksTheNearestValue() {
        assertEquals(0x10002, CompactRecordCipher.reconstruct(0x0002, 16, 0xfffe));
        assertEquals(0xfffe, CompactRecordCipher.reconstruct(0xfffe, 16, 0x10002));
        assertEquals(0xff, CompactRecordCipher.reconstruct(0xff, 8, 0));
        assertEquals(0x101, CompactRecordCipher.reconstruct(0x01, 8, 0xff));
        assertEquals(5, CompactRecordCipher.reconstruct(5, 8, 5));
        assertEquals(CompactRecordCipher.MAX_SEQUENCE,
                CompactRecordCipher.reconstruct(0xffff, 16, CompactRecordCipher.MAX_SEQUENCE));
    }

    @Test
    void tamperedRecordsAreRefused() throws Exception {
        CompactRecordCipher c = CompactRecordCipher.fromSecret(CipherSuite.AES_128_CCM_8,
                SecretBytes.copyOf(new byte[32]), 2);
        byte[] rec = c.seal(23, 1, 9, new byte[] {1, 2, 3}, 0, 3);
        for (int i = 0; i < rec.length; i++) {
            byte[] bad = rec.clone();
            bad[i] ^= 0x01;
            RecSecException e = assertThrows(RecSecException.class, () -> {
                CompactRecordCipher.Header h = c.readHeader(bad, 0, bad.length, 9);
                c.open(bad, 0, bad.length, h, null);
            }, "byte " + i);
            assertTrue(e.reason() == RecSecException.Reason.AUTH_FAILED
                    || e.reason() == RecSecException.Reason.MALFORMED, "byte " + i);
        }
        assertEquals(RecSecException.Reason.MALFORMED, assertThrows(RecSecException.class,
                () -> c.readHeader(rec, 0, 10, 9)).reason());
        assertEquals(RecSecException.Reason.AUTH_FAILED, assertThrows(RecSecException.class,
                () -> c.open(rec, 0, rec.length, c.readHeader(rec, 0, rec.length, 9), new byte[] {1})).reason());
    }
}
