package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.record.RecordProtector;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapMessage;

/**
 * Issue 12 item 1 with a real crash: four threads unprotect records on one SA in a child JVM that is killed with
 * SIGKILL mid-stream; after the restart not one record the child had accepted is accepted again.
 */
class InboundCrashTest {

    @Test
    void noRecordAcceptedBeforeSigkillIsAcceptedAfterTheRestart(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state");
        List<CoapMessage> recs = InboundMarkTest.records(InboundKillChild.RECORDS);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = tmp.resolve("child.out");
        Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                InboundKillChild.class.getName(), dir.toString(), "4", "4")
                .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(out.toFile()).start();
        // "ready" plus 5,000 record lines: with 5,000 lines in all, a kill right then left 4,999 to check
        while (Files.readAllLines(out).size() < 5_001 && p.isAlive()) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "child still running when killed");
        p.destroyForcibly();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        List<String> lines = Files.readAllLines(out, StandardCharsets.US_ASCII);
        assertEquals("ready", lines.get(0));
        RecordProtector after = new RecordProtector(InboundMarkTest.server(dir, 4));
        int replayed = 0;
        int checked = 0;
        for (String line : lines.subList(1, lines.size())) {
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            int i = Integer.parseInt(line);
            if (!Integer.toString(i).equals(line) || i >= recs.size()) {
                continue; // a line cut by the kill
            }
            checked++;
            try {
                after.unprotectRequest(recs.get(i));
                replayed++;
            } catch (RecSecException e) {
                assertEquals(RecSecException.Reason.REPLAY, e.reason());
            }
        }
        assertTrue(checked >= 5_000, "checked " + checked);
        assertEquals(0, replayed, replayed + " of " + checked + " records accepted before the kill were accepted again");
    }
}
