package org.recsec.cli.iose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.recsec.cli.Recsec;

/**
 * {@code recsec iose} through the main command: {@code recsec iose grid} runs as its own process (the
 * {@code Recsec} main class, as the fat jar starts it), {@code recsec iose call} goes through {@link Recsec#run}.
 */
class IoseCommandTest {
    private static final String PSK = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    record Result(int code, String out, String err) {
    }

    private static Result recsec(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Recsec().run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void gridAsAProcessAndCallThroughTheMainCommand() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process grid = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Recsec.class.getName(),
                "iose", "grid", "--port", "0", "--bind", "127.0.0.1", "--se", "cli-grid-ks:user1:" + PSK)
                .redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(grid.getInputStream(), StandardCharsets.UTF_8));
            String line = r.readLine();
            for (int i = 0; i < 50 && line != null && !line.startsWith("iose grid listening on "); i++) {
                line = r.readLine();
            }
            assertTrue(line != null && line.startsWith("iose grid listening on "), String.valueOf(line));
            assertTrue(line.contains("cli-grid-ks"), line);
            int port = Integer.parseInt(line.replaceAll(".*127\\.0\\.0\\.1:(\\d+).*", "$1"));
            String base = "shellS://cli-grid-ks@127.0.0.1:" + port + "/";

            byte[] data = "sign me through recsec iose".getBytes(StandardCharsets.US_ASCII);
            Result c = recsec("iose", "call", base + "?p00%0D%0As00" + HexFormat.of().formatHex(data) + "%0D%0A",
                    "--identity", "user1", "--psk", PSK);
            assertEquals(0, c.code(), c.err());
            String[] lines = c.out().split("\n");
            assertEquals(2, lines.length, c.out());
            PublicKey k = KeyFactory.getInstance("RSA").generatePublic(
                    new X509EncodedKeySpec(HexFormat.of().parseHex(lines[0].trim())));
            Signature v = Signature.getInstance("SHA256withRSA");
            v.initVerify(k);
            v.update(data);
            assertTrue(v.verify(HexFormat.of().parseHex(lines[1].trim())), "the card's signature verifies");

            Result wrongPsk = recsec("iose", "call", base + "?p00", "--identity", "user1", "--psk", PSK.replace('0', '1'));
            assertEquals(1, wrongPsk.code(), wrongPsk.out());
            Result unknown = recsec("iose", "call", "shellS://nobody@127.0.0.1:" + port + "/?p00", "--identity",
                    "user1", "--psk", PSK);
            assertEquals(1, unknown.code());
            assertTrue(unknown.err().contains("unrecognized_name"), unknown.err());
            Result pskInUri = recsec("iose", "call", "shellS://cli-grid-ks:" + PSK + "@127.0.0.1:" + port + "/?p00",
                    "--identity", "user1");
            assertEquals(2, pskInUri.code(), "a PSK in the URI needs --insecure-psk-in-uri");
        } finally {
            grid.destroy();
            if (!grid.waitFor(30, TimeUnit.SECONDS)) {
                grid.destroyForcibly().waitFor();
            }
        }
    }
}
