package org.recsec.kmp.se;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.base.RecSecException;
import org.recsec.record.RecordProtector;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.se.host.KeyBlock;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeSession;
import org.recsec.vectors.SpecVectors;

/**
 * The SE KMP's exported pair under every record profile: the card's handshake against Bouncy Castle's DTLS server,
 * the card's pair exported and the server's derived from its key block, both under the same profile; requests and
 * responses through unchanged RecordProtectors both ways, in the profile's record format. The compact profile's
 * traffic secrets ({@link CompactKeySchedule}) are checked against Bouncy Castle's HKDF with a hand-built
 * HkdfLabel.
 */
@Timeout(60)
class SeKmpProfilesTest {

    @ParameterizedTest
    @ValueSource(ints = {PfKey.RECSEC_PROFILE_DTLS12, PfKey.RECSEC_PROFILE_DTLS12_CID, PfKey.RECSEC_PROFILE_COMPACT,
        PfKey.RECSEC_PROFILE_COMPACT_SEQ8})
    void exportedAndServerPairsOfOneProfileTalk(int profile) throws Exception {
        try (SeFixture f = new SeFixture(SeCard.POLICY_EXPORT)) {
            SeSession session = f.handshake();
            PskDtlsServer.Established est = f.serverSide();
            SecurityAssociationDatabase client = SeFixture.sad(SeFixture.C, null);
            SecurityAssociationDatabase server = SeFixture.sad(SeFixture.S, null);
            SeSpis spis = SeKmp.installExported(session, client.openSession(b -> { }), SeFixture.C, SeFixture.S,
                    profile);
            assertEquals(est.spis(), spis);
            SeKmp.installServer(est.keys(), est.clientRandom(), est.serverRandom(), server.openSession(b -> { }),
                    SeFixture.S, SeFixture.C, 1, profile);

            List<byte[]> records = SeKmpTest.exchange(client, server, 3);
            for (int i = 0; i < records.size(); i++) {
                byte[] r = records.get(i);
                switch (profile) {
                    case PfKey.RECSEC_PROFILE_DTLS12 -> {
                        assertEquals(23, r[0]);
                        assertEquals(1, Bytes.readUint16Be(r, 3), "epoch 1");
                        assertEquals(i + 1, Bytes.readUint48Be(r, 5), "after the card's Finished");
                    }
                    case PfKey.RECSEC_PROFILE_DTLS12_CID -> {
                        assertEquals(25, r[0]);
                        assertEquals(1, Bytes.readUint16Be(r, 3), "epoch 1");
                        assertEquals(i + 1, Bytes.readUint48Be(r, 5), "after the card's Finished");
                        assertEquals(spis.clientToServer(), Bytes.readUint32Be(r, 11), "CID = the server's SPI");
                    }
                    default -> {
                        int h = r[0] & 0xff;
                        assertEquals(0b001, h >>> 5, "RFC 9147 unified header");
                        assertEquals(SeKmp.COMPACT_EPOCH & 3, h & 3, "epoch 3");
                        assertEquals(profile == PfKey.RECSEC_PROFILE_COMPACT ? 0x08 : 0, h & 0x08, "S bit");
                    }
                }
            }

            // a flipped bit in a fresh request record is refused by the server's inbound SA
            RecordProtector cp = new RecordProtector(client);
            CoapMessage get = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 9, new byte[] {9}, List.of(),
                    "late".getBytes(StandardCharsets.US_ASCII));
            ProtectedRequest pr = cp.protectRequest(get, LocalId.of(SeFixture.C), PeerId.of(SeFixture.S));
            byte[] bad = pr.outer().payload().clone();
            bad[bad.length - 1] ^= 0x40;
            RecordProtector sp = new RecordProtector(server);
            assertEquals(RecSecException.Reason.AUTH_FAILED, assertThrows(RecSecException.class,
                    () -> sp.unprotectRequest(pr.outer().withPayload(bad))).reason());
            assertEquals(get, sp.unprotectRequest(pr.outer()).message());
        }
    }

    @Test
    void anUnknownProfileIsRefusedBeforeTheCardGivesUpItsKeys() throws Exception {
        try (SeFixture f = new SeFixture(SeCard.POLICY_EXPORT)) {
            SeSession session = f.handshake();
            SecurityAssociationDatabase client = SeFixture.sad(SeFixture.C, null);
            assertThrows(IllegalArgumentException.class, () -> SeKmp.installExported(session,
                    client.openSession(b -> { }), SeFixture.C, SeFixture.S, 9));
            assertEquals(SeCard.STATE_ESTABLISHED, f.agent.state(), "the card still holds the session");
            assertEquals(0, client.size());
        }
    }

    @Test
    void compactSecretsFollowTheDocumentedScheduleInBouncyCastlesHkdf() {
        Random rnd = new Random(15);
        for (int round = 0; round < 4; round++) {
            byte[] kb = new byte[KeyBlock.LENGTH];
            byte[] cr = new byte[32];
            byte[] sr = new byte[32];
            rnd.nextBytes(kb);
            rnd.nextBytes(cr);
            rnd.nextBytes(sr);
            CompactKeySchedule.Secrets s = CompactKeySchedule.derive(KeyBlock.split(kb, 0), cr, sr);
            byte[] salt = new byte[64];
            System.arraycopy(cr, 0, salt, 0, 32);
            System.arraycopy(sr, 0, salt, 32, 32);
            HKDFBytesGenerator extract = new HKDFBytesGenerator(new SHA256Digest());
            byte[] prk = extract.extractPRK(salt, kb);
            assertArrayEquals(expandLabel(prk, "dtls13recsec c ap"), s.clientToServer().toByteArray());
            assertArrayEquals(expandLabel(prk, "dtls13recsec s ap"), s.serverToClient().toByteArray());
            assertFalse(s.clientToServer().equalsSecret(s.serverToClient()));
            assertFalse(s.toString().contains(Bytes.toHex(s.clientToServer().toByteArray())));
        }
        byte[] kb = new byte[KeyBlock.LENGTH];
        assertThrows(IllegalArgumentException.class,
                () -> CompactKeySchedule.derive(KeyBlock.split(kb, 0), new byte[31], new byte[32]));
    }

    @Test
    void compactScheduleVectorsOfAnIndependentImplementation() {
        for (JsonNode v : SpecVectors.vectors("se-compact-schedule.json")) {
            String name = v.get("name").asText();
            byte[] cr = SpecVectors.hex(v, "client_random");
            byte[] sr = SpecVectors.hex(v, "server_random");
            CompactKeySchedule.Secrets s = CompactKeySchedule.derive(KeyBlock.split(SpecVectors.hex(v, "key_block"),
                    0), cr, sr);
            assertArrayEquals(SpecVectors.hex(v, "c2s_secret"), s.clientToServer().toByteArray(), name);
            assertArrayEquals(SpecVectors.hex(v, "s2c_secret"), s.serverToClient().toByteArray(), name);
            byte[] salt = new byte[64];
            System.arraycopy(cr, 0, salt, 0, 32);
            System.arraycopy(sr, 0, salt, 32, 32);
            assertArrayEquals(SpecVectors.hex(v, "prk"), new HKDFBytesGenerator(new SHA256Digest())
                    .extractPRK(salt, SpecVectors.hex(v, "key_block")), name);
        }
    }

    /** HKDF-Expand(prk, HkdfLabel{32, full label, ""}, 32) with the HkdfLabel written out by hand (RFC 8446 §7.1). */
    private static byte[] expandLabel(byte[] prk, String fullLabel) {
        byte[] l = fullLabel.getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + l.length + 1];
        info[1] = 32;
        info[2] = (byte) l.length;
        System.arraycopy(l, 0, info, 3, l.length);
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(HKDFParameters.skipExtractParameters(prk, info));
        byte[] out = new byte[32];
        g.generateBytes(out, 0, 32);
        return out;
    }
}
