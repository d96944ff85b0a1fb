package org.recsec.km.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.recsec.km.keyd.PfKeyFraming;
import org.recsec.km.pfkey.PfKey;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.testsupport.FuzzSupport;

/**
 * Coverage-guided fuzzing of the keyd stream framing ({@link PfKeyFraming.Reader}). Input: one byte choosing how
 * the stream is cut into pieces, then the bytes a client sends. Contract: the messages and the outcome do not depend
 * on how the stream is cut; every message is exactly its header's {@code sadb_msg_len * 8} bytes, 16..64 KiB, and
 * the messages are the stream's prefix in order; the only refusal is {@link PfKeyFraming.BadLengthException}, exactly
 * when a header announces a length out of range; a partial message holds at most twice what arrived plus 256 bytes.
 */
class FramingFuzzTest {

    private record Outcome(List<byte[]> messages, boolean badLength, int maxBuffered) {
    }

    private static Outcome run(byte[] stream, int cut) {
        PfKeyFraming.Reader r = new PfKeyFraming.Reader();
        List<byte[]> out = new ArrayList<>();
        int maxBuffered = 0;
        int received = 0;
        int off = 0;
        int step = cut == 0 ? Math.max(1, stream.length) : cut;
        try {
            while (off < stream.length) {
                int n = Math.min(step, stream.length - off);
                List<byte[]> got = r.feed(stream, off, n);
                out.addAll(got);
                if (r.failure() != null) {
                    break;
                }
                off += n;
                received += n;
                for (byte[] m : got) {
                    received -= m.length;
                }
                int buffered = r.bufferedBytes();
                assertTrue(buffered <= 2 * received + PfKey.BASE_HEADER_BYTES + 256,
                        "holds " + buffered + " bytes for " + received + " received");
                maxBuffered = Math.max(maxBuffered, buffered);
            }
        } catch (PfKeyFraming.BadLengthException e) {
            return new Outcome(out, true, maxBuffered);
        }
        return new Outcome(out, r.failure() != null, maxBuffered);
    }

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void framing(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int cut = input[0] & 0xff;
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        Outcome whole = run(stream, 0);
        Outcome pieces = run(stream, cut);
        Outcome bytes = run(stream, 1);
        for (Outcome o : List.of(pieces, bytes)) {
            assertEquals(whole.badLength(), o.badLength(), "refusal independent of the cuts");
            assertEquals(whole.messages().size(), o.messages().size(), "messages independent of the cuts");
            for (int i = 0; i < whole.messages().size(); i++) {
                assertArrayEquals(whole.messages().get(i), o.messages().get(i));
            }
        }
        ByteArrayOutputStream prefix = new ByteArrayOutputStream();
        for (byte[] m : whole.messages()) {
            int len = Bytes.readUint16Be(m, 4) * 8;
            assertEquals(len, m.length, "a message is its announced length");
            assertTrue(len >= PfKey.BASE_HEADER_BYTES && len <= PfKey.MAX_MESSAGE_BYTES);
            prefix.writeBytes(m);
        }
        byte[] p = prefix.toByteArray();
        assertArrayEquals(Arrays.copyOf(stream, p.length), p, "messages are the stream's prefix");
        if (whole.badLength()) {
            assertTrue(stream.length >= p.length + PfKey.BASE_HEADER_BYTES, "refused only on a whole header");
            int len = Bytes.readUint16Be(stream, p.length + 4) * 8;
            assertTrue(len < PfKey.BASE_HEADER_BYTES || len > PfKey.MAX_MESSAGE_BYTES, "refused a good length");
        }
    }
}
