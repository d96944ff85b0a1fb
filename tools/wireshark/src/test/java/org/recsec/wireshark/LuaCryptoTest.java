package org.recsec.wireshark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain-Lua ciphers of recsec.lua against Bouncy Castle, under the stand-alone Lua 5.2 (what Wireshark 4.0 to
 * 4.2 embed) and Lua 5.4 (which later Wireshark builds may embed: no bit32 there, so the file's shim is used): the
 * cipher part of the plugin (everything before its key-file section) runs with a generated list of cases — every
 * AEAD at plaintext lengths 0..70 with random AAD, the same records with one bit flipped (must not open), SHA-256,
 * HMAC and HKDF-Expand-Label at many lengths. The interpreters come from Debian's lua5.2 and lua5.4 packages
 * (.ci/run installs them).
 */
class LuaCryptoTest {
    private static final String MARKER = "-- The key file";

    static String cipherSection() throws IOException {
        String all = Files.readString(Tshark.PLUGIN, StandardCharsets.UTF_8);
        int end = all.indexOf(MARKER);
        assertTrue(end > 0, "marker '" + MARKER + "' in recsec.lua");
        // up to the separator line before the marker
        return all.substring(0, all.lastIndexOf("\n---", end));
    }

    private static String luaHex(byte[] b) {
        return "\"" + Records.hex(b) + "\"";
    }

    @ParameterizedTest
    @ValueSource(strings = {"lua5.2", "lua5.4"})
    void pluginCiphersAgreeWithBouncyCastle(String lua, @TempDir Path dir) throws Exception {
        Random rnd = new Random(2026);
        StringBuilder cases = new StringBuilder("local cases = {\n");
        int n = 0;
        for (Records.Suite12 s : Records.Suite12.values()) {
            for (int len = 0; len <= 70; len++) {
                byte[] key = RecsecLuaFuzzTest.bytes(rnd, s.keyBytes);
                byte[] nonce = RecsecLuaFuzzTest.bytes(rnd, 12);
                byte[] aad = RecsecLuaFuzzTest.bytes(rnd, rnd.nextInt(30));
                byte[] pt = RecsecLuaFuzzTest.bytes(rnd, len);
                byte[] ct = Records.seal(s.aead(), key, s.tagBytes, nonce, aad, pt);
                String alg = switch (s) {
                    case C0A8, C0A4 -> "ccm_open";
                    case A8 -> "gcm_open";
                    case CCAB -> "chacha20_poly1305_open";
                };
                cases.append(String.format("{\"%s\", %s, %s, %s, %s, %d, %s},%n", alg, luaHex(key), luaHex(nonce),
                        luaHex(aad), luaHex(ct), s.tagBytes, luaHex(pt)));
                byte[] bad = ct.clone();
                bad[rnd.nextInt(bad.length)] ^= (byte) (1 << rnd.nextInt(8));
                cases.append(String.format("{\"%s\", %s, %s, %s, %s, %d, nil},%n", alg, luaHex(key), luaHex(nonce),
                        luaHex(aad), luaHex(bad), s.tagBytes));
                n += 2;
            }
        }
        cases.append("}\nlocal hashes = {\n");
        for (int len = 0; len <= 130; len += 3) {
            byte[] m = RecsecLuaFuzzTest.bytes(rnd, len);
            byte[] k = RecsecLuaFuzzTest.bytes(rnd, 1 + rnd.nextInt(80));
            SHA256Digest d = new SHA256Digest();
            d.update(m, 0, m.length);
            byte[] h = new byte[32];
            d.doFinal(h, 0);
            HMac mac = new HMac(new SHA256Digest());
            mac.init(new KeyParameter(k));
            mac.update(m, 0, m.length);
            byte[] t = new byte[32];
            mac.doFinal(t, 0);
            int outLen = 1 + rnd.nextInt(70);
            String label = new String[] {"key", "iv", "sn"}[rnd.nextInt(3)];
            byte[] secret = RecsecLuaFuzzTest.bytes(rnd, 32);
            cases.append(String.format("{%s, %s, %s, %s, %s, \"%s\", %d, %s},%n", luaHex(m), luaHex(h), luaHex(k),
                    luaHex(t), luaHex(secret), label, outLen, luaHex(Records.expandLabel(secret, label, outLen))));
            n += 3;
        }
        cases.append("}\n");
        String harness = cases + """
                local fails, count = {}, 0
                for i, c in ipairs(cases) do
                    local fn = ({ ccm_open = ccm_open, gcm_open = gcm_open,
                                  chacha20_poly1305_open = chacha20_poly1305_open })[c[1]]
                    local pt = fn(from_hex(c[2]), from_hex(c[3]), from_hex(c[4]), from_hex(c[5]), c[6])
                    local want = c[7]
                    if (want == nil and pt ~= nil) or (want ~= nil and (pt == nil or to_hex(pt) ~= want)) then
                        fails[#fails + 1] = "aead case " .. i .. " (" .. c[1] .. ")"
                    end
                    count = count + 1
                end
                for i, h in ipairs(hashes) do
                    if to_hex(sha256(from_hex(h[1]))) ~= h[2] then fails[#fails + 1] = "sha256 " .. i end
                    if to_hex(hmac_sha256(from_hex(h[3]), from_hex(h[1]))) ~= h[4] then
                        fails[#fails + 1] = "hmac " .. i
                    end
                    if to_hex(hkdf_expand_label(from_hex(h[5]), h[6], {}, h[7])) ~= h[8] then
                        fails[#fails + 1] = "hkdf " .. i
                    end
                    count = count + 3
                end
                print(_VERSION .. " bit32=" .. tostring(bit32 ~= nil) .. " checked " .. count)
                for _, f in ipairs(fails) do print("FAIL " .. f) end
                """;
        Path script = dir.resolve("crypto.lua");
        Files.writeString(script, cipherSection() + "\n" + harness, StandardCharsets.UTF_8);
        Process p;
        try {
            p = new ProcessBuilder(lua, script.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.assumeTrue("true".equals(System.getenv("CI")), lua + " is not installed here");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        List<String> lines = new ArrayList<>(out.lines().toList());
        assertEquals(1, lines.size(), out);
        assertTrue(lines.get(0).endsWith(" checked " + n), out);
        assertTrue(lines.get(0).contains(lua.equals("lua5.4") ? "Lua 5.4 bit32=false" : "Lua 5.2 bit32=true"), out);
    }
}
