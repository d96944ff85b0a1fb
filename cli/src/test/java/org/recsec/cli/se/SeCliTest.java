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
import org.recsec.record.internal.wire.Bytes;

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
            "handshake --peer 127.0.0.1:5684 --psk 00 --identity a --wait -1", "shake",
            "handshake --peer 127.0.0.1:5684 --psk-file /nonexistent/psk.hex --identity a",
            "handshake --peer 127.0.0.1:5684 --psk 00 --psk-file /nonexistent/psk.hex --identity a",
            "handshake --peer 127.0.0.1:5684 --psk - --identity a"})
    void wrongArgumentsExitTwoWithOneLine(String line) {
        assertEquals(2, run(line.isEmpty() ? new String[0] : line.split(" ")));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.startsWith("recsec se: "), e);
    }

    @Test
    void handshakeInCoapThroughAProxy() throws Exception {
        InetAddress serverIp = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
        java.util.List<String> seen = new java.util.ArrayList<>();
        try (org.recsec.kmp.se.coap.FlightFixture server = new org.recsec.kmp.se.coap.FlightFixture(serverIp, null);
             org.recsec.cli.demo.ForwardingProxy proxy = new org.recsec.cli.demo.ForwardingProxy(
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                     org.eclipse.californium.elements.config.Configuration.createStandardWithoutFile(),
                     (src, dst, bytes) -> {
                         synchronized (seen) {
                             seen.add(src + ">" + dst);
                         }
                     })) {
            int rc = run("handshake", "--peer", "127.0.0.2:" + server.address().getPort(), "--psk",
                    Bytes.toHex(SeFixture.PSK), "--identity", "client-7", "--se-transport", "coap", "--proxy",
                    "127.0.0.1:" + proxy.address().getPort());
            String o = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, rc, o + err);
            PskDtlsServer.Established e = server.awaitEstablished();
            assertTrue(o.contains("/.well-known/recsec-hs/"), o);
            assertTrue(o.contains("via proxy 127.0.0.1:" + proxy.address().getPort() + " done: 6 APDUs"), o);
            assertTrue(o.contains("CoAP: 3 round trips, "), o);
            assertTrue(o.contains(String.format("SPI 0x%x (client->server)", e.spis().clientToServer())), o);
            synchronized (seen) {
                assertTrue(seen.size() >= 12, seen.toString());
            }
        }
    }

    @Test
    void serveAndHandshakeInCoapAgreeOnTheSpis() throws Exception {
        ByteArrayOutputStream serveOut = new ByteArrayOutputStream();
        PrintStream so = new PrintStream(serveOut, true, StandardCharsets.UTF_8);
        int[] rc = {-1};
        Thread serve = new Thread(() -> rc[0] = SeCli.run(new String[] {"serve", "--listen", "127.0.0.1:0", "--psk",
                Bytes.toHex(SeFixture.PSK), "--identity", "client-7", "--count", "1"},
                new ByteArrayInputStream(new byte[0]), so, so));
        serve.setDaemon(true);
        serve.start();
        java.util.regex.Matcher m;
        while (true) {
            String s;
            synchronized (serveOut) {
                s = serveOut.toString(StandardCharsets.UTF_8);
            }
            m = java.util.regex.Pattern.compile("listening on coap://127.0.0.1:([0-9]+)/.well-known/recsec-hs")
                    .matcher(s);
            if (m.find()) {
                break;
            }
            assertTrue(serve.isAlive(), "serve ended before listening: " + s);
            Thread.sleep(20);
        }
        int code = run("handshake", "--peer", "127.0.0.1:" + m.group(1), "--psk", Bytes.toHex(SeFixture.PSK),
                "--identity", "client-7", "--se-transport", "coap");
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, o + err);
        // a hang guard, not a speed check: the client is done, so the server has counted the handshake or never will
        serve.join(120_000);
        assertTrue(!serve.isAlive(), "serve did not count the handshake the client finished: "
                + serveOut.toString(StandardCharsets.UTF_8) + "\nclient: " + o);
        assertEquals(0, rc[0], serveOut.toString(StandardCharsets.UTF_8));
        java.util.regex.Matcher spis = java.util.regex.Pattern.compile("SPI (0x[0-9a-f]+) \\(client->server\\), "
                + "(0x[0-9a-f]+) \\(server->client\\)").matcher(o);
        assertTrue(spis.find(), o);
        assertTrue(serveOut.toString(StandardCharsets.UTF_8).contains("handshake 1 done: SPI " + spis.group(1)
                + " (client->server), " + spis.group(2) + " (server->client)"), serveOut.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"handshake --peer 127.0.0.1:5683 --psk 00 --identity a --proxy 127.0.0.1:5684",
            "serve --listen 127.0.0.1:0 --psk 00", "serve --listen nope --psk 00 --identity a",
            "serve --listen 127.0.0.1:0 --psk 00 --identity a --count -1",
            "handshake --peer 127.0.0.1:5683 --psk 00 --identity a --se-transport tcp",
            "handshake --peer 127.0.0.1:5683 --psk 00 --identity a --se-transport coap --send x",
            "handshake --peer 127.0.0.1:5683 --psk 00 --identity a --se-transport coap --proxy nope"})
    void coapArgumentsAreChecked(String line) {
        assertEquals(2, run(line.split(" ")));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, e.lines().count(), e);
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
