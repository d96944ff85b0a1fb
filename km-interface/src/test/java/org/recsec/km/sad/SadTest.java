package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.Direction;
import org.recsec.record.spi.InboundSa;
import org.recsec.record.spi.OutboundSa;
import org.recsec.record.spi.RecordCipher;
import org.recsec.record.spi.SecurityAssociation;

class SadTest {
    static final String C = "coap://127.0.0.1:5683";
    static final String S = "coap://127.0.0.1:5684";
    static final SecretBytes K = SecretBytes.copyOf(new byte[16]);
    static final SecretBytes IV = SecretBytes.copyOf(new byte[4]);
    final MutableClock clock = new MutableClock(1_000_000);

    SecurityAssociationDatabase.Builder builder() {
        return SecurityAssociationDatabase.builder(clock, new Random(7)).acquireTimeout(Duration.ofMillis(300));
    }

    static SaSpec spec(long spi, String src, String dst) {
        return SaSpec.withKeys(spi, src, dst, CipherSuite.AES_128_CCM_8, K, IV);
    }

    static int errno(List<byte[]> replies) throws PfKeyException {
        return PfKeyMessage.decode(replies.get(0)).errno();
    }

    @Test
    void directionFollowsTheLocalIdentities() throws Exception {
        SecurityAssociationDatabase db = builder().localIdentities(Set.of(C)).build();
        SadSession s = db.openSession(b -> { });
        s.addPair(spec(0x1001, C, S), spec(0x2002, S, C), 0);
        OutboundSa out = db.outbound(LocalId.of(C), PeerId.of(S));
        assertEquals(Direction.OUTBOUND, out.direction());
        assertEquals(0x1001, out.spi());
        assertEquals(LocalId.of(C), out.localId());
        assertEquals(PeerId.of(S), out.peerId());
        InboundSa in = db.inbound(0x2002);
        assertEquals(Direction.INBOUND, in.direction());
        assertEquals(PeerId.of(S), in.peerId());
        // An inbound SA has no reserveSequence() to call by mistake; its window holds ReplayWindow.DEFAULT_SIZE records.
        int w = org.recsec.record.internal.ReplayWindow.DEFAULT_SIZE;
        in.reportAuthenticated(5000, 1);
        assertTrue(in.shouldDiscard(5000 - w));
        assertFalse(in.shouldDiscard(5001 - w));
        // 0x1001 goes to S, which is not local: not an inbound SA here.
        assertEquals(RecSecException.Reason.UNKNOWN_SA, assertThrows(RecSecException.class,
                () -> db.inbound(0x1001)).reason());
        assertEquals(PfKey.EINVAL, errno(s.send(PfKeyRequests.add(spec(0x3003, S, "coap://10.0.0.9:1"), 1, 0)
                .encode())));
    }

    @Test
    void addExistingIsEexistAndGetMissingIsEsrchAndGetReturnsKeysDumpDoesNot() throws Exception {
        SecurityAssociationDatabase db = builder().everyIdentityLocal().build();
        SadSession s = db.openSession(b -> { });
        byte[] key = new byte[16];
        new Random(3).nextBytes(key);
        s.add(SaSpec.withKeys(0x1001, C, S, CipherSuite.AES_128_GCM, SecretBytes.copyOf(key), IV));
        assertEquals(PfKey.EEXIST, assertThrows(PfKeyException.class, () -> s.add(spec(0x1001, C, S))).errno());
        // Same inbound SPI towards another (local) destination is refused too: inbound SPIs are unique.
        assertEquals(PfKey.EEXIST, assertThrows(PfKeyException.class, () -> s.add(spec(0x1001, S, C))).errno());
        assertEquals(PfKey.ESRCH, assertThrows(PfKeyException.class, () -> s.get(0x9999, C, S)).errno());
        assertEquals(PfKey.ESRCH, assertThrows(PfKeyException.class, () -> s.delete(0x9999, C, S)).errno());
        PfKeyMessage got = s.get(0x1001, C, S);
        assertArrayEquals(key, got.ext(PfKey.SADB_EXT_KEY_ENCRYPT, PfKeyExtension.Key.class)
                .orElseThrow().key().toByteArray());
        for (byte[] d : s.send(PfKeyRequests.dump(5, 0).encode())) {
            PfKeyMessage m = PfKeyMessage.decode(d);
            assertFalse(m.has(PfKey.SADB_EXT_KEY_ENCRYPT));
            assertFalse(m.has(PfKey.SADB_X_EXT_RECSEC_IV));
        }
        s.delete(0x1001, C, S);
        assertEquals(0, db.size());
    }

    @Test
    void dumpCountsSeqDownToZero() throws Exception {
        SecurityAssociationDatabase db = builder().everyIdentityLocal().build();
        SadSession s = db.openSession(b -> { });
        for (int i = 0; i < 5; i++) {
            s.add(spec(0x1000 + i, C, S + i));
        }
        List<byte[]> dump = s.send(PfKeyRequests.dump(9, 0).encode());
        assertEquals(5, dump.size());
        for (int i = 0; i < 5; i++) {
            PfKeyMessage m = PfKeyMessage.decode(dump.get(i));
            assertEquals(4 - i, m.seq());
            assertEquals(0x1000 + i, m.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class).orElseThrow().spi());
        }
    }

    @Test
    void larvalSaIsCompletedOnlyByItsCreatorAndExpiresOtherwise() throws Exception {
        SecurityAssociationDatabase db = builder().everyIdentityLocal().larvalTimeout(Duration.ofSeconds(10))
                .build();
        SadSession a = db.openSession(b -> { });
        SadSession other = db.openSession(b -> { });
        PfKeyMessage r = a.request(PfKeyRequests.getSpi(S, C, 0x10000, 0x1ffff, 3, 0));
        long spi = r.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class).orElseThrow().spi();
        assertTrue(spi >= 0x10000 && spi <= 0x1ffff);
        assertEquals(RecSecException.Reason.UNKNOWN_SA, assertThrows(RecSecException.class,
                () -> db.inbound(spi)).reason());
        assertEquals(PfKey.EEXIST, errno(a.send(PfKeyRequests.getSpi(S, C, spi, spi, 4, 0).encode())));
        assertEquals(PfKey.EACCES, errno(other.send(PfKeyRequests.update(spec(spi, S, C), 3, 0).encode())));
        a.request(PfKeyRequests.update(spec(spi, S, C), 3, 0));
        assertEquals(Direction.INBOUND, db.inbound(spi).direction());
        // UPDATE of a mature SA may not change keys, may change lifetimes and state.
        assertEquals(PfKey.EINVAL, errno(a.send(PfKeyRequests.update(spec(spi, S, C), 5, 0).encode())));
        // A second larval SA is dropped after the timeout.
        a.request(PfKeyRequests.getSpi(S, C, 0x3000, 0x3000, 6, 0));
        assertEquals(2, db.size());
        clock.advanceSeconds(11);
        db.expireDue();
        assertEquals(1, db.size());
    }

    @Test
    void updateToDeadThenUpdateAgainIsEinval() throws Exception {
        SecurityAssociationDatabase db = builder().everyIdentityLocal().build();
        SadSession s = db.openSession(b -> { });
        s.add(spec(0x1001, C, S));
        PfKeyMessage kill = PfKeyMessage.builder(PfKey.SADB_UPDATE, PfKey.SADB_X_SATYPE_RECSEC)
                .add(new PfKeyExtension.Sa(0x1001, 0, PfKey.SADB_SASTATE_DEAD, 0, 0, 0))
                .add(new PfKeyExtension.Identity(PfKey.SADB_EXT_IDENTITY_SRC, 32, 0, C))
                .add(new PfKeyExtension.Identity(PfKey.SADB_EXT_IDENTITY_DST, 32, 0, S)).build();
        s.request(kill);
        assertEquals(RecSecException.Reason.SA_EXPIRED, assertThrows(RecSecException.class,
                () -> db.inbound(0x1001)).reason());
        assertEquals(PfKey.EINVAL, s.send(kill).get(0).errno());
    }

    @Test
    void timeLifetimesExpireByTheInjectedClock() throws Exception {
        SecurityAssociationDatabase db = builder().everyIdentityLocal().build();
        List<PfKeyMessage> pushed = Collections.synchronizedList(new ArrayList<>());
        SadSession kmp = db.openSession(b -> {
            try {
                pushed.add(PfKeyMessage.decode(b));
            } catch (PfKeyException e) {
                throw new AssertionError(e);
            }
        });
        kmp.register();
        kmp.add(spec(0x1001, C, S).withLifetimes(
                new PfKeyExtension.Lifetime(PfKey.SADB_EXT_LIFETIME_SOFT, 0, 0, 0, 30),
                new PfKeyExtension.Lifetime(PfKey.SADB_EXT_LIFETIME_HARD, 0, 0, 100, 0)));
        OutboundSa sa = db.outbound(LocalId.of(C), PeerId.of(S));
        clock.advanceSeconds(50);
        sa.checkUsable(); // never used yet: the use-time limit has not started
        sa.reportSealed(10);
        clock.advanceSeconds(30);
        db.expireDue();
        assertEquals(1, pushed.size());
        assertEquals(PfKey.SADB_EXPIRE, pushed.get(0).type());
        assertTrue(pushed.get(0).has(PfKey.SADB_EXT_LIFETIME_SOFT));
        sa.reserveSequence(); // DYING still works
        clock.advanceSeconds(20);
        assertEquals(RecSecException.Reason.SA_EXPIRED, assertThrows(RecSecException.class, sa::checkUsable)
                .reason());
        assertEquals(2, pushed.size());
        assertTrue(pushed.get(1).has(PfKey.SADB_EXT_LIFETIME_HARD));
        assertEquals(PfKey.SADB_SASTATE_DEAD, pushed.get(1).ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class)
                .orElseThrow().state());
        assertEquals(RecSecException.Reason.SA_EXPIRED, assertThrows(RecSecException.class,
                () -> db.outbound(LocalId.of(C), PeerId.of(S))).reason());
    }

    @Test
    void rekeyPrefersTheMatureSaOverTheDyingOne() throws Exception {
        SecurityAssociationDatabase db = builder().everyIdentityLocal().build();
        SadSession s = db.openSession(b -> { });
        s.add(spec(0x1001, C, S).withLifetimes(
                new PfKeyExtension.Lifetime(PfKey.SADB_EXT_LIFETIME_SOFT, 1, 0, 0, 0), null));
        db.outbound(LocalId.of(C), PeerId.of(S)).reportSealed(1);
        assertEquals(0x1001, db.outbound(LocalId.of(C), PeerId.of(S)).spi()); // DYING, but the only one
        s.add(spec(0x1002, C, S));
        assertEquals(0x1002, db.outbound(LocalId.of(C), PeerId.of(S)).spi());
        s.delete(0x1002, C, S);
        assertEquals(0x1001, db.outbound(LocalId.of(C), PeerId.of(S)).spi());
    }

    @Test
    void acquireIsAnsweredByAKmpOnAnotherThread() throws Exception {
        SecurityAssociationDatabase db = builder().everyIdentityLocal().acquireTimeout(Duration.ofSeconds(5)).build();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        SadSession[] kmp = new SadSession[1];
        kmp[0] = db.openSession(b -> {
            PfKeyMessage m;
            try {
                m = PfKeyMessage.decode(b);
            } catch (PfKeyException e) {
                failure.set(e);
                return;
            }
            if (m.type() != PfKey.SADB_ACQUIRE) {
                return;
            }
            new Thread(() -> {
                try {
                    kmp[0].addPair(spec(0x2002, S, C), spec(0x1001, C, S), m.seq());
                } catch (PfKeyException e) {
                    failure.set(e);
                }
            }).start();
        });
        kmp[0].register();
        OutboundSa sa = db.outbound(LocalId.of(C), PeerId.of(S));
        assertEquals(0x1001, sa.spi());
        assertNull(failure.get());
    }

    @Test
    void acquireWithoutKmpFailsAtOnceAndUnansweredAcquireTimesOutOnTheInjectedClock() throws Exception {
        SecurityAssociationDatabase db = builder().everyIdentityLocal().build();
        assertEquals(RecSecException.Reason.UNKNOWN_SA, assertThrows(RecSecException.class,
                () -> db.outbound(LocalId.of(C), PeerId.of(S))).reason());
        // A KMP that sees the ACQUIRE and never answers; the test clock then moves past the acquire timeout.
        db.openSession(b -> {
            try {
                if (PfKeyMessage.decode(b).type() == PfKey.SADB_ACQUIRE) {
                    clock.advanceSeconds(3);
                }
            } catch (PfKeyException e) {
                throw new AssertionError(e);
            }
        }).register();
        RecSecException e = assertThrows(RecSecException.class, () -> db.outbound(LocalId.of(C), PeerId.of(S)));
        assertEquals(RecSecException.Reason.UNKNOWN_SA, e.reason());
        assertTrue(e.getMessage().contains("no key manager answered ACQUIRE"), e.getMessage());
    }

    @Test
    void ciphersComeFromTheFactoryOrTheSeBridgeLazily() throws Exception {
        List<Object[]> made = new ArrayList<>();
        RecordCipher seCipher = RefusingCipher.of(CipherSuite.AES_128_CCM_8, "marker");
        SecurityAssociationDatabase db = builder().everyIdentityLocal()
                .cipherFactory((suite, key, iv) -> {
                    made.add(new Object[] {suite, key, iv.clone()});
                    return RefusingCipher.of(suite, "test");
                })
                .seCipherProvider(h -> h.equals("se:1") ? seCipher : null).build();
        SadSession s = db.openSession(b -> { });
        s.add(SaSpec.withKeys(0x1001, C, S, CipherSuite.CHACHA20_POLY1305, SecretBytes.copyOf(new byte[32]),
                SecretBytes.copyOf(new byte[12])));
        s.add(SaSpec.onSecureElement(0x2002, "SEN-1", C, CipherSuite.AES_128_CCM_8, "se:1"));
        assertTrue(made.isEmpty(), "no cipher before first use");
        RecordCipher c = db.outbound(LocalId.of(C), PeerId.of(S)).cipher();
        assertSame(c, db.outbound(LocalId.of(C), PeerId.of(S)).cipher());
        assertEquals(1, made.size());
        assertEquals(CipherSuite.CHACHA20_POLY1305, made.get(0)[0]);
        assertEquals(12, ((byte[]) made.get(0)[2]).length);
        assertSame(seCipher, db.inbound(0x2002).cipher());
    }
}
