package org.recsec.km.fuzz;


import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.vectors.SpecVectors;

/**
 * Writes the seed inputs of this module's fuzz targets into the Jazzer inputs directories
 * ({@code src/test/resources/org/recsec/km/fuzz/<Class>Inputs/<method>/}) from pfkey.json and the
 * setkey grammar. Run from the module directory (FUZZING.md); deterministic, committed, never run by CI.
 */
public final class SeedWriter {
    private static final Path BASE = Path.of("src/test/resources/org/recsec/km/fuzz");
    private static final String C = SadFuzzTest.C;
    private static final String S = SadFuzzTest.S;

    private SeedWriter() {
    }

    public static void main(String[] args) throws IOException {
        pfkey();
        sad();
        setkey();
    }

    private static void pfkey() throws IOException {
        for (JsonNode v : SpecVectors.vectors("pfkey.json")) {
            write("PfKeyFuzzTest", "decode", v.get("name").asText(), SpecVectors.hex(v, "hex"));
            if (!v.get("name").asText().contains("reply")) {
                write("SadFuzzTest", "messages", "vector-" + v.get("name").asText(), SpecVectors.hex(v, "hex"));
            }
        }
    }

    private static void sad() throws IOException {
        SecretBytes k16 = SecretBytes.copyOf(new byte[16]);
        SecretBytes iv4 = SecretBytes.copyOf(new byte[] {1, 2, 3, 4});
        SaSpec c2s = SaSpec.withKeys(0x5000, C, S, CipherSuite.AES_128_CCM_8, k16, iv4);
        write("SadFuzzTest", "messages", "getspi-update-get-delete", concat(
                PfKeyRequests.getSpi(C, S, 0x5000, 0x5000, 1, 7).encode(),
                PfKeyRequests.update(c2s, 2, 7).encode(),
                PfKeyRequests.get(0x5000, C, S, 3, 7).encode(),
                PfKeyRequests.delete(0x5000, C, S, 4, 7).encode()));
        write("SadFuzzTest", "messages", "add-twice-get-update-dying", concat(
                PfKeyRequests.add(c2s, 1, 7).encode(),
                PfKeyRequests.add(c2s, 2, 7).encode(),
                PfKeyRequests.get(0x5000, C, S, 3, 7).encode(),
                PfKeyRequests.update(c2s, 4, 7).encode()));
        write("SadFuzzTest", "messages", "register-dump-flush-dump", concat(
                PfKeyRequests.register(1, 7).encode(),
                PfKeyRequests.dump(2, 7).encode(),
                PfKeyRequests.flush(3, 7).encode(),
                PfKeyRequests.dump(4, 7).encode()));
        write("SadFuzzTest", "messages", "update-existing-and-delete-existing", concat(
                PfKeyRequests.update(SaSpec.withKeys(0x2002, S, C, CipherSuite.AES_128_GCM, k16, iv4), 1, 7)
                        .encode(),
                PfKeyRequests.get(0x3003, "SEN-1", C, 2, 7).encode(),
                PfKeyRequests.delete(0x3003, "SEN-1", C, 3, 7).encode(),
                PfKeyRequests.acquireFailed(0x80000001L, 2, 7).encode()));
    }

    private static void setkey() throws IOException {
        String key = "000102030405060708090a0b0c0d0e0f";
        text("SetkeyFuzzTest", "parse", "all-commands",
                "# setkey(8) syntax\n"
                        + "add 127.0.0.1[5683] coap://127.0.0.1:5684 recsec 0x1001 -r 1024 -lh 3600 -ls 3000\n"
                        + "    -bh 1000000 -bs 900000 -E aes-128-ccm-8 0x" + key + " -I 0xa0a1a2a3 ;\n"
                        + "add ::1 SEN-0001 recsec 4098 -E chacha20-poly1305 0x" + key + key
                        + "b0b1b2b3b4b5b6b7b8b9babb;\n"
                        + "get 127.0.0.1[5683] coap://127.0.0.1:5684 recsec 0x1001 ;\n"
                        + "delete 127.0.0.1[5683] coap://127.0.0.1:5684 recsec 4097 ;\n"
                        + "deleteall 127.0.0.1[5683] coap://127.0.0.1:5684 recsec ;\n"
                        + "flush ; dump recsec ;");
        text("SetkeyFuzzTest", "parse", "add-gcm-key-and-salt",
                "add [::1]:5683 coaps://[2001:db8::1]:5684 recsec 0xffffffff -E aes-128-gcm 0x" + key
                        + "00000000 ;");
        text("SetkeyFuzzTest", "parse", "add-ccm-ipv6-port",
                "add fe80::1[61616] 10.0.0.1 recsec 256 -r 1 -E aes-128-ccm 0x" + key + " -I 0x01020304 ;\n");
        text("SetkeyFuzzTest", "parse", "unknown-algorithm",
                "add 1.2.3.4 5.6.7.8 recsec 0x1001 -E aes-256-cbc 0x" + key + " ;");
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void uncheck(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void text(String testClass, String method, String name, String s) throws IOException {
        write(testClass, method, name, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(String testClass, String method, String name, byte[] bytes) throws IOException {
        Path dir = BASE.resolve(testClass + "Inputs").resolve(method);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-")), bytes);
    }
}
