package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.vectors.SpecVectors;

/**
 * The SAD's replies and pushed messages are the exact bytes of pfkey.json, which were assembled independently: the
 * SAD is checked against the vectors, not against its own codec.
 */
class SadVectorsTest {
    static final String C = "coap://127.0.0.1:5683";
    static final String S = "coap://127.0.0.1:5684";
    static final SecretBytes K16 = SecretBytes.copyOf(hexRange(0x10, 16));
    static final SecretBytes IV4 = SecretBytes.copyOf(new byte[] {(byte) 0xa0, (byte) 0xa1, (byte) 0xa2,
            (byte) 0xa3});

    static byte[] hexRange(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    static byte[] vector(String name) {
        for (JsonNode v : SpecVectors.vectors("pfkey.json")) {
            if (v.get("name").asText().equals(name)) {
                return SpecVectors.hex(v, "hex");
            }
        }
        throw new IllegalArgumentException(name);
    }

    final MutableClock clock = new MutableClock(1_700_000_000L);

    SecurityAssociationDatabase db() throws Exception {
        return SecurityAssociationDatabase.builder(clock, new Random(1)).everyIdentityLocal().build();
    }

    static byte[] only(List<byte[]> replies) {
        assertEquals(1, replies.size());
        return replies.get(0);
    }

    @Test
    void addGetspiUpdateDeleteFlushRegisterRepliesAreTheVectors() throws Exception {
        SecurityAssociationDatabase db = db();
        SadSession s = db.openSession(b -> { });
        assertArrayEquals(vector("add-reply-ccm8"), only(s.send(vector("add-request-ccm8"))));
        assertArrayEquals(vector("add-reply-eexist"), only(s.send(vector("add-request-ccm8"))));
        assertArrayEquals(vector("delete-reply"), only(s.send(vector("delete-request"))));
        assertArrayEquals(vector("delete-reply-esrch"), only(s.send(vector("delete-request"))));
        // GETSPI asking for exactly 0x1234 (the reply does not echo the range).
        byte[] getspi = PfKeyRequests.getSpi(S, C, 0x1234, 0x1234, 7, 4242).encode();
        assertArrayEquals(vector("getspi-reply"), only(s.send(getspi)));
        assertArrayEquals(vector("update-reply"), only(s.send(vector("update-request"))));
        assertArrayEquals(vector("register-reply"), only(s.send(vector("register-request"))));
        assertArrayEquals(vector("flush-reply"), only(s.send(vector("flush-request"))));
        assertArrayEquals(vector("dump-reply-empty-enoent"), only(s.send(vector("dump-request"))));
        assertEquals(0, db.size());
    }

    @Test
    void dumpOfOneSaIsTheVectorWithoutKeys() throws Exception {
        SecurityAssociationDatabase db = db();
        SadSession s = db.openSession(b -> { });
        // the vector is an SA with a 64-record window (sadb_sa_replay 64, no replay extension), stated here since
        // ReplayWindow.DEFAULT_SIZE became 512
        s.add(new SaSpec(0x1001, C, S, CipherSuite.AES_128_CCM_8, K16, IV4, null, 64, 0, 0, null, null));
        assertArrayEquals(vector("dump-reply-last-no-keys"), only(s.send(vector("dump-request"))));
    }

    @Test
    void expireSoftThenHardArePushedAsTheVectors() throws Exception {
        SecurityAssociationDatabase db = db();
        List<byte[]> pushed = Collections.synchronizedList(new ArrayList<>());
        SadSession kmp = db.openSession(pushed::add);
        kmp.register();
        SadSession s = db.openSession(b -> { });
        only(s.send(vector("add-request-ccm8")));
        pushed.clear(); // the ADD broadcast
        var sa = db.outbound(LocalId.of(C), PeerId.of(S));
        clock.advanceSeconds(5);
        for (int i = 0; i < 1000; i++) {
            sa.checkUsable();
            sa.reserveSequence();
            sa.reportSealed(50);
        }
        assertEquals(1, pushed.size());
        assertArrayEquals(vector("expire-soft"), pushed.get(0));
        for (int i = 0; i < 1000; i++) {
            sa.reserveSequence();
            sa.reportSealed(40);
        }
        assertEquals(2, pushed.size());
        assertArrayEquals(vector("expire-hard"), pushed.get(1));
        RecSecException e = org.junit.jupiter.api.Assertions.assertThrows(RecSecException.class, sa::reserveSequence);
        assertEquals(RecSecException.Reason.SA_EXPIRED, e.reason());
    }

    @Test
    void acquireIsTheVectorAndAFailureAnswerEndsTheWait() throws Exception {
        SecurityAssociationDatabase db = db();
        List<byte[]> pushed = Collections.synchronizedList(new ArrayList<>());
        SadSession kmp = db.openSession(b -> {
            pushed.add(b);
        });
        kmp.register();
        // The KMP answers from its callback: refuse with ETIMEDOUT under the ACQUIRE's seq.
        SadSession answering = db.openSession(b -> { });
        SadSession kmp2 = db.openSession(b -> answering.send(vector("acquire-failure-from-kmp")));
        kmp2.register();
        RecSecException e = org.junit.jupiter.api.Assertions.assertThrows(RecSecException.class,
                () -> db.outbound(LocalId.of(C), PeerId.of(S)));
        assertEquals(RecSecException.Reason.KEY_MANAGEMENT, e.reason());
        // A wait that ran out would end UNKNOWN_SA ("no key manager answered"), not with the KMP's refusal.
        assertEquals(true, e.getMessage().contains("refused ACQUIRE"), e.getMessage());
        assertArrayEquals(vector("acquire"), pushed.get(0));
    }
}
