package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Measures APDUs and ISO 7816 bytes of a full handshake and of sealing / opening one 1024-byte record, counts the
 * SHA-256 and AES blocks the card computes, and applies the cost model of seed 003 Fig. 12 (IO 0.1 ms/byte, AES
 * 2.1 ms/16-byte block, SHA-1 0.9 ms/64-byte block, assuming SHA-256 costs about as much as SHA-1 per block).
 * Prints the table for applet/README.md and writes it to target/cost-model.txt.
 */
class CostMeasurementTest extends CardTestBase {

    private static final double IO_MS_PER_BYTE = 0.1;
    private static final double AES_MS_PER_BLOCK = 2.1;
    private static final double SHA_MS_PER_BLOCK = 0.9;

    private record Cost(String what, long apdus, long bytes, long aes, long sha, String paper) {
        double ioMs() {
            return bytes * IO_MS_PER_BYTE;
        }

        double cryptoMs() {
            return aes * AES_MS_PER_BLOCK + sha * SHA_MS_PER_BLOCK;
        }

        String row() {
            return String.format("| %s | %d | %d | %d | %d | %.0f | %.0f | %.0f | %s |", what, apdus, bytes, aes, sha,
                    ioMs(), cryptoMs(), ioMs() + cryptoMs(), paper);
        }
    }

    private Cost measure(String what, String paper, CryptoMeter meter, long apdus0, long bytes0) {
        return new Cost(what, card.apdus - apdus0, card.bytes - bytes0, meter.aesBlocks, meter.shaBlocks, paper);
    }

    @Test
    void handshakeAndKilobyteRecords() throws Exception {
        personalise(0);
        CryptoMeter meter = CryptoMeter.install(card.applet());
        StringBuilder table = new StringBuilder();
        table.append("| operation | APDUs | ISO 7816 bytes | AES blocks | SHA-256 blocks | IO ms | crypto ms | "
                + "model ms | paper, measured |\n|---|---|---|---|---|---|---|---|---|\n");

        // a session starts with RESET (seed 003 §4.2); it is counted in the handshake
        long a0 = card.apdus;
        long b0 = card.bytes;
        meter.clear();
        assertEquals(0x9000, card.reset().getSW());
        Cost hsCookie;
        try (DtlsSession s = DtlsSession.open(card, IDENTITY, PSK, true, null)) {
            hsCookie = measure("full handshake, with HelloVerifyRequest", "1400 ms (2500 bytes)", meter, a0, b0);
        }
        a0 = card.apdus;
        b0 = card.bytes;
        meter.clear();
        assertEquals(0x9000, card.reset().getSW());
        Cost hs;
        Cost seal;
        Cost open;
        try (DtlsSession s = DtlsSession.open(card, IDENTITY, PSK, false, null)) {
            hs = measure("full handshake, no cookie exchange", "1400 ms (2500 bytes)", meter, a0, b0);
            byte[] data = new byte[1024];
            new Random(1).nextBytes(data);

            a0 = card.apdus;
            b0 = card.bytes;
            meter.clear();
            byte[] rec = s.eap.exchange(0x97, data);
            seal = measure("seal one 1024-byte record (P2 0x97)", "400 ms", meter, a0, b0);
            s.server.clientEnd.send(rec);
            byte[] buf = new byte[2048];
            assertEquals(1024, s.transport.receive(buf, 0, buf.length, 5000));

            byte[] fromServer = s.serverRecord(data);
            a0 = card.apdus;
            b0 = card.bytes;
            meter.clear();
            assertArrayEquals(data, s.eap.exchange(0, fromServer));
            open = measure("open one 1024-byte record (P2 0x00)", "430 ms", meter, a0, b0);
        }
        for (Cost c : new Cost[] {hsCookie, hs, seal, open}) {
            table.append(c.row()).append('\n');
        }
        String text = table.toString();
        System.out.print(text);
        Files.writeString(Path.of("target/cost-model.txt"), text, StandardCharsets.UTF_8);

        // CCM over 1024 bytes: CBC-MAC 1 (B0) + 1 (AAD) + 64 blocks, CTR 64 blocks + 1 (tag mask) = 131
        assertEquals(131, seal.aes());
        assertEquals(131, open.aes());
        assertEquals(0, seal.sha());
        // 6 fragments in (5 x 200 + 24 bytes) and 6 out (5 x 200 + 53): 11 APDUs
        assertEquals(11, seal.apdus());
        assertEquals(11, open.apdus());
        assertEquals(expectedBytes(1024, 1053), seal.bytes());
        assertEquals(expectedBytes(1053, 1024), open.bytes());
        // the Finished messages: seal 24 bytes (2 + 2 + 3) and open 24 bytes
        assertEquals(14, hs.aes());
        assertEquals(14, hsCookie.aes());
        // RESET, Start, the server's flights (at least ServerHello..Done and CCS + Finished), one more with the cookie
        assertEquals(true, hs.apdus() >= 4 && hs.apdus() <= 8, "handshake APDUs " + hs.apdus());
        assertEquals(true, hsCookie.apdus() == hs.apdus() + 1, "the cookie exchange costs one APDU");
        assertEquals(true, hs.bytes() < 1000 && hsCookie.bytes() > hs.bytes());
        // transcript (2 digests), PRF for master secret, key block and two Finished: some 60 SHA-256 blocks
        assertEquals(true, hs.sha() >= 40 && hs.sha() <= 90, "SHA-256 blocks " + hs.sha());
    }

    /**
     * ISO 7816 bytes of one PROCESS-EAP message of {@code in} bytes answered with {@code out} bytes, 200-byte EAP
     * fragments both ways: each command is CLA INS P1 P2 Lc ‖ EAP ‖ Le, each response EAP ‖ SW1 SW2; the first
     * fragment of a fragmented message (and every first card fragment) carries the 4-byte TLS length.
     */
    static long expectedBytes(int in, int out) {
        long total = 0;
        int inFragments = (in + 199) / 200;
        for (int i = 0; i < inFragments; i++) {
            int n = Math.min(200, in - 200 * i);
            boolean l = i == 0 && inFragments > 1;
            total += 5 + 6 + (l ? 4 : 0) + n + 1;
            if (i < inFragments - 1) {
                total += 6 + 2; // ACK
            }
        }
        int outFragments = (out + 199) / 200;
        for (int i = 0; i < outFragments; i++) {
            int n = Math.min(200, out - 200 * i);
            total += 6 + (i == 0 ? 4 : 0) + n + 2;
            if (i > 0) {
                total += 5 + 6 + 1; // the empty EAP-Request fetching this fragment
            }
        }
        return total;
    }

    @Test
    void expectedBytesMatchesAHandCount() throws IOException {
        // 3 bytes in, 3 bytes out: command 5+6+3+1 = 15, response 6+4+3+2 = 15
        assertEquals(30, expectedBytes(3, 3));
    }
}
