package org.recsec.kmp.ticket.exchange;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.kmp.ticket.AsKey;
import org.recsec.kmp.ticket.TicketSaParameters;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.vectors.SpecVectors;

/**
 * The exchange over loopback CoAP, with the nonces and SPIs of spec-vectors/vectors/ticket.json forced (scripted
 * random sources, one-SPI GETSPI ranges): the SAs both SADs install hold the vector's keys, which
 * TicketVectorsTest checks independently with Bouncy Castle's HKDF.
 */
class TicketExchangeVectorsTest {

    private static JsonNode vector(String name) {
        for (JsonNode v : SpecVectors.vectors("ticket.json")) {
            if (v.get("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no vector " + name);
    }

    private static Loopback rsFor(JsonNode v) throws Exception {
        AsKey asKey = AsKey.of(SpecVectors.hex(v, "as_kid"), SecretBytes.copyOf(SpecVectors.hex(v, "as_key")));
        long serverSpi = v.get("server_spi").asLong();
        byte[] n2 = SpecVectors.hex(v, "n2");
        return new Loopback(v.get("claims").get("aud").asText(), asKey, v.get("now").asLong(),
                Loopback.scripted(n2), n2.length, serverSpi, serverSpi);
    }

    @Test
    void forcedNoncesAndSpisGiveTheVectorsKeysInBothSads() throws Exception {
        JsonNode v = vector("ccm8-dtls12");
        try (Loopback l = rsFor(v)) {
            long clientSpi = v.get("client_spi").asLong();
            long serverSpi = v.get("server_spi").asLong();
            byte[] n1 = SpecVectors.hex(v, "n1");
            CipherSuite suite = CipherSuite.forCode(Integer.parseInt(v.get("suite").asText(), 16));
            TicketSaParameters sa = TicketSaParameters.defaults(suite);
            TicketGrant grant = new TicketGrant(SpecVectors.hex(v, "ticket"),
                    SecretBytes.copyOf(SpecVectors.hex(v, "cnf_key")), sa, v.get("claims").get("exp").asLong());
            TicketClientKmp client = new TicketClientKmp(l.clientSession, Loopback.scripted(n1),
                    Loopback.clockAt(v.get("now").asLong()), n1.length, clientSpi, clientSpi);

            InstalledPair p = client.establish(grant, l.rsId, l.coap, l.clientId);
            assertEquals(clientSpi, p.clientInboundSpi());
            assertEquals(serverSpi, p.serverInboundSpi());
            for (var s : List.of(l.clientObserver, l.rsObserver)) {
                SaSpec c2s = SaSpec.fromMessage(s.get(serverSpi, l.clientId, l.rsId));
                SaSpec s2c = SaSpec.fromMessage(s.get(clientSpi, l.rsId, l.clientId));
                assertArrayEquals(SpecVectors.hex(v, "c2s_key"), c2s.key().toByteArray());
                assertArrayEquals(SpecVectors.hex(v, "c2s_iv"), c2s.iv().toByteArray());
                assertArrayEquals(SpecVectors.hex(v, "s2c_key"), s2c.key().toByteArray());
                assertArrayEquals(SpecVectors.hex(v, "s2c_iv"), s2c.iv().toByteArray());
                assertEquals(suite, c2s.suite());
                assertEquals(suite, s2c.suite());
            }
        }
    }

    @Test
    void theCompactProfileVectorInstallsItsTrafficSecretsInBothSads() throws Exception {
        JsonNode v = vector("chacha20-compact-lifetimes");
        try (Loopback l = rsFor(v)) {
            long clientSpi = v.get("client_spi").asLong();
            long serverSpi = v.get("server_spi").asLong();
            byte[] n1 = SpecVectors.hex(v, "n1");
            JsonNode c = v.get("claims");
            TicketSaParameters sa = new TicketSaParameters(CipherSuite.CHACHA20_POLY1305,
                    c.get("recsec_record_profile").asText(), c.get("recsec_soft_seconds").asLong(),
                    c.get("recsec_hard_seconds").asLong(), c.get("recsec_soft_bytes").asLong(),
                    c.get("recsec_hard_bytes").asLong(), c.get("recsec_replay_window").asInt());
            TicketGrant grant = new TicketGrant(SpecVectors.hex(v, "ticket"),
                    SecretBytes.copyOf(SpecVectors.hex(v, "cnf_key")), sa, c.get("exp").asLong());
            InstalledPair p = new TicketClientKmp(l.clientSession, Loopback.scripted(n1),
                    Loopback.clockAt(v.get("now").asLong()), n1.length, clientSpi, clientSpi)
                    .establish(grant, l.rsId, l.coap, l.clientId);
            assertEquals(serverSpi, p.serverInboundSpi());
            for (var s : List.of(l.clientObserver, l.rsObserver)) {
                SaSpec c2s = SaSpec.fromMessage(s.get(serverSpi, l.clientId, l.rsId));
                SaSpec s2c = SaSpec.fromMessage(s.get(clientSpi, l.rsId, l.clientId));
                assertArrayEquals(SpecVectors.hex(v, "c2s_secret"), c2s.key().toByteArray());
                assertArrayEquals(SpecVectors.hex(v, "s2c_secret"), s2c.key().toByteArray());
                assertEquals(PfKey.RECSEC_PROFILE_COMPACT, c2s.profile());
                assertEquals(PfKey.RECSEC_PROFILE_COMPACT, s2c.profile());
                assertEquals(c.get("recsec_replay_window").asInt(), c2s.replayWindow());
            }
        }
    }
}
