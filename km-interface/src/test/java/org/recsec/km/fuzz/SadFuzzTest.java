package org.recsec.km.fuzz;

import org.recsec.testsupport.FuzzSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

/**
 * Coverage-guided fuzzing of the SAD's PF_KEY state machine through a {@link SadSession}. The input is a stream of
 * messages cut at their {@code sadb_msg_len} (what is left at the end goes in as one more message), so the seeds are
 * pfkey.json messages and request sequences and the fuzzer can explore GETSPI-then-UPDATE, ADD-then-DELETE, ...
 *
 * <p>Contract (RFC 2367 §3.1, {@link SadSession#send}): every message gets replies that decode and re-encode
 * exactly, never an exception; a refusal is one base-header reply with a documented errno, and the SAD's DUMP and
 * the GET of every SA it held are exactly as before; only a KMP's errno answer to ACQUIRE gets no reply. Identities
 * from messages are never looked up in the name service (NameLookupTest checks the bytecode).
 */
class SadFuzzTest {
    static final String C = "coap://127.0.0.1:5683";
    static final String S = "coap://127.0.0.1:5684";
    static final long T0 = 1_760_000_000L;
    private static final int MAX_MESSAGES = 16;
    private static final Set<Integer> ERRNOS = Set.of(PfKey.EINVAL, PfKey.EMSGSIZE, PfKey.ESRCH, PfKey.EEXIST,
            PfKey.EACCES, PfKey.ENOENT);

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void messages(byte[] input) throws Exception {
        SecurityAssociationDatabase db = populated();
        SadSession session = db.openSession(b -> { });
        for (byte[] message : split(input)) {
            List<String> before = state(db);
            List<byte[]> replies = session.send(message);
            if (replies.isEmpty()) {
                PfKeyMessage m = PfKeyMessage.decode(message); // throws if an undecodable message got no reply
                assertEquals(PfKey.SADB_ACQUIRE, m.type(), "only ACQUIRE failure answers go unanswered");
                assertTrue(m.errno() != 0);
                assertEquals(before, state(db));
                continue;
            }
            List<PfKeyMessage> decoded = new ArrayList<>();
            for (byte[] r : replies) {
                PfKeyMessage d = PfKeyMessage.decode(r);
                assertArrayEquals(r, d.encode(), "replies re-encode exactly");
                decoded.add(d);
            }
            int errno = decoded.get(0).errno();
            if (errno != 0) {
                assertEquals(1, replies.size(), "a refusal is one reply");
                assertTrue(ERRNOS.contains(errno), () -> "errno " + errno);
                assertEquals(PfKey.BASE_HEADER_BYTES, replies.get(0).length, "errno replies are a base header");
                assertEquals(before, state(db), "a refused message changed the SAD");
            }
        }
    }

    /** Two mature SAs (keys, secure element) and a larval one, under a fixed clock and random source. */
    static SecurityAssociationDatabase populated() throws Exception {
        SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(
                Clock.fixed(Instant.ofEpochSecond(T0), ZoneOffset.UTC), new Random(1)).everyIdentityLocal().build();
        SadSession s = db.openSession(b -> { });
        s.add(SaSpec.withKeys(0x2002, S, C, CipherSuite.AES_128_GCM, SecretBytes.copyOf(new byte[16]),
                SecretBytes.copyOf(new byte[4])));
        s.add(SaSpec.onSecureElement(0x3003, "SEN-1", C, CipherSuite.AES_128_CCM_8, "se:1"));
        s.request(PfKeyRequests.getSpi(C, S, 0x4000, 0x4000, 99, 0));
        return db;
    }

    /** DUMP (without keys) plus the GET (with keys) of every SA the DUMP lists. */
    static List<String> state(SecurityAssociationDatabase db) throws PfKeyException {
        SadSession s = db.openSession(b -> { });
        try {
            List<String> out = new ArrayList<>();
            for (byte[] d : s.send(PfKeyRequests.dump(1, 1).encode())) {
                out.add(Bytes.toHex(d));
                PfKeyMessage m = PfKeyMessage.decode(d);
                if (m.errno() == 0) {
                    byte[] get = m.toBuilder().build().encode();
                    get[1] = PfKey.SADB_GET;
                    for (byte[] g : s.send(get)) {
                        out.add(Bytes.toHex(g));
                    }
                }
            }
            return out;
        } finally {
            s.close();
        }
    }

    /** Cuts the input at each message's length field; a tail that is no whole message goes in as it is. */
    static List<byte[]> split(byte[] input) {
        List<byte[]> out = new ArrayList<>();
        int p = 0;
        while (p < input.length && out.size() < MAX_MESSAGES - 1) {
            int n = input.length - p >= PfKey.BASE_HEADER_BYTES ? Bytes.readUint16Be(input, p + 4) * 8 : 0;
            if (n < PfKey.BASE_HEADER_BYTES || n > input.length - p) {
                break;
            }
            out.add(Arrays.copyOfRange(input, p, p + n));
            p += n;
        }
        if (p < input.length || out.isEmpty()) {
            out.add(Arrays.copyOfRange(input, p, input.length));
        }
        return out;
    }
}
