package org.recsec.cli.se;

import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeFixture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import org.bouncycastle.tls.DTLSTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsec.record.internal.Bytes;

/** {@code recsec se handshake} against Bouncy Castle's DTLS server echoing the card's text in upper case. */
@Timeout(60)
class SeCliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SeCli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true));
    }

    @Test
    void handshakeSendAndReceiveWithCounts() throws Exception {
        try (PskDtlsServer server = PskDtlsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                SeFixture.IDENTITY, SeFixture.PSK, new SecureRandom())) {
            Thread echo = new Thread(() -> {
                try {
                    DTLSTransport t = server.awaitHandshake(Duration.ofSeconds(20)).transport();
                    byte[] buf = new byte[2048];
                    int n = t.receive(buf, 0, buf.length, 10_000);
                    byte[] up = new String(buf, 0, Math.max(n, 0), StandardCharsets.UTF_8).toUpperCase()
                            .getBytes(StandardCharsets.UTF_8);
                    t.send(up, 0, up.length);
                } catch (Exception e) {
                    // the test sees the missing answer
                }
            });
            echo.setDaemon(true);
            echo.start();
            int rc = run("handshake", "--peer", "127.0.0.1:" + server.address().getPort(), "--psk",
                    Bytes.toHex(SeFixture.PSK), "--identity", "client-7", "--send", "hello card", "--wait", "5000");
            String o = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, rc, o + err);
            assertTrue(o.contains("handshake with 127.0.0.1:" + server.address().getPort() + " done: 6 APDUs"), o);
            assertTrue(o.contains("as record seq 1 (39 bytes on the wire): sealed on the card with 1 APDUs"), o);
            assertTrue(o.contains("received 10 bytes: HELLO CARD"), o);
            assertTrue(o.contains("opened on the card with 1 APDUs"), o);
            echo.join(5000);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "handshake", "handshake --peer 127.0.0.1:5684 --psk zz --identity a",
            "handshake --peer nohostport --psk 00 --identity a", "handshake --peer 127.0.0.1:5684 --psk 00",
            "handshake --peer 127.0.0.1:99999 --psk 00 --identity a",
            "handshake --peer 127.0.0.1:5684 --psk 00 --identity a --bogus 1",
            "handshake --peer 127.0.0.1:5684 --psk 00 --identity a --wait -1", "shake"})
    void wrongArgumentsExitTwoWithOneLine(String line) {
        assertEquals(2, run(line.isEmpty() ? new String[0] : line.split(" ")));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.startsWith("recsec se: "), e);
    }

    @Test
    void helpPrintsUsage() {
        assertEquals(0, run("handshake", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: recsec se handshake --peer HOST:PORT"));
    }

    @Test
    void anIdentityTooLongForTheCardExitsTwo() {
        assertEquals(2, run("handshake", "--peer", "127.0.0.1:5684", "--psk", "00", "--identity", "x".repeat(65)));
    }

    @Test
    void aClosedPeerPortExitsOne() throws Exception {
        int port;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(new InetSocketAddress(
                InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        // Nothing listens there any more: the connected socket reports ICMP port unreachable.
        assertEquals(1, run("handshake", "--peer", "127.0.0.1:" + port, "--psk", "00", "--identity", "a"));
        assertEquals(1, err.toString(StandardCharsets.UTF_8).lines().count());
    }
}
