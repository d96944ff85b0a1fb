package org.recsec.kmp.se;

import org.recsec.se.host.SeSession;

import org.recsec.se.host.CardLink;

import org.recsec.se.host.ApduCounter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.bouncycastle.tls.DTLSTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the production bridge costs on the ISO 7816 link, measured through the counting CardLink: the handshake
 * (SELECT … server Finished, server flights batched into one EAP message each) and one 1024-byte record sealed and
 * opened on the card; BC's DTLSTransport checks the records. Written to target/se-bridge-cost.txt.
 */
@Timeout(60)
class BridgeCostTest {

    @Test
    void handshakeAndKilobyteRecords() throws Exception {
        try (SeFixture f = new SeFixture(0)) {
            SeSession s = f.handshake();
            ApduCounter.Snapshot hs = s.handshakeCost();
            DTLSTransport bc = f.serverSide().transport();
            byte[] data = new byte[1024];
            new Random(1).nextBytes(data);

            ApduCounter c = f.card.link().counter();
            ApduCounter.Snapshot t0 = c.snapshot();
            byte[] record = f.agent.encrypt(23, data, 0, data.length);
            ApduCounter.Snapshot seal = c.snapshot().minus(t0);
            f.socket.send(record);
            byte[] buf = new byte[2048];
            int n = bc.receive(buf, 0, buf.length, 5000);
            assertArrayEquals(data, java.util.Arrays.copyOf(buf, n));

            bc.send(data, 0, data.length);
            byte[] fromBc = f.socket.receive(5000).orElseThrow();
            t0 = c.snapshot();
            assertArrayEquals(data, f.agent.decrypt(fromBc, 0, fromBc.length));
            ApduCounter.Snapshot open = c.snapshot().minus(t0);

            String table = "| operation | APDUs | bytes to the card | bytes from the card | total |\n|---|---|---|---|---|\n"
                    + row("handshake SELECT … server Finished, with HelloVerifyRequest", hs)
                    + row("seal one 1024-byte record (P2 0x97)", seal)
                    + row("open one 1024-byte record (P2 0x00)", open);
            System.out.println(table);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "se-bridge-cost.txt"), table);
            // SELECT, RESET, Start, HelloVerifyRequest, ServerHello…ServerHelloDone, ChangeCipherSpec + Finished
            assertEquals(6, hs.apdus());
            // 6 fragments in (5 ACKed), 6 out (5 fetched): applet/README.md's 11
            assertEquals(11, seal.apdus());
            assertEquals(11, open.apdus());
        }
    }

    private static String row(String what, ApduCounter.Snapshot s) {
        return "| " + what + " | " + s.apdus() + " | " + s.sent() + " | " + s.received() + " | " + s.bytes() + " |\n";
    }
}
