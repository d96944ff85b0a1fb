package org.recsec.km.pfkey;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsec.record.internal.wire.Bytes;
import org.recsec.vectors.SpecVectors;

/** pfkey.json: each message decodes to the field values written beside it and re-encodes to the same bytes. */
class PfKeyVectorsTest {

    @Test
    void everyVectorDecodesToItsFieldsAndReencodesByteExact() throws Exception {
        Set<Integer> types = new HashSet<>();
        for (JsonNode v : SpecVectors.vectors("pfkey.json")) {
            String name = v.get("name").asText();
            byte[] raw = SpecVectors.hex(v, "hex");
            PfKeyMessage m = PfKeyMessage.decode(raw);
            assertArrayEquals(raw, m.encode(), name + ": re-encoding");
            assertEquals(v.get("type").asInt(), m.type(), name);
            assertEquals(v.get("satype").asInt(), m.satype(), name);
            assertEquals(v.get("seq").asLong(), m.seq(), name);
            assertEquals(v.get("pid").asLong(), m.pid(), name);
            assertEquals(v.get("errno").asInt(), m.errno(), name);
            List<Integer> extTypes = new ArrayList<>();
            v.get("extTypes").forEach(n -> extTypes.add(n.asInt()));
            assertEquals(extTypes, new ArrayList<>(m.extensions().keySet()), name + ": extension types");
            checkSa(name, v, m);
            if (v.has("src")) {
                assertEquals(v.get("src").asText(), Endpoints.identityOf(m, true), name);
                assertEquals(v.get("dst").asText(), Endpoints.identityOf(m, false), name);
            }
            if (v.has("key")) {
                PfKeyExtension.Key k = m.ext(PfKey.SADB_EXT_KEY_ENCRYPT, PfKeyExtension.Key.class).orElseThrow();
                assertEquals(v.get("key").asText(), Bytes.toHex(k.key().toByteArray()), name);
            }
            if (v.has("iv")) {
                PfKeyExtension.Iv iv = m.ext(PfKey.SADB_X_EXT_RECSEC_IV, PfKeyExtension.Iv.class).orElseThrow();
                assertEquals(v.get("iv").asText(), Bytes.toHex(iv.iv().toByteArray()), name);
            }
            if (v.has("epoch")) {
                PfKeyExtension.Profile p = m.ext(PfKey.SADB_X_EXT_RECSEC_PROFILE, PfKeyExtension.Profile.class)
                        .orElseThrow();
                assertEquals(v.get("epoch").asInt(), p.epoch(), name);
                assertEquals(v.get("nextSequence").asLong(), p.nextSequence(), name);
                assertEquals(PfKey.RECSEC_PROFILE_DTLS12, p.profile(), name);
            }
            if (v.has("seHandle")) {
                assertEquals(v.get("seHandle").asText(), m.ext(PfKey.SADB_X_EXT_RECSEC_SE_HANDLE,
                        PfKeyExtension.SeHandle.class).orElseThrow().handle(), name);
            }
            if (v.has("replayWindow")) {
                assertEquals(v.get("replayWindow").asLong(), m.ext(PfKey.SADB_X_EXT_RECSEC_REPLAY,
                        PfKeyExtension.Replay.class).orElseThrow().window(), name);
            }
            if (v.has("spiMin")) {
                PfKeyExtension.SpiRange r = m.ext(PfKey.SADB_EXT_SPIRANGE, PfKeyExtension.SpiRange.class).orElseThrow();
                assertEquals(v.get("spiMin").asLong(), r.min(), name);
                assertEquals(v.get("spiMax").asLong(), r.max(), name);
            }
            checkLifetime(name, v, "current", m.ext(PfKey.SADB_EXT_LIFETIME_CURRENT, PfKeyExtension.Lifetime.class));
            checkLifetime(name, v, "soft", m.ext(PfKey.SADB_EXT_LIFETIME_SOFT, PfKeyExtension.Lifetime.class));
            checkLifetime(name, v, "hard", m.ext(PfKey.SADB_EXT_LIFETIME_HARD, PfKeyExtension.Lifetime.class));
            if (v.has("proposalCombs")) {
                Proposal p = m.ext(PfKey.SADB_EXT_PROPOSAL, Proposal.class).orElseThrow();
                assertEquals(v.get("proposalCombs").asInt(), p.combs().size(), name);
                for (int i = 0; i < p.combs().size(); i++) {
                    assertEquals(v.get("proposalEncrypt").get(i).asInt(), p.combs().get(i).encrypt(), name);
                }
            }
            if (v.has("supportedEncrypt")) {
                Supported s = m.ext(PfKey.SADB_EXT_SUPPORTED_ENCRYPT, Supported.class).orElseThrow();
                assertEquals(v.get("supportedEncrypt").size(), s.algs().size(), name);
                for (int i = 0; i < s.algs().size(); i++) {
                    assertEquals(v.get("supportedEncrypt").get(i).asInt(), s.algs().get(i).id(), name);
                }
            }
            types.add(m.type());
        }
        for (int t = 1; t <= 10; t++) {
            assertTrue(types.contains(t), "a vector of type " + t);
        }
    }

    @Test
    void addVectorsMatchSaSpecEncoding() throws Exception {
        for (JsonNode v : SpecVectors.vectors("pfkey.json")) {
            String name = v.get("name").asText();
            if (!name.startsWith("add-request")) {
                continue;
            }
            byte[] raw = SpecVectors.hex(v, "hex");
            SaSpec spec = SaSpec.fromMessage(PfKeyMessage.decode(raw));
            PfKeyMessage again = spec.toMessage(PfKey.SADB_ADD, v.get("seq").asLong(), v.get("pid").asLong());
            assertArrayEquals(raw, again.encode(), name + ": SaSpec round trip");
        }
    }

    private static void checkSa(String name, JsonNode v, PfKeyMessage m) {
        if (!v.has("spi")) {
            return;
        }
        PfKeyExtension.Sa sa = m.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class)
                .orElseThrow(() -> new AssertionError(name + ": no SA extension"));
        assertEquals(v.get("spi").asLong(), sa.spi(), name);
        if (v.has("state")) {
            assertEquals(v.get("state").asInt(), sa.state(), name);
        }
        if (v.has("encrypt")) {
            assertEquals(v.get("encrypt").asInt(), sa.encrypt(), name);
        }
        if (v.has("replay")) {
            assertEquals(v.get("replay").asInt(), sa.replay(), name);
        }
    }

    private static void checkLifetime(String name, JsonNode v, String field, Optional<PfKeyExtension.Lifetime> got) {
        if (!v.has(field)) {
            return;
        }
        JsonNode f = v.get(field);
        PfKeyExtension.Lifetime l = got.orElseThrow(() -> new AssertionError(name + ": no " + field + " lifetime"));
        assertEquals(f.get("allocations").asLong(), l.allocations(), name + " " + field);
        assertEquals(f.get("bytes").asLong(), l.bytes(), name + " " + field);
        assertEquals(f.get("addTime").asLong(), l.addTime(), name + " " + field);
        assertEquals(f.get("useTime").asLong(), l.useTime(), name + " " + field);
    }
}
