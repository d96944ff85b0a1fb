package org.recsec.kmp.eap.as;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.kmp.eap.Hex;
import org.recsec.kmp.eap.Usrk;
import org.recsec.kmp.eap.demo.DemoPki;
import org.recsec.kmp.eap.testutil.Processes;
import org.recsec.kmp.eap.testutil.Rfc5295Reference;
import org.recsec.kmp.eap.tls.TlsCredentials;
import org.recsec.record.base.SecretBytes;

/**
 * wpa_supplicant's eapol_test (Debian package eapoltest) authenticates with EAP-TLS against our AS over RADIUS on
 * loopback and compares the MS-MPPE keys of our Access-Accept with the MSK its own (OpenSSL) TLS derived.
 */
class EapolTestInteropTest {
    @TempDir
    Path dir;

    @Test
    void eapolTestAuthenticatesAndItsMskEqualsOurMppeKeys() throws Exception {
        String eapolTest = Processes.require("eapol_test");
        SecureRandom random = new SecureRandom();
        DemoPki pki = new DemoPki(random, "ue1@recsec.test");
        pki.writePem(dir);
        // the AS reads the same PEM files a user would pass to `recsec eap as`
        TlsCredentials creds = TlsCredentials.fromPem(dir.resolve("server.pem"), dir.resolve("server.key"),
                dir.resolve("ca.pem"), java.util.Date::new);
        SessionStore sessions = new SessionStore(Clock.systemUTC(), 16);
        byte[] secret = "eapol-test-secret".getBytes(StandardCharsets.US_ASCII);
        try (AuthenticationServer as = new AuthenticationServer(creds, secret, random, Clock.systemUTC(), 3600,
                1000, sessions)) {
            as.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Path conf = dir.resolve("eapol.conf");
            Files.writeString(conf, String.join("\n",
                    "network={",
                    "  key_mgmt=WPA-EAP",
                    "  eap=TLS",
                    "  identity=\"ue1@recsec.test\"",
                    "  ca_cert=\"" + dir.resolve("ca.pem") + "\"",
                    "  client_cert=\"" + dir.resolve("client.pem") + "\"",
                    "  private_key=\"" + dir.resolve("client.key") + "\"",
                    "  phase1=\"tls_disable_tlsv1_3=1\"",
                    "  eapol_flags=0",
                    "}", ""));
            Processes.Result r = Processes.run(List.of(eapolTest, "-c" + conf, "-a127.0.0.1",
                    "-p" + as.port(), "-s" + new String(secret, StandardCharsets.US_ASCII), "-t30", "-r0", "-e"),
                    dir.resolve("eapol_test.log"));
            String out = r.output();
            assertEquals(0, r.exitCode(), () -> tail(out));
            assertTrue(out.contains("MPPE keys OK: 1  mismatch: 0"), () -> tail(out));
            assertTrue(out.lines().anyMatch("SUCCESS"::equals), () -> tail(out));
            assertEquals(1, as.accepted());
            assertTrue(out.contains("Locally derived EAP Session-Id matches EAP-Key-Name from server"),
                    () -> tail(out));
            EapSession s = sessions.snapshot().get("ue1@recsec.test");
            // eapol_test's debug output shows the EMSK and Session-Id its OpenSSL TLS derived: the AS keeps
            // the same ones, and the USRK the AS would hand to an ApS equals the one computed from the peer's
            // EMSK by the test's own RFC 5295 implementation
            byte[] peerEmsk = hexdump(out, "EAP-TLS: Derived EMSK - hexdump(len=64):");
            byte[] peerSessionId = hexdump(out, "EAP-TLS: Derived Session-Id - hexdump(len=65):");
            assertArrayEquals(peerSessionId, s.sessionId());
            assertTrue(s.emsk().equalsSecret(SecretBytes.copyOf(peerEmsk)), "EMSK differs from eapol_test's");
            byte[] expectedUsrk = Rfc5295Reference.kdf(peerEmsk, Usrk.RECSEC_LABEL,
                    "aps.recsec.test".getBytes(StandardCharsets.UTF_8), 64);
            assertArrayEquals(expectedUsrk, Usrk.forApplicationServer(s.emsk(), "aps.recsec.test").toByteArray());
        }
    }

    /** The bytes of a wpa_hexdump line "prefix xx xx ...". */
    static byte[] hexdump(String out, String prefix) {
        String line = out.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + prefix));
        return Hex.decode(line.substring(prefix.length()).replace(" ", ""));
    }

    private static String tail(String out) {
        return out.length() > 6000 ? out.substring(out.length() - 6000) : out;
    }
}
