package org.recsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.recsec.vectors.SpecVectors;

/** {@code recsec ticket} is wired to the ticket KMP's CLI: RFC 8392 A.5 opens with the A.2.1 key. */
class TicketCommandTest {

    @Test
    void inspectOpensRfc8392A5WithTheA21Key() {
        JsonNode rfc = SpecVectors.load("external/rfc8392/cwt_rfc8392_vectors.json");
        String key = rfc.get("keys").get("Symmetric128").get("k_hex").asText();
        String token = rfc.get("tokens").get("encrypted").get("hex").asText();
        ProtectCommandTest.Result r = ProtectCommandTest.run("", "ticket", "inspect", "--key", key, "--no-expiry", token);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"aud\":\"coap://light.example.com\""), r.out());
        ProtectCommandTest.Result wrongKey = ProtectCommandTest.run("", "ticket", "inspect", "--key",
                "00000000000000000000000000000000", "--no-expiry", token);
        assertEquals(2, wrongKey.code());
        assertEquals(1, wrongKey.err().strip().lines().count());
    }
}
