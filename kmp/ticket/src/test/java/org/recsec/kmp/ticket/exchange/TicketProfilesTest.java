package org.recsec.kmp.ticket.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.kmp.ticket.IssuedTicket;
import org.recsec.kmp.ticket.TicketSaParameters;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.base.RecSecException;
import org.recsec.record.RecordProtector;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.wire.Bytes;

/**
 * The ticket's record profile claim decides the SA pair both ends install (TICKETS.md, "Key derivation"): dtls12 and
 * dtls12-cid SAs hold key and IV, a compact SA its traffic secret; a request sealed by the client opens at the RS
 * and the response sealed by the RS opens at the client, and the records are those of the profile.
 */
class TicketProfilesTest {

    @ParameterizedTest
    @CsvSource({"dtls12,c0a8,1", "dtls12-cid,c0a8,2", "compact,c0a8,3", "dtls12-cid,ccab,2", "compact,ccab,3",
            "compact,00a8,3", "dtls12-cid,00a8,2", "compact,c0a4,3"})
    void theTicketsProfileIsInstalledOnBothEndsAndCarriesMessages(String profile, String suiteHex, int profileId)
            throws Exception {
        CipherSuite suite = CipherSuite.forCode(Integer.parseInt(suiteHex, 16));
        TicketSaParameters sa = new TicketSaParameters(suite, profile, 0, 0, 0, 0, 64);
        try (Loopback l = new Loopback()) {
            IssuedTicket t = TicketExchangeTest.issue(l.rsId, Loopback.AS_KEY, Loopback.T0, 3600, sa);
            InstalledPair p = l.client().establish(TicketGrant.of(t, sa), l.rsId, l.coap, l.clientId);

            SaSpec c2sAtClient = SaSpec.fromMessage(l.clientObserver.get(p.serverInboundSpi(), l.clientId, l.rsId));
            SaSpec c2sAtRs = SaSpec.fromMessage(l.rsObserver.get(p.serverInboundSpi(), l.clientId, l.rsId));
            SaSpec s2cAtClient = SaSpec.fromMessage(l.clientObserver.get(p.clientInboundSpi(), l.rsId, l.clientId));
            SaSpec s2cAtRs = SaSpec.fromMessage(l.rsObserver.get(p.clientInboundSpi(), l.rsId, l.clientId));
            for (SaSpec s : List.of(c2sAtClient, c2sAtRs, s2cAtClient, s2cAtRs)) {
                assertEquals(profileId, s.profile(), profile);
                if (profile.equals("compact")) {
                    assertEquals(PfKey.COMPACT_SECRET_BYTES, s.key().length(), "a traffic secret");
                    assertNull(s.iv());
                } else {
                    assertEquals(suite.keySizeBytes(), s.key().length());
                    assertEquals(suite.ivSizeBytes(), s.iv().length());
                }
            }
            assertTrue(c2sAtClient.key().equalsSecret(c2sAtRs.key()), "both ends hold the c2s key");
            assertTrue(s2cAtClient.key().equalsSecret(s2cAtRs.key()), "both ends hold the s2c key");
            assertFalse(c2sAtClient.key().equalsSecret(s2cAtClient.key()), "directions differ");

            RecordProtector client = new RecordProtector(l.clientSad);
            RecordProtector server = new RecordProtector(l.rsSad);
            byte[] token = Bytes.fromHex("a1a2a3a4");
            CoapMessage get = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 0x4321, token,
                    List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "temperature")), new byte[0]);
            ProtectedRequest pr = client.protectRequest(get, LocalId.of(l.clientId), PeerId.of(l.rsId));
            byte[] record = pr.outer().payload();
            switch (profile) {
                case "dtls12" -> assertEquals(23, record[0]);
                case "dtls12-cid" -> {
                    assertEquals(25, record[0]);
                    assertEquals(p.serverInboundSpi(), Bytes.readUint32Be(record, 11), "CID = the RS's SPI");
                }
                default -> assertEquals(0b001, (record[0] & 0xff) >>> 5, "RFC 9147 unified header");
            }
            UnprotectedRequest u = server.unprotectRequest(pr.outer());
            assertEquals(get, u.message());

            byte[] body = "21.5 C".getBytes(StandardCharsets.US_ASCII);
            CoapMessage content = new CoapMessage(CoapMessage.TYPE_ACK, 0x45, 0x4321, token, List.of(), body);
            CoapMessage outer = server.protectResponse(content, u.context());
            CoapMessage opened = client.unprotectResponse(outer, pr);
            assertEquals(0x45, opened.code());
            assertArrayEquals(body, opened.payload());

            ProtectedRequest again = client.protectRequest(get, LocalId.of(l.clientId), PeerId.of(l.rsId));
            byte[] flipped = again.outer().payload().clone();
            flipped[flipped.length - 1] ^= 1;
            assertEquals(RecSecException.Reason.AUTH_FAILED, assertThrows(RecSecException.class,
                    () -> server.unprotectRequest(again.outer().withPayload(flipped))).reason());
            assertEquals(get, server.unprotectRequest(again.outer()).message(), "the genuine one still opens");
        }
    }
}
