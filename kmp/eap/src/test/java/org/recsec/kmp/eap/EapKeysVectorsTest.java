package org.recsec.kmp.eap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;
import org.recsec.km.pfkey.PfKey;
import org.recsec.kmp.eap.testutil.Rfc5295Reference;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.vectors.SpecVectors;

/**
 * spec-vectors/vectors/eap-keys.json, checked twice: by an independent path (Bouncy Castle's TLS 1.2 PRF for the
 * RFC 5216 key material, the test's own RFC 5295 KDF for USRK, SA keys and the compact profiles' traffic secrets)
 * and by the production classes.
 */
class EapKeysVectorsTest {
    private static final List<JsonNode> VECTORS = SpecVectors.vectors("eap-keys.json");

    @Test
    void independentDerivationsGiveTheFileValues() {
        BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        for (JsonNode v : VECTORS) {
            String name = v.get("name").asText();
            byte[] seed = concat(SpecVectors.hex(v, "client_random"), SpecVectors.hex(v, "server_random"));
            int prf = "SHA384".equals(v.get("prf_hash").asText()) ? PRFAlgorithm.tls_prf_sha384
                    : PRFAlgorithm.tls_prf_sha256;
            TlsSecret ms = crypto.createSecret(SpecVectors.hex(v, "master_secret"));
            byte[] km = ms.deriveUsingPRF(prf, "client EAP encryption", seed, 128).extract();
            assertArrayEquals(SpecVectors.hex(v, "msk"), Arrays.copyOfRange(km, 0, 64), name);
            assertArrayEquals(SpecVectors.hex(v, "emsk"), Arrays.copyOfRange(km, 64, 128), name);
            assertArrayEquals(concat(new byte[] {13}, seed), SpecVectors.hex(v, "session_id"), name);
            byte[] usrk = Rfc5295Reference.kdf(SpecVectors.hex(v, "emsk"), v.get("usrk_label").asText(),
                    v.get("aps_identity").asText().getBytes(StandardCharsets.UTF_8), v.get("usrk_length").asInt());
            assertArrayEquals(SpecVectors.hex(v, "usrk"), usrk, name);
            assertArrayEquals(SpecVectors.hex(v, "usrk_optional_data"),
                    v.get("aps_identity").asText().getBytes(StandardCharsets.UTF_8), name);
            int suite = Integer.parseInt(v.get("suite").asText(), 16);
            int keyBytes = SpecVectors.hex(v, "c2s_key").length;
            int ivBytes = SpecVectors.hex(v, "c2s_iv").length;
            byte[] c2s = Rfc5295Reference.kdf(usrk, "recsec EAP SA c2s", spiData(suite, v.get("aps_inbound_spi")
                    .asLong()), keyBytes + ivBytes);
            byte[] s2c = Rfc5295Reference.kdf(usrk, "recsec EAP SA s2c", spiData(suite, v.get("ue_inbound_spi")
                    .asLong()), keyBytes + ivBytes);
            assertArrayEquals(concat(SpecVectors.hex(v, "c2s_key"), SpecVectors.hex(v, "c2s_iv")), c2s, name);
            assertArrayEquals(concat(SpecVectors.hex(v, "s2c_key"), SpecVectors.hex(v, "s2c_iv")), s2c, name);
            int tls13 = Integer.parseInt(v.get("tls13_suite").asText(), 16);
            assertEquals(0x13, tls13 >> 8, name);
            assertArrayEquals(SpecVectors.hex(v, "c2s_traffic_secret"), Rfc5295Reference.kdf(usrk,
                    "recsec EAP compact c2s", spiData(tls13, v.get("aps_inbound_spi").asLong()), 32), name);
            assertArrayEquals(SpecVectors.hex(v, "s2c_traffic_secret"), Rfc5295Reference.kdf(usrk,
                    "recsec EAP compact s2c", spiData(tls13, v.get("ue_inbound_spi").asLong()), 32), name);
        }
    }

    @Test
    void productionClassesGiveTheFileValues() throws Exception {
        for (JsonNode v : VECTORS) {
            String name = v.get("name").asText();
            EapTlsKeys k = EapTlsKeys.derive(Tls12Prf.Hash.valueOf(v.get("prf_hash").asText()),
                    SpecVectors.hex(v, "master_secret"), SpecVectors.hex(v, "client_random"),
                    SpecVectors.hex(v, "server_random"));
            assertArrayEquals(SpecVectors.hex(v, "msk"), k.msk().toByteArray(), name);
            assertArrayEquals(SpecVectors.hex(v, "emsk"), k.emsk().toByteArray(), name);
            assertArrayEquals(SpecVectors.hex(v, "session_id"), k.sessionId(), name);
            assertArrayEquals(Arrays.copyOfRange(SpecVectors.hex(v, "msk"), 0, 32), k.mppeRecvKey().toByteArray());
            assertArrayEquals(Arrays.copyOfRange(SpecVectors.hex(v, "msk"), 32, 64), k.mppeSendKey().toByteArray());
            SecretBytes usrk = Usrk.forApplicationServer(k.emsk(), v.get("aps_identity").asText());
            assertArrayEquals(SpecVectors.hex(v, "usrk"), usrk.toByteArray(), name);
            CipherSuite suite = CipherSuite.forCode(Integer.parseInt(v.get("suite").asText(), 16));
            EapSaKeys sa = EapSaKeys.derive(usrk, suite, v.get("aps_inbound_spi").asLong(),
                    v.get("ue_inbound_spi").asLong());
            assertEquals(v.get("aps_inbound_spi").asLong(), sa.clientToServerSpi(), name);
            assertArrayEquals(SpecVectors.hex(v, "c2s_key"), sa.clientToServerKey().toByteArray(), name);
            assertArrayEquals(SpecVectors.hex(v, "c2s_iv"), sa.clientToServerIv().toByteArray(), name);
            assertArrayEquals(SpecVectors.hex(v, "s2c_key"), sa.serverToClientKey().toByteArray(), name);
            assertArrayEquals(SpecVectors.hex(v, "s2c_iv"), sa.serverToClientIv().toByteArray(), name);
            assertEquals(Integer.parseInt(v.get("tls13_suite").asText(), 16), suite.tls13Code(), name);
            for (int profile : new int[] {PfKey.RECSEC_PROFILE_COMPACT, PfKey.RECSEC_PROFILE_COMPACT_SEQ8}) {
                EapSaKeys c = EapSaKeys.derive(usrk, suite, profile, v.get("aps_inbound_spi").asLong(),
                        v.get("ue_inbound_spi").asLong());
                assertArrayEquals(SpecVectors.hex(v, "c2s_traffic_secret"), c.clientToServerKey().toByteArray(), name);
                assertArrayEquals(SpecVectors.hex(v, "s2c_traffic_secret"), c.serverToClientKey().toByteArray(), name);
                assertNull(c.clientToServerIv(), name);
                assertNull(c.serverToClientIv(), name);
            }
            EapSaKeys cid = EapSaKeys.derive(usrk, suite, PfKey.RECSEC_PROFILE_DTLS12_CID,
                    v.get("aps_inbound_spi").asLong(), v.get("ue_inbound_spi").asLong());
            assertArrayEquals(SpecVectors.hex(v, "c2s_key"), cid.clientToServerKey().toByteArray(), name);
            assertArrayEquals(SpecVectors.hex(v, "s2c_iv"), cid.serverToClientIv().toByteArray(), name);
        }
    }

    private static byte[] spiData(int suite, long spi) {
        return new byte[] {(byte) (suite >> 8), (byte) suite, (byte) (spi >> 24), (byte) (spi >> 16),
                (byte) (spi >> 8), (byte) spi};
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
