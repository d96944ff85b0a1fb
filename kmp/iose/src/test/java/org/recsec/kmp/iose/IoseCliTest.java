package org.recsec.kmp.iose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.HexFormat;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The `recsec iose` contract: grid, provision, attest, call; usage errors exit 2 with one line. */
class IoseCliTest {
    static final String PSK = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    static final String NEW_PSK = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = new IoseCli(InputStream.nullInputStream(), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), new SecureRandom(), Clock.systemUTC()).run(args);
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void gridProvisionAttestCall(@TempDir Path dir) throws Exception {
        TestCa ca = new TestCa("cli-provider");
        Path key = dir.resolve("ca-key.pem");
        Path cert = dir.resolve("ca.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(ca.keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        try (Writer w = Files.newBufferedWriter(cert); JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(ca.cert);
        }
        ByteArrayOutputStream gridOut = new ByteArrayOutputStream();
        IoseCli cli = new IoseCli(InputStream.nullInputStream(), new PrintStream(gridOut, true, StandardCharsets.UTF_8),
                System.err, new SecureRandom(), Clock.systemUTC());
        try (IoseGrid grid = cli.startGrid(new String[] {"--port", "0", "--se", "cli-ks:user1:" + PSK,
            "--se", "cli-other:user2:" + PSK})) {
            String listening = gridOut.toString(StandardCharsets.UTF_8);
            assertTrue(listening.contains("cli-ks") && listening.contains("cli-other"), listening);
            int port = Integer.parseInt(listening.replaceAll("(?s).*127\\.0\\.0\\.1:(\\d+).*", "$1"));
            String base = "shellS://cli-ks@127.0.0.1:" + port + "/";

            Run p = run("provision", base, "--identity", "user1", "--psk", PSK, "--provider-key", key.toString(),
                    "--provider-cert", cert.toString());
            assertEquals(0, p.code(), p.err());
            assertTrue(p.out().startsWith("provisioned cli-ks"), p.out());

            Run a = run("attest", base, "--identity", "user1", "--psk", PSK, "--provider-ca", cert.toString(),
                    "--new-psk", NEW_PSK);
            assertEquals(0, a.code(), a.err());
            assertTrue(a.out().contains("Sign(HS || rnd) verified; PSK replaced"), a.out());

            Run old = run("call", base + "?p00", "--identity", "user1", "--psk", PSK);
            assertEquals(1, old.code());
            assertTrue(old.err().contains("decrypt_error"), old.err());

            byte[] data = HexFormat.of().parseHex("0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20");
            Run c = run("call", base + "?p01%0D%0As01" + HexFormat.of().formatHex(data) + "%0D%0A", "--identity",
                    "user1", "--psk", NEW_PSK);
            assertEquals(0, c.code(), c.err());
            String[] lines = c.out().split("\n");
            assertEquals(2, lines.length, c.out());
            PublicKey k = KeyFactory.getInstance("RSA").generatePublic(
                    new X509EncodedKeySpec(HexFormat.of().parseHex(lines[0].trim())));
            Signature v = Signature.getInstance("SHA256withRSA");
            v.initVerify(k);
            v.update(data);
            assertTrue(v.verify(HexFormat.of().parseHex(lines[1].trim())));

            Run insecure = run("call", "shellS://cli-other:" + PSK + "@127.0.0.1:" + port + "/?p00",
                    "--identity", "user2", "--insecure-psk-in-uri");
            assertEquals(0, insecure.code(), insecure.err());
            assertEquals(589, insecure.out().length(), insecure.out());
            Run unknown = run("call", "shellS://nobody@127.0.0.1:" + port + "/?p00", "--identity", "user2",
                    "--psk", PSK);
            assertEquals(1, unknown.code());
            assertTrue(unknown.err().contains("unrecognized_name"), unknown.err());
        }
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        String[][] bad = {
            {},
            {"frobnicate"},
            {"grid", "--port", "70000", "--se", "a:b:" + PSK},
            {"grid", "--port", "0"},
            {"grid", "--port", "0", "--se", "bad_name:b:" + PSK},
            {"grid", "--port", "0", "--se", "ok:b:00"},
            {"call", "shellS://se@h:1/?p00", "--identity", "x"},
            {"call", "shellS://se:" + PSK + "@h:1/?p00", "--identity", "x"},
            {"call", "shell://se@h:1/?p00", "--identity", "x", "--psk", PSK},
            {"call", "shellS://se@h:1/?p00", "--identity", "x", "--psk", "zz"},
            {"attest", "shellS://se@h:1/", "--identity", "x", "--psk", PSK},
            {"provision", "shellS://se@h:1/", "--identity", "x", "--psk", PSK, "--provider-key", "k"},
            {"call", "shellS://se@h:1/?p00", "--identity", "x", "--psk", PSK, "--bogus"},
        };
        for (String[] args : bad) {
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("recsec iose"), r.err());
        }
        for (String sub : new String[] {"grid", "call", "attest", "provision"}) {
            Run h = run(sub, "--help");
            assertEquals(0, h.code());
            assertTrue(h.out().contains("recsec iose " + sub), h.out());
        }
    }
}
