package org.recsec.cli.se;

import org.recsec.record.RecordProtector;

import org.recsec.kmp.se.SeCipherRegistry;
import org.recsec.kmp.se.SeFixture;
import org.recsec.kmp.se.SeKmpTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.RecSecException;

/** The demo's one call: both SADs get their pair and RecordProtector works both ways, exported and SE-resident. */
@Timeout(60)
class SeDemoTest {

    @ParameterizedTest(name = "seResident={0}")
    @ValueSource(booleans = {false, true})
    void establishInstallsBothPairs(boolean seResident) throws Exception {
        SeCipherRegistry registry = new SeCipherRegistry();
        SecurityAssociationDatabase client = SeFixture.sad(SeFixture.C, registry);
        SecurityAssociationDatabase server = SeFixture.sad(SeFixture.S, null);
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        SeDemo.Result r = SeDemo.establish(client, SeFixture.C, server, SeFixture.S, seResident, registry,
                new SecureRandom(), new PrintStream(trace, true));
        try {
            assertEquals(2, client.size());
            assertEquals(2, server.size());
            long apdus0 = r.counter().snapshot().apdus();
            SeKmpTest.exchange(client, server, 3);
            // SE-resident: every record is sealed or opened on the card; exported: the card is not involved.
            assertEquals(seResident ? 6 : 0, r.counter().snapshot().apdus() - apdus0);
            assertEquals(seResident, r.seHandle() != null);
            if (!seResident) {
                assertNull(r.seHandle());
            }
            String t = trace.toString(StandardCharsets.UTF_8);
            assertTrue(t.contains(String.format("0x%x", r.spis().clientToServer())), t);
            assertTrue(r.handshakeCost().apdus() >= 6, t);
        } finally {
            r.close();
        }
        if (seResident) {
            assertEquals(RecSecException.Reason.KEY_MANAGEMENT, assertThrows(RecSecException.class,
                    () -> SeKmpTest.exchange(client, server, 1)).reason());
        } else {
            SeKmpTest.exchange(client, server, 1);
        }
    }
}
