package org.recsec.kmp.eap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.kmp.eap.Hex;
import org.recsec.kmp.eap.as.AuthenticationServer;
import org.recsec.kmp.eap.testutil.Processes;
import org.recsec.kmp.eap.testutil.Rfc5295Reference;
import org.recsec.kmp.eap.demo.DemoPki;

class EapCliTest {
    @TempDir
    Path dir;

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = EapCli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true));
        return new String[] {Integer.toString(rc), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void usrkPrintsTheRfc5295KdfInHex() {
        String emsk = "00112233445566778899aabbccddeeff".repeat(4);
        String[] r = run("usrk", "--emsk", emsk, "--label", "EAP Re-authentication Root Key@ietf.org",
                "--optional-data", "0a0b", "--length", "100");
        assertEquals("0", r[0], r[2]);
        byte[] expected = Rfc5295Reference.kdf(Hex.decode(emsk), "EAP Re-authentication Root Key@ietf.org",
                Hex.decode("0a0b"), 100);
        assertEquals(Hex.encode(expected), r[1].trim());
        String[] noData = run("usrk", "--emsk", emsk, "--label", "x", "--length", "16");
        assertEquals(Hex.encode(Rfc5295Reference.kdf(Hex.decode(emsk), "x", new byte[0], 16)), noData[1].trim());
    }

    @Test
    void wrongArgumentsExitWith2AndOneLine() {
        for (String[] args : List.of(new String[] {}, new String[] {"nope"},
                new String[] {"usrk", "--emsk", "zz", "--label", "x", "--length", "16"},
                new String[] {"usrk", "--emsk", "00", "--label", "x", "--length", "16"},
                new String[] {"usrk", "--emsk", "00".repeat(63), "--label", "x", "--length", "16"},
                new String[] {"usrk", "--emsk", "00", "--label", "x", "--length", "0"},
                new String[] {"usrk", "--emsk", "00", "--label", "x"},
                new String[] {"usrk", "--emsk", "00", "--label", "x", "--length", "16", "--bogus", "1"},
                new String[] {"as", "--radius-port", "70000", "--radius-secret", "s", "--cert", "a", "--key", "b",
                        "--ca", "c"},
                new String[] {"as", "--radius-port", "0", "--radius-secret", "s", "--cert", "a", "--key", "b",
                        "--ca", "c", "--bind", "localhost"})) {
            String[] r = run(args);
            assertEquals("2", r[0], String.join(" ", args));
            assertEquals(1, r[2].lines().count(), r[2]);
        }
        String[] help = run("as", "--help");
        assertEquals("0", help[0]);
        assertTrue(help[1].contains("recsec eap as --radius-port P --radius-secret S --cert FILE --key FILE --ca FILE"));
    }

    @Test
    void missingPemFilesExitWith1() {
        String[] r = run("as", "--radius-port", "0", "--radius-secret", "s", "--cert", dir.resolve("no.pem").toString(),
                "--key", dir.resolve("no.key").toString(), "--ca", dir.resolve("no-ca.pem").toString());
        assertEquals("1", r[0]);
    }

    /** The CLI contract end to end: the AS as `recsec eap as` starts it, eapol_test authenticates against it. */
    @Test
    void eapolTestAuthenticatesAgainstTheCliAs() throws Exception {
        String eapolTest = Processes.require("eapol_test");
        SecureRandom random = new SecureRandom();
        DemoPki pki = new DemoPki(random, "cli-ue");
        pki.writePem(dir);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuthenticationServer as = EapCli.startAs(new String[] {"--radius-port", "0", "--radius-secret", "clisecret",
                "--cert", dir.resolve("server.pem").toString(), "--key", dir.resolve("server.key").toString(),
                "--ca", dir.resolve("ca.pem").toString(), "--bind", "127.0.0.1", "--session-timeout", "120"},
                random, Clock.systemUTC(), new PrintStream(out, true));
        try {
            assertEquals("listening on udp/127.0.0.1:" + as.port(), out.toString(StandardCharsets.UTF_8).trim());
            Path conf = dir.resolve("eapol.conf");
            Files.writeString(conf, "network={\n key_mgmt=WPA-EAP\n eap=TLS\n identity=\"cli-ue\"\n ca_cert=\""
                    + dir.resolve("ca.pem") + "\"\n client_cert=\"" + dir.resolve("client.pem")
                    + "\"\n private_key=\"" + dir.resolve("client.key") + "\"\n eapol_flags=0\n}\n");
            Processes.Result r = Processes.run(List.of(eapolTest, "-c" + conf, "-a127.0.0.1", "-p" + as.port(),
                    "-sclisecret", "-t30", "-r0"), dir.resolve("eapol.log"));
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("MPPE keys OK: 1  mismatch: 0"));
            assertTrue(r.output().contains("Session-Timeout"));
        } finally {
            as.close();
        }
    }
}
