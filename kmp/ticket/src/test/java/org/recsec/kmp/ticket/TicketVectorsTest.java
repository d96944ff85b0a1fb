package org.recsec.kmp.ticket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.vectors.SpecVectors;

/** spec-vectors/vectors/ticket.json, checked by our code and by an independent path (BC and Jackson). */
class TicketVectorsTest {
    /** Enc_structure ["Encrypt0", h'a1010a', h''] written out by hand (RFC 9052 §5.3). */
    private static final byte[] AAD = Bytes.fromHex("83" + "68" + "456e637279707430" + "43a1010a" + "40");
    private static final CBORMapper CBOR = new CBORMapper();

    static List<JsonNode> vectors() {
        List<JsonNode> v = SpecVectors.vectors("ticket.json");
        assertTrue(v.size() >= 2);
        return v;
    }

    @Test
    void independentPathDecryptsTheTicketAndDerivesTheKeys() throws Exception {
        for (JsonNode v : vectors()) {
            String name = v.get("name").asText();
            JsonNode cose = CBOR.readTree(SpecVectors.hex(v, "ticket"));
            assertEquals(3, cose.size(), name);
            assertArrayEquals(Bytes.fromHex("a1010a"), cose.get(0).binaryValue(), name);
            assertArrayEquals(SpecVectors.hex(v, "as_kid"), cose.get(1).get("4").binaryValue(), name);
            byte[] iv = cose.get(1).get("5").binaryValue();
            assertArrayEquals(SpecVectors.hex(v, "iv"), iv, name);

            CCMModeCipher ccm = CCMBlockCipher.newInstance(AESEngine.newInstance());
            ccm.init(false, new AEADParameters(new KeyParameter(SpecVectors.hex(v, "as_key")), 64, iv, AAD));
            byte[] ct = cose.get(2).binaryValue();
            byte[] pt = new byte[ccm.getOutputSize(ct.length)];
            int n = ccm.processBytes(ct, 0, ct.length, pt, 0);
            ccm.doFinal(pt, n);

            JsonNode c = CBOR.readTree(pt);
            JsonNode want = v.get("claims");
            if (want.has("iss")) {
                assertEquals(want.get("iss").asText(), c.get("1").asText(), name);
            } else {
                assertTrue(!c.has("1"), name);
            }
            assertEquals(want.get("aud").asText(), c.get("3").asText(), name);
            assertEquals(want.get("exp").asLong(), c.get("4").asLong(), name);
            assertEquals(want.get("nbf").asLong(), c.get("5").asLong(), name);
            assertEquals(want.get("iat").asLong(), c.get("6").asLong(), name);
            assertEquals(want.get("cti").asText(), Bytes.toHex(c.get("7").binaryValue()), name);
            JsonNode coseKey = c.get("8").get("1");
            assertEquals(4, coseKey.get("1").asInt(), name);
            assertEquals(want.get("cnf_kid").asText(), Bytes.toHex(coseKey.get("2").binaryValue()), name);
            assertEquals(v.get("cnf_key").asText(), Bytes.toHex(coseKey.get("-1").binaryValue()), name);
            assertEquals(want.get("recsec_suite").asInt(), c.get("-65537").asInt(), name);
            assertEquals(Integer.parseInt(v.get("suite").asText(), 16), c.get("-65537").asInt(), name);
            assertEquals(want.get("recsec_record_profile").asText(), c.get("-65538").asText(), name);
            assertEquals(want.get("recsec_soft_seconds").asLong(), c.get("-65539").asLong(), name);
            assertEquals(want.get("recsec_hard_seconds").asLong(), c.get("-65540").asLong(), name);
            assertEquals(want.get("recsec_soft_bytes").asLong(), c.get("-65541").asLong(), name);
            assertEquals(want.get("recsec_hard_bytes").asLong(), c.get("-65542").asLong(), name);
            assertEquals(want.get("recsec_replay_window").asInt(), c.get("-65543").asInt(), name);

            CipherSuite suite = CipherSuite.forCode(Integer.parseInt(v.get("suite").asText(), 16));
            int kl = suite.keySizeBytes();
            int l = kl + suite.ivSizeBytes();
            byte[] salt = TicketKeysTest.concat(SpecVectors.hex(v, "n1"), SpecVectors.hex(v, "n2"));
            int n1Len = SpecVectors.hex(v, "n1").length;
            if (v.has("c2s_secret")) {
                // compact: one 32-byte traffic secret per direction, labels "recsec c2s secret" / "recsec s2c secret"
                assertEquals("compact", want.get("recsec_record_profile").asText(), name);
                byte[] c2s = TicketKeysTest.bcHkdf(SpecVectors.hex(v, "cnf_key"), salt,
                        TicketKeysTest.handInfo("recsec c2s secret", suite, v.get("server_spi").asLong(), 32, n1Len),
                        32);
                byte[] s2c = TicketKeysTest.bcHkdf(SpecVectors.hex(v, "cnf_key"), salt,
                        TicketKeysTest.handInfo("recsec s2c secret", suite, v.get("client_spi").asLong(), 32, n1Len),
                        32);
                assertArrayEquals(SpecVectors.hex(v, "c2s_secret"), c2s, name);
                assertArrayEquals(SpecVectors.hex(v, "s2c_secret"), s2c, name);
                continue;
            }
            byte[] c2s = TicketKeysTest.bcHkdf(SpecVectors.hex(v, "cnf_key"), salt,
                    TicketKeysTest.handInfo("recsec c2s", suite, v.get("server_spi").asLong(), n1Len), l);
            byte[] s2c = TicketKeysTest.bcHkdf(SpecVectors.hex(v, "cnf_key"), salt,
                    TicketKeysTest.handInfo("recsec s2c", suite, v.get("client_spi").asLong(), n1Len), l);
            assertArrayEquals(SpecVectors.hex(v, "c2s_key"), Arrays.copyOf(c2s, kl), name);
            assertArrayEquals(SpecVectors.hex(v, "c2s_iv"), Arrays.copyOfRange(c2s, kl, l), name);
            assertArrayEquals(SpecVectors.hex(v, "s2c_key"), Arrays.copyOf(s2c, kl), name);
            assertArrayEquals(SpecVectors.hex(v, "s2c_iv"), Arrays.copyOfRange(s2c, kl, l), name);
        }
    }

    @Test
    void ourValidatorAndKeyDerivationAgree() throws Exception {
        for (JsonNode v : vectors()) {
            String name = v.get("name").asText();
            JsonNode want = v.get("claims");
            AsKey as = AsKey.of(SpecVectors.hex(v, "as_kid"), SecretBytes.copyOf(SpecVectors.hex(v, "as_key")));
            TicketValidator validator = new TicketValidator(want.get("aud").asText(), List.of(as),
                    TestTickets.clockAt(v.get("now").asLong()), new ReplayCache(4), 0);
            TicketClaims c = validator.validate(SpecVectors.hex(v, "ticket"));
            assertTrue(c.cnfKey().equalsSecret(SecretBytes.copyOf(SpecVectors.hex(v, "cnf_key"))), name);
            assertEquals(want.get("exp").asLong(), c.expiresAtEpochSeconds(), name);
            assertEquals(want.get("recsec_replay_window").asInt(), c.sa().replayWindow(), name);
            assertEquals(want.get("recsec_record_profile").asText(), c.sa().recordProfile(), name);
            assertEquals(want.get("recsec_hard_bytes").asLong(), c.sa().hardLifetimeBytes(), name);

            TicketKeys.SaPairKeys k = TicketKeys.derive(c.cnfKey(), SpecVectors.hex(v, "n1"), SpecVectors.hex(v, "n2"),
                    c.sa(), v.get("client_spi").asLong(), v.get("server_spi").asLong());
            assertEquals(v.has("c2s_secret"), k.trafficSecrets(), name);
            if (k.trafficSecrets()) {
                assertArrayEquals(SpecVectors.hex(v, "c2s_secret"), k.clientToServerKey().toByteArray(), name);
                assertArrayEquals(SpecVectors.hex(v, "s2c_secret"), k.serverToClientKey().toByteArray(), name);
            } else {
                assertArrayEquals(SpecVectors.hex(v, "c2s_key"), k.clientToServerKey().toByteArray(), name);
                assertArrayEquals(SpecVectors.hex(v, "c2s_iv"), k.clientToServerIv().toByteArray(), name);
                assertArrayEquals(SpecVectors.hex(v, "s2c_key"), k.serverToClientKey().toByteArray(), name);
                assertArrayEquals(SpecVectors.hex(v, "s2c_iv"), k.serverToClientIv().toByteArray(), name);
            }

            // the issuer reproduces the ticket byte for byte from the same random bytes and time
            long iat = want.get("iat").asLong();
            IssuedTicket again = new TicketIssuer(as, want.has("iss") ? want.get("iss").asText() : null,
                    TicketVectorsGenerator.queue(SpecVectors.hex(v, "cnf_key"), Bytes.fromHex(want.get("cti").asText()),
                            SpecVectors.hex(v, "iv")), TestTickets.clockAt(iat))
                    .issue(want.get("aud").asText(), Duration.ofSeconds(want.get("exp").asLong() - iat), c.sa());
            assertArrayEquals(SpecVectors.hex(v, "ticket"), again.ticket(), name);
        }
    }
}
