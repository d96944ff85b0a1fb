package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * Measures, for every mode (DTLS/TLS × PSK/certificate) against Bouncy Castle's servers, the APDUs and ISO 7816
 * bytes of a full and of a resumed handshake (RESET to the card's last answer, the bridges of the tests packing each
 * server flight into EAP messages of at most 1088 bytes), and counts the card's AES and SHA-256 blocks and RSA-2048
 * operations. The model of seed 003 Fig. 12 (IO 0.1 ms/byte, AES 2.1 ms/block, SHA 0.9 ms/block, RSA-1024 private
 * 510 ms, public 23 ms) is scaled to RSA-2048 as applet/README.md explains: private (CRT) ×8 = 4080 ms, public ×4 =
 * 92 ms, one ffdhe2048 exponentiation with a 256-bit exponent ×4 = 2040 ms. Writes target/mode-cost.txt.
 */
class ModeCostTest extends CardTestBase {

    static final double IO = 0.1;
    static final double AES = 2.1;
    static final double SHA = 0.9;
    static final double RSA_PRIVATE = 510 * 8;
    static final double RSA_PUBLIC = 23 * 4;
    static final double DH = 510 * 4;

    private final StringBuilder table = new StringBuilder(
            "| mode | handshake | APDUs | ISO 7816 bytes | AES blocks | SHA-256 blocks | RSA pub / priv / DH | IO ms "
                    + "| crypto ms | model ms |\n|---|---|---|---|---|---|---|---|---|---|\n");
    private CryptoMeter meter;
    /** The meter's counts when the handshake ended (the record exchange after it is not counted). */
    private final long[] m = new long[5];

    private void snapshot() {
        m[0] = meter.aesBlocks;
        m[1] = meter.shaBlocks;
        m[2] = meter.rsaPublic;
        m[3] = meter.rsaPrivate;
        m[4] = meter.dhModexp;
    }

    @Test
    void everyModeFullAndResumed() throws Exception {
        personalise(1);
        TestPki pki = new TestPki(new SecureRandom());
        provision(pki);
        meter = CryptoMeter.install(card.applet());
        long[] full = new long[4];
        long[] resumed = new long[4];
        int i = 0;
        for (int mode : new int[] {0, CERT, TLS, TLS | CERT}) {
            BcTlsServer dtls = (mode & CERT) != 0 ? new BcTlsServer(null, null, pki)
                    : new BcTlsServer(IDENTITY, PSK, null);
            try (BcTlsServer tls = (mode & CERT) != 0 ? BcTlsServer.cert(pki, 2) : BcTlsServer.psk(IDENTITY, PSK, 2)) {
                full[i] = once(mode, dtls, tls, false);
                resumed[i] = once(mode | RESUME, dtls, tls, true);
            }
            assertTrue(resumed[i] < full[i], "a resumed handshake costs fewer bytes");
            i++;
        }
        Path out = Path.of("target/mode-cost.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table.toString());
        System.out.print(table);
    }

    private long once(int mode, BcTlsServer dtls, BcTlsServer tls, boolean expectResumed) throws Exception {
        long a0 = card.apdus;
        long b0 = card.bytes;
        meter.clear();
        boolean resumed;
        String name = ((mode & TLS) != 0 ? "TLS" : "DTLS") + " " + ((mode & CERT) != 0 ? "cert (DHE_RSA)" : "PSK");
        assertEquals(0x9000, card.reset(mode).getSW());
        long apdus;
        long bytes;
        if ((mode & TLS) != 0) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tls.port())) {
                TlsStreamBridge bridge = new TlsStreamBridge(new EapHost(card), s.getInputStream(),
                        s.getOutputStream());
                resumed = bridge.handshake();
                apdus = card.apdus - a0;
                bytes = card.bytes - b0;
                snapshot();
                bridge.send("x".getBytes(StandardCharsets.US_ASCII));
                tls.next();
                bridge.receive();
                bridge.closeNotify();
            }
        } else {
            MemoryDatagramTransport[] pair = MemoryDatagramTransport.pair();
            try {
                dtls.serveDtls(pair[0]);
                DtlsBridge bridge = new DtlsBridge(new EapHost(card), pair[1]);
                resumed = bridge.handshake();
                apdus = card.apdus - a0;
                bytes = card.bytes - b0;
                snapshot();
                bridge.send("x".getBytes(StandardCharsets.US_ASCII));
                dtls.next();
                bridge.receive();
                bridge.closeNotify();
            } finally {
                pair[0].close();
                pair[1].close();
            }
        }
        assertEquals(expectResumed, resumed, name + " resumed");
        double io = bytes * IO;
        double crypto = m[0] * AES + m[1] * SHA + m[2] * RSA_PUBLIC + m[3] * RSA_PRIVATE + m[4] * DH;
        table.append(String.format("| %s | %s | %d | %d | %d | %d | %d / %d / %d | %.0f | %.0f | %.0f |%n", name,
                resumed ? "resumed" : "full", apdus, bytes, m[0], m[1], m[2], m[3], m[4], io, crypto, io + crypto));
        return bytes;
    }
}
