package org.recsec.kmp.iose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsec.km.sad.SeCipherProvider;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.base.RecSecException;
import org.recsec.record.RecordProtector;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.coap.CoapMessage;

/**
 * Issue 18 item 9 end to end: an attested IoSE session keys a record SA pair; the user's side goes into the user's
 * SAD through PF_KEY ADD from Bouncy Castle's exporter, the card's side stays on the card and the grid host's SAD
 * reaches it through SA-SEAL / SA-OPEN. CoAP requests protected by record-sec go one way, responses the other,
 * through unchanged {@link RecordProtector}s. Bouncy Castle's TLS-Exporter (RFC 8446 §7.5) and the card's are two
 * implementations: every opened record is a check that they agree. Another session's exporter (a relay's) keys
 * another pair, which opens none of the user's records.
 */
class RecordSaTest {
    private static final String USER = "user";
    private static final int CODE_GET = 0x01;
    private static final int CODE_CONTENT = 0x45;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    private static SecurityAssociationDatabase sad(String local, SeCipherProvider se) throws Exception {
        SecurityAssociationDatabase.Builder b = SecurityAssociationDatabase.builder(Clock.systemUTC(),
                new SecureRandom()).localIdentities(Set.of(local));
        if (se != null) {
            b.seCipherProvider(se);
        }
        return b.build();
    }

    @Test
    void attestedSessionKeysAPairTheCardUsesForCoapFromTheGridHost() throws Exception {
        String sen = "record-sa-a";
        TestCa ca = new TestCa("provider-ca");
        try (IoseGrid grid = new IoseGrid(List.of(TestSes.card(sen)), IoseGrid.Config.defaults(), System::nanoTime)) {
            int port = grid.start(InetAddress.getLoopbackAddress(), 0);
            try (IoseClient p = AttestationTest.open(port, sen, TestSes.PSK)) {
                IoseAttestation.provision(p, sen, ca.keys.getPrivate(), ca.cert, clock, random);
            }
            SecurityAssociationDatabase user = sad(USER, null);
            SecurityAssociationDatabase host = sad(sen, grid.recordCiphers());
            IoseRecordSa.Spis spis = IoseRecordSa.Spis.random(random);
            try (IoseClient u = AttestationTest.open(port, sen, TestSes.PSK)) {
                IoseAttestation.attest(u, sen, ca.cert, AttestationTest.USER_PSK, clock, random);
                IoseRecordSa.install(u, spis, user.openSession(b -> { }), USER, sen);
                // the card's TLS-Exporter (shell line e) and Bouncy Castle's HKDF give the same bytes
                for (int d = 0; d < 2; d++) {
                    byte[] ctx = IoseRecordSa.context(spis, d);
                    assertEquals(HexFormat.of().withUpperCase().formatHex(
                            u.exportKeyingMaterial(IoseRecordSa.LABEL, ctx, 20)), u.call("e" + HexFormat.of()
                            .formatHex(ctx)), "direction " + d);
                }
                assertEquals("E range", u.call("r0000000100000200"), "an SPI below 256 is refused");
                assertEquals("E range", u.call("r0000020000000200"), "equal SPIs are refused");
            }
            IoseCard card = grid.card(sen);
            IoseCard.SaInfo info = card.saInfo();
            assertEquals(new IoseCard.SaInfo(spis.clientToCard(), spis.cardToClient(), 0xC0A4), info,
                    "the card's SA has the user's SPIs and TLS_PSK_WITH_AES_128_CCM after TLS_AES_128_CCM_SHA256");
            String handle = IoseRecordSa.installOnCard(card, sen, host.openSession(b -> { }), sen, USER);
            assertEquals("iose:" + sen + ":c0a4", handle);
            assertInstanceOf(IoseRecordCipher.class, host.inbound(spis.clientToCard()).cipher(),
                    "the grid host's SA holds no key: its cipher is the card");
            assertEquals(CipherSuite.AES_128_CCM, user.inbound(spis.cardToClient()).suite());

            long apdus = card.apdus();
            List<byte[]> records = exchange(user, host, sen, 3);
            assertEquals(6, card.apdus() - apdus, "one SA-OPEN and one SA-SEAL per exchange, on the card");
            for (byte[] r : records) {
                assertFalse(contains(r, "request".getBytes(StandardCharsets.US_ASCII)), "no plaintext in a record");
            }
            // the SA outlives the TLS session that keyed it, also across a new session (RESET) on the card
            try (IoseClient again = AttestationTest.open(port, sen, AttestationTest.USER_PSK)) {
                assertEquals(588, again.call("p00").length());
            }
            exchange(user, host, sen, 1);

            // a forged record: the card refuses it, typed; the card never seals under a number it used
            byte[] forged = user.outbound(LocalId.of(USER), PeerId.of(sen)).cipher()
                    .seal(23, 0, 1000, new byte[] {1, 2, 3}, 0, 3);
            forged[forged.length - 1] ^= 1;
            assertEquals(RecSecException.Reason.AUTH_FAILED, assertThrows(RecSecException.class,
                    () -> host.inbound(spis.clientToCard()).cipher().open(forged, 0, forged.length)).reason());
            assertEquals(0x6985, assertThrows(SeException.class,
                    () -> card.saSeal(23, 0, 0, new byte[] {1})).sw(), "sequence 0 was sealed already");
        }
    }

    @Test
    void anotherSessionsExporterKeysAnotherPairSoARelayedSessionFails() throws Exception {
        try (IoseGrid grid = new IoseGrid(List.of(TestSes.card("record-sa-genuine"), TestSes.card("record-sa-relay")),
                IoseGrid.Config.defaults(), System::nanoTime)) {
            int port = grid.start(InetAddress.getLoopbackAddress(), 0);
            String genuine = "record-sa-genuine";
            SecurityAssociationDatabase user = sad(USER, null);
            SecurityAssociationDatabase host = sad(genuine, grid.recordCiphers());
            IoseRecordSa.Spis spis = IoseRecordSa.Spis.random(random);
            // the user's session ends at the relay; the relay opens its own session to the genuine card and asks
            // it for the pair with the user's SPIs
            try (IoseClient u = AttestationTest.open(port, "record-sa-relay", TestSes.PSK);
                    IoseClient relay = AttestationTest.open(port, genuine, TestSes.PSK)) {
                IoseRecordSa.install(u, spis, user.openSession(b -> { }), USER, genuine);
                assertEquals("OK", relay.call(IoseRecordSa.line(spis)));
                byte[] ctx = IoseRecordSa.context(spis, 0);
                assertFalse(Arrays.equals(u.exportKeyingMaterial(IoseRecordSa.LABEL, ctx, 20),
                        relay.exportKeyingMaterial(IoseRecordSa.LABEL, ctx, 20)), "two sessions, two exporters");
                assertFalse(Arrays.equals(u.exportKeyingMaterial(IoseRecordSa.LABEL, ctx, 20),
                        u.exportKeyingMaterial(IoseRecordSa.LABEL, IoseRecordSa.context(spis, 1), 20)),
                        "two directions, two keys");
            }
            IoseRecordSa.installOnCard(grid.card(genuine), genuine, host.openSession(b -> { }), genuine, USER);
            RecordProtector up = new RecordProtector(user);
            RecordProtector hp = new RecordProtector(host);
            CoapMessage req = new CoapMessage(CoapMessage.TYPE_CON, CODE_GET, 7, new byte[] {9}, List.of(),
                    "relayed".getBytes(StandardCharsets.US_ASCII));
            ProtectedRequest pr = up.protectRequest(req, LocalId.of(USER), PeerId.of(genuine));
            assertEquals(RecSecException.Reason.AUTH_FAILED, assertThrows(RecSecException.class,
                    () -> hp.unprotectRequest(pr.outer())).reason(), "the genuine card cannot open the user's record");
            byte[] fromCard = host.outbound(LocalId.of(genuine), PeerId.of(USER)).cipher().seal(23, 0, 5,
                    new byte[] {1, 2, 3}, 0, 3);
            assertEquals(RecSecException.Reason.AUTH_FAILED, assertThrows(RecSecException.class,
                    () -> user.inbound(spis.cardToClient()).cipher().open(fromCard, 0, fromCard.length)).reason(),
                    "nor the user the card's");
        }
    }

    @Test
    void unknownHandlesAndCardsWithoutAnSaAreRefusedTyped() throws Exception {
        try (IoseGrid grid = new IoseGrid(List.of(TestSes.card("record-sa-none")), IoseGrid.Config.defaults(),
                System::nanoTime)) {
            assertEquals(0x6985, assertThrows(SeException.class, () -> grid.card("record-sa-none").saInfo()).sw());
            for (String h : List.of("iose:nobody:c0a4", "iose:record-sa-none:zz", "other", "iose:record-sa-none:1301")) {
                assertEquals(RecSecException.Reason.KEY_MANAGEMENT, assertThrows(RecSecException.class,
                        () -> grid.recordCiphers().cipherFor(h).open(new byte[40], 0, 40)).reason(), h);
            }
            IoseRecordCipher c = new IoseRecordCipher(grid.card("record-sa-none"), CipherSuite.AES_128_CCM);
            assertEquals(RecSecException.Reason.KEY_MANAGEMENT, assertThrows(RecSecException.class,
                    () -> c.seal(23, 0, 1, new byte[1], 0, 1)).reason(), "no SA on the card");
            assertEquals(RecSecException.Reason.UNSUPPORTED, assertThrows(RecSecException.class,
                    () -> c.seal(23, 0, 1, new byte[c.maxPlaintext() + 1], 0, c.maxPlaintext() + 1)).reason());
        }
    }

    /** n request/response exchanges from the user to the card's SAs on the grid host; returns the request records. */
    private static List<byte[]> exchange(SecurityAssociationDatabase user, SecurityAssociationDatabase host,
            String sen, int n) throws RecSecException {
        RecordProtector up = new RecordProtector(user);
        RecordProtector hp = new RecordProtector(host);
        List<byte[]> records = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] token = {(byte) i, 7};
            CoapMessage req = new CoapMessage(CoapMessage.TYPE_CON, CODE_GET, 100 + i, token, List.of(),
                    ("request " + i).getBytes(StandardCharsets.US_ASCII));
            ProtectedRequest pr = up.protectRequest(req, LocalId.of(USER), PeerId.of(sen));
            records.add(pr.outer().payload());
            UnprotectedRequest ur = hp.unprotectRequest(pr.outer());
            assertArrayEquals(req.payload(), ur.message().payload());
            assertEquals(CODE_GET, ur.message().code());
            CoapMessage resp = new CoapMessage(CoapMessage.TYPE_ACK, CODE_CONTENT, 100 + i, token, List.of(),
                    ("response " + i).getBytes(StandardCharsets.US_ASCII));
            CoapMessage back = up.unprotectResponse(hp.protectResponse(resp, ur.context()), pr);
            assertArrayEquals(resp.payload(), back.payload());
            assertEquals(CODE_CONTENT, back.code());
            assertEquals(RecSecException.Reason.REPLAY, assertThrows(RecSecException.class,
                    () -> hp.unprotectRequest(pr.outer())).reason(), "the host SAD's replay window");
        }
        return records;
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
