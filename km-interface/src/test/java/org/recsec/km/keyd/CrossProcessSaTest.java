package org.recsec.km.keyd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.RecordProtector;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * Issue 11 item 4: an application that uses record-sec serves its own SAD on a PF_KEY socket; setkey and a KMP in
 * another process (a real child JVM) install the SAs it uses, and its ACQUIRE reaches the KMP there.
 */
class CrossProcessSaTest {

    @Test
    void setkeyAndAKmpInAnotherProcessKeyThisApplication(@TempDir Path tmp) throws Exception {
        SecurityAssociationDatabase app = SecurityAssociationDatabase.builder(Clock.systemUTC(), new Random(1))
                .localIdentities(Set.of(KmpChild.APP)).acquireTimeout(Duration.ofSeconds(60)).build();
        Path sock = tmp.resolve("app.sock");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = tmp.resolve("kmp.out");
        try (KeyDaemon d = KeyDaemon.start(sock, app)) {
            Process p = new ProcessBuilder(javaBin, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    KmpChild.class.getName(), sock.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(out.toFile()).start();
            try {
                while (!Files.readAllLines(out).contains("registered") && p.isAlive()) {
                    Thread.sleep(20);
                }
                assertTrue(p.isAlive(), "the KMP process registered: " + Files.readAllLines(out));
                // The peer, with the same keys, in this test.
                SecurityAssociationDatabase peer = SecurityAssociationDatabase.builder(Clock.systemUTC(),
                        new Random(2)).localIdentities(Set.of(KmpChild.PEER)).build();
                try (SadSession s = peer.openSession(b -> { })) {
                    s.add(KmpChild.outbound());
                    s.add(SaSpec.withKeys(KmpChild.IN_SPI, KmpChild.PEER, KmpChild.APP, CipherSuite.AES_128_CCM_8,
                            SecretBytes.copyOf(java.util.HexFormat.of().parseHex(KmpChild.KEY)),
                            SecretBytes.copyOf(new byte[4])));
                }
                RecordProtector appSide = new RecordProtector(app);
                RecordProtector peerSide = new RecordProtector(peer);
                CoapMessage req = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 7, new byte[] {1},
                        List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "door")), new byte[0]);
                // No outbound SA yet: ACQUIRE goes to the KMP in the other process, whose ADD comes back.
                CoapMessage sent = appSide.protectRequest(req, LocalId.of(KmpChild.APP), PeerId.of(KmpChild.PEER)).outer();
                UnprotectedRequest got = peerSide.unprotectRequest(sent);
                assertEquals("door", got.message().options().get(0).stringValue());
                // The inbound SA came from setkey in the other process.
                CoapMessage back = peerSide.protectRequest(req, LocalId.of(KmpChild.PEER), PeerId.of(KmpChild.APP)).outer();
                assertEquals(PeerId.of(KmpChild.PEER), appSide.unprotectRequest(back).peerId());
                while (Files.readAllLines(out).stream().noneMatch(l -> l.startsWith("answered ")) && p.isAlive()) {
                    Thread.sleep(20);
                }
                assertTrue(Files.readAllLines(out).stream().anyMatch(l -> l.startsWith("answered ")),
                        "the ACQUIRE was answered by the other process");
            } finally {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
