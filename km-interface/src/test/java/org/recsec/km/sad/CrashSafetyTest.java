package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.OutboundSa;
import org.recsec.record.spi.SecurityAssociation;

/** A real kill -9 of a child JVM in the middle of handing out sequence numbers: none is ever handed out twice. */
class CrashSafetyTest {
    static final String C = KillChild.C;
    static final String PEER = "coap://10.0.0.0:5683";

    /**
     * Runs the child with its stdout in a file until it printed {@code linesToRead} numbers, kills it with SIGKILL
     * and returns the largest number it printed: the file holds every line the child wrote before it died.
     */
    static long runAndKill(Path dir, int reserve, int linesToRead) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = Files.createTempFile(dir.getParent(), "child", ".out");
        Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                KillChild.class.getName(), dir.toString(), Integer.toString(reserve))
                .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(out.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Files.readAllLines(out).size() < linesToRead + 1 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "child still running when killed");
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flushing
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        java.util.List<String> lines = Files.readAllLines(out, StandardCharsets.US_ASCII);
        assertEquals("ready " + KillChild.SAS, lines.get(0));
        long max = -1;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (!line.isEmpty()) {
                // A last line cut by the kill is a prefix of a number, hence smaller: still a valid lower bound.
                max = Math.max(max, Long.parseLong(line));
            }
        }
        assertTrue(lines.size() > linesToRead, "child printed " + lines.size() + " lines");
        return max;
    }

    @Test
    void sequenceNumbersNeverRepeatAcrossKillMinus9(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state");
        long max1 = runAndKill(dir, 16, 300);
        assertTrue(max1 >= 299, "child printed " + max1);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        long max2 = runAndKill(dir, 16, 200);
        assertTrue(max2 > max1, "second run continued above the first: " + max2 + " > " + max1);
        SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(new MutableClock(1), new Random(1))
                .everyIdentityLocal().stateDirectory(dir).sequenceReserve(16).build();
        assertEquals(KillChild.SAS, db.size(), "every SA added is still there");
        OutboundSa sa = db.outbound(LocalId.of(C), PeerId.of(PEER));
        long prev = max2;
        for (int i = 0; i < 50; i++) {
            long s = sa.reserveSequence();
            assertTrue(s > max2, s + " > " + max2);
            assertTrue(s > prev || i == 0);
            prev = s;
        }
        try (var files = Files.list(dir)) {
            files.forEach(f -> {
                try {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void savedSasKeepKeysStateAndDeletionsAcrossRestart(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(5000);
        SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(clock, new Random(1))
                .everyIdentityLocal().stateDirectory(dir).build();
        SadSession s = db.openSession(b -> { });
        byte[] key = new byte[16];
        new Random(9).nextBytes(key);
        s.add(SaSpec.withKeys(0x1001, C, PEER, CipherSuite.AES_128_GCM, SecretBytes.copyOf(key),
                SecretBytes.copyOf(new byte[4])).withLifetimes(
                new PfKeyExtension.Lifetime(PfKey.SADB_EXT_LIFETIME_SOFT, 0, 0, 10, 0), null));
        s.add(SaSpec.onSecureElement(0x2002, "SEN-1", C, CipherSuite.AES_128_CCM_8, "se:1"));
        s.add(SaSpec.withKeys(0x3003, C, "coap://10.9.9.9:5683", CipherSuite.AES_128_CCM_8,
                SecretBytes.copyOf(new byte[16]), SecretBytes.copyOf(new byte[4])));
        s.delete(0x3003, C, "coap://10.9.9.9:5683");
        clock.advanceSeconds(11);
        db.expireDue(); // 0x1001 becomes DYING and is saved so
        SecurityAssociationDatabase again = SecurityAssociationDatabase.builder(clock, new Random(1))
                .everyIdentityLocal().stateDirectory(dir).build();
        assertEquals(2, again.size());
        PfKeyMessage got = again.openSession(b -> { }).get(0x1001, C, PEER);
        assertEquals(PfKey.SADB_SASTATE_DYING, got.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class)
                .orElseThrow().state());
        assertTrue(SecretBytes.copyOf(key).equalsSecret(got.ext(PfKey.SADB_EXT_KEY_ENCRYPT,
                PfKeyExtension.Key.class).orElseThrow().key()));
        assertEquals(5000, got.ext(PfKey.SADB_EXT_LIFETIME_CURRENT, PfKeyExtension.Lifetime.class)
                .orElseThrow().addTime());
        assertEquals(PeerId.of("SEN-1"), again.inbound(0x2002).peerId());
        assertEquals(PfKey.ESRCH, PfKeyMessage.decode(again.openSession(b -> { })
                .send(PfKeyRequests.get(0x3003, C, "coap://10.9.9.9:5683", 1, 0).encode()).get(0)).errno());
    }
}
