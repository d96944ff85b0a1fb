package org.recsec.kmp.iose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** APDUs per IoSE operation through the grid (BC client), written to target/iose-cost.txt. */
class IoseCostTest {

    @Test
    void apduCounts() throws Exception {
        IoseCard card = TestSes.card("cost-se");
        StringBuilder report = new StringBuilder("| operation | APDUs |\n|---|---|\n");
        try (IoseGrid grid = new IoseGrid(List.of(card), IoseGrid.Config.defaults(), System::nanoTime)) {
            int port = grid.start(InetAddress.getLoopbackAddress(), 0);
            long a0 = card.apdus();
            try (IoseClient c = IoseClient.connect("127.0.0.1", port, "cost-se",
                    TestSes.IDENTITY.getBytes(StandardCharsets.US_ASCII), TestSes.PSK, "shell", new SecureRandom(),
                    Duration.ofSeconds(30))) {
                long a1 = card.apdus();
                // the handshake may still be finishing on the card when connect() returns: count after one call
                String pk = c.call("p00");
                long a2 = card.apdus();
                String sig = c.call("s00" + "00".repeat(32));
                long a3 = card.apdus();
                assertEquals(588, pk.length());
                assertEquals(512, sig.length());
                report.append("| RESET + handshake (ClientHello; client Finished) + p00 (588-char answer) | ")
                        .append(a2 - a0).append(" |\n");
                report.append("| s00 over 32 bytes (512-char answer) | ").append(a3 - a2).append(" |\n");
                assertTrue(a1 >= a0 + 2);
            }
        }
        Files.writeString(Path.of("target/iose-cost.txt"), report);
        System.out.print(report);
    }
}
