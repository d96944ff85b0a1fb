package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * The record profile through key management: the PF_KEY profile extension carries it, the SAD builds the cipher of
 * that profile (checked against a ManualSa of the same profile, keys and SPI), it survives a restart from the state
 * directory, and messages that do not fit their profile are refused with EINVAL.
 */
class SadProfileTest {
    static final String C = "coap://127.0.0.1:5683";
    static final String S = "coap://127.0.0.1:5684";
    static final CipherSuite SUITE = CipherSuite.AES_128_CCM_8;

    static SaSpec spec(int profile, long spi, Random r) {
        if (PfKey.isCompactProfile(profile)) {
            byte[] secret = new byte[32];
            r.nextBytes(secret);
            return SaSpec.compact(spi, C, S, SUITE, SecretBytes.copyOf(secret),
                    profile == PfKey.RECSEC_PROFILE_COMPACT ? 2 : 1).withProfile(3, 0);
        }
        byte[] key = new byte[16];
        byte[] iv = new byte[4];
        r.nextBytes(key);
        r.nextBytes(iv);
        return SaSpec.withKeys(spi, C, S, SUITE, SecretBytes.copyOf(key), SecretBytes.copyOf(iv)).withProfile(1, 0)
                .withRecordProfile(profile);
    }

    /** The inbound ManualSa a peer without key management would install for {@code s}. */
    static ManualSa.Inbound manual(SaSpec s) {
        ManualSa.InboundBuilder b = ManualSa.inbound(s.suite()).spi(s.spi()).epoch(s.epoch())
                .route(LocalId.of(S), PeerId.of(C));
        return switch (s.profile()) {
            case PfKey.RECSEC_PROFILE_COMPACT -> b.profile(RecordProfile.COMPACT).secret(s.key()).build();
            case PfKey.RECSEC_PROFILE_COMPACT_SEQ8 -> b.profile(RecordProfile.COMPACT).sequenceBytes(1)
                    .secret(s.key()).build();
            case PfKey.RECSEC_PROFILE_DTLS12_CID -> b.profile(RecordProfile.DTLS12_CID).key(s.key())
                    .iv(s.iv().toByteArray()).build();
            default -> b.key(s.key()).iv(s.iv().toByteArray()).build();
        };
    }

    static CoapMessage get() {
        return new CoapMessage(CoapMessage.TYPE_CON, 0x01, 0x77, new byte[] {4, 2},
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "t")), new byte[0]);
    }

    @ParameterizedTest
    @ValueSource(ints = {PfKey.RECSEC_PROFILE_DTLS12, PfKey.RECSEC_PROFILE_DTLS12_CID, PfKey.RECSEC_PROFILE_COMPACT,
            PfKey.RECSEC_PROFILE_COMPACT_SEQ8})
    void theProfileTravelsThroughPfKeyAndPicksTheCipher(int profile) throws Exception {
        SaSpec s = spec(profile, 0x1234, new Random(profile));
        PfKeyMessage m = PfKeyMessage.decode(PfKeyRequests.add(s, 1, 0).encode());
        assertEquals(profile, m.ext(PfKey.SADB_X_EXT_RECSEC_PROFILE, PfKeyExtension.Profile.class)
                .orElseThrow().profile());
        assertEquals(PfKey.isCompactProfile(profile), !m.has(PfKey.SADB_X_EXT_RECSEC_IV));
        SaSpec back = SaSpec.fromMessage(m);
        assertEquals(profile, back.profile());
        assertArrayEquals(s.key().toByteArray(), back.key().toByteArray());

        SecurityAssociationDatabase client = SecurityAssociationDatabase.builder(new MutableClock(1), new Random(1))
                .localIdentities(Set.of(C)).build();
        SadSession session = client.openSession(b -> { });
        assertEquals(0, PfKeyMessage.decode(session.send(PfKeyRequests.add(s, 1, 0).encode()).get(0)).errno());
        RecordProfile expected = switch (profile) {
            case PfKey.RECSEC_PROFILE_DTLS12_CID -> RecordProfile.DTLS12_CID;
            case PfKey.RECSEC_PROFILE_COMPACT, PfKey.RECSEC_PROFILE_COMPACT_SEQ8 -> RecordProfile.COMPACT;
            default -> RecordProfile.DTLS12;
        };
        assertEquals(expected, client.outbound(LocalId.of(C), PeerId.of(S)).cipher().profile());

        // A peer keyed by hand with the same profile opens what the SAD's SA sealed.
        ProtectedRequest req = new RecordProtector(client).protectRequest(get(), LocalId.of(C), PeerId.of(S));
        InMemorySaRegistry server = new InMemorySaRegistry();
        server.install(manual(s));
        assertEquals(get(), new RecordProtector(server).unprotectRequest(req.outer()).message());

        // GET shows the profile back.
        PfKeyMessage got = PfKeyMessage.decode(session.send(PfKeyRequests.get(s.spi(), C, S, 2, 0).encode())
                .get(0));
        assertEquals(profile, got.ext(PfKey.SADB_X_EXT_RECSEC_PROFILE, PfKeyExtension.Profile.class)
                .orElseThrow().profile());
    }

    @ParameterizedTest
    @ValueSource(ints = {PfKey.RECSEC_PROFILE_DTLS12_CID, PfKey.RECSEC_PROFILE_COMPACT_SEQ8})
    void theProfileSurvivesARestart(int profile, @TempDir Path dir) throws Exception {
        SaSpec s = spec(profile, 0x4321, new Random(profile));
        try (SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(new MutableClock(1000),
                new Random(1)).everyIdentityLocal().stateDirectory(dir).build()) {
            db.openSession(b -> { }).add(s);
        }
        try (SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(new MutableClock(1000),
                new Random(1)).everyIdentityLocal().stateDirectory(dir).build()) {
            ProtectedRequest req = new RecordProtector(db).protectRequest(get(), LocalId.of(C), PeerId.of(S));
            InMemorySaRegistry server = new InMemorySaRegistry();
            server.install(manual(s));
            assertEquals(get(), new RecordProtector(server).unprotectRequest(req.outer()).message());
        }
    }

    static int errno(PfKeyMessage m) throws Exception {
        SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(new MutableClock(1), new Random(1))
                .everyIdentityLocal().build();
        return PfKeyMessage.decode(db.openSession(b -> { }).send(m.encode()).get(0)).errno();
    }

    @Test
    void messagesThatDoNotFitTheirProfileAreRefused() throws Exception {
        Random r = new Random(3);
        SaSpec dtls = spec(PfKey.RECSEC_PROFILE_DTLS12, 0x1111, r);
        SaSpec compact = spec(PfKey.RECSEC_PROFILE_COMPACT, 0x2222, r);
        PfKeyMessage add = PfKeyRequests.add(dtls, 1, 0);
        // unknown profile id
        PfKeyMessage unknown = add.toBuilder().add(new PfKeyExtension.Profile(0, 9, 0)).build();
        assertEquals(PfKey.EINVAL, errno(unknown));
        assertThrows(PfKeyException.class, () -> SaSpec.fromMessage(unknown));
        // compact with the dtls12 key and IV: a 16-byte key and an IV
        PfKeyMessage compactWithIv = add.toBuilder().add(new PfKeyExtension.Profile(0,
                PfKey.RECSEC_PROFILE_COMPACT, 0)).build();
        assertEquals(PfKey.EINVAL, errno(compactWithIv));
        // compact with its 32-byte secret plus an IV
        PfKeyMessage secretAndIv = PfKeyRequests.add(compact, 1, 0).toBuilder()
                .add(new PfKeyExtension.Iv(SecretBytes.copyOf(new byte[4]))).build();
        assertEquals(PfKey.EINVAL, errno(secretAndIv));
        // dtls12-cid with a compact secret and no IV
        PfKeyMessage cidWithSecret = PfKeyRequests.add(compact, 1, 0).toBuilder()
                .add(new PfKeyExtension.Profile(0, PfKey.RECSEC_PROFILE_DTLS12_CID, 0)).build();
        assertEquals(PfKey.EINVAL, errno(cidWithSecret));
        // an SE-resident SA of another profile than dtls12
        PfKeyMessage se = PfKeyRequests.add(SaSpec.onSecureElement(0x3333, C, S, SUITE, "se-1"), 1, 0).toBuilder()
                .add(new PfKeyExtension.Profile(0, PfKey.RECSEC_PROFILE_DTLS12_CID, 0)).build();
        assertEquals(PfKey.EINVAL, errno(se));
        assertThrows(IllegalArgumentException.class, () -> dtls.withRecordProfile(PfKey.RECSEC_PROFILE_COMPACT));
        assertThrows(IllegalArgumentException.class, () -> compact.withRecordProfile(PfKey.RECSEC_PROFILE_DTLS12));
        assertThrows(IllegalArgumentException.class, () -> dtls.withRecordProfile(0));
    }
}
