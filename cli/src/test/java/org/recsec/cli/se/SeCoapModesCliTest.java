package org.recsec.cli.se;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.recsec.cli.se.SeModesCliTest.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsec.cli.demo.ForwardingProxy;
import org.recsec.cli.se.SeModesCliTest.Run;

/**
 * The CLI contract of issue 14 for the card's other DTLS modes in CoAP messages: {@code recsec se serve} in PSK and in
 * certificate mode (PKI from the openssl command line), {@code recsec se handshake --se-transport coap} with
 * {@code --se-mode cert} / {@code --cert} and {@code --resume N}, directly and through the demo's forward proxy; the
 * SPIs the client prints are those the server prints, handshake by handshake, and both ends agree which were
 * resumed.
 */
@Timeout(240)
class SeCoapModesCliTest {
    private static final String PSK = "000102030405060708090a0b0c0d0e0f";
    private static final String ID = "cli-card@recsec";

    @TempDir
    Path dir;

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private static void assertSameHandshakes(ServeRun serve, Run client, int resumptions) {
        List<String> c = ServeRun.clientHandshakes(client.out());
        assertEquals(resumptions + 1, c.size(), client.out());
        assertEquals(serve.handshakes(), c, "server: " + serve.output() + "\nclient: " + client.out());
        for (int i = 0; i < c.size(); i++) {
            assertEquals(i > 0, c.get(i).endsWith(" resumed"), c.toString());
        }
    }

    @Test
    void certificateModeFullThenTwoResumedThroughTheProxy() throws Exception {
        SeModesCliTest.pki(dir);
        ServeRun serve = new ServeRun("--listen", "127.0.0.1:0", "--cert", "--server-key", file("server.key"),
                "--server-cert", file("server.pem"), "--client-ca", file("ca.pem"), "--count", "3");
        List<String> seen = new ArrayList<>();
        try (ForwardingProxy proxy = new ForwardingProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Configuration.createStandardWithoutFile(),
                (src, dst, bytes) -> {
                    synchronized (seen) {
                        seen.add(src + ">" + dst);
                    }
                })) {
            Run r = cli("handshake", "--peer", "127.0.0.1:" + serve.port(), "--se-transport", "coap", "--proxy",
                    "127.0.0.1:" + proxy.address().getPort(), "--se-mode", "cert", "--issuer-key", file("ca.key"),
                    "--issuer-cert", file("ca.pem"), "--server-ca", file("ca.pem"), "--resume", "2");
            assertEquals(0, r.code(), r.out() + r.err());
            assertEquals(0, serve.awaitExit(), serve.output());
            assertTrue(r.out().contains("(DTLS certificate) with coap://127.0.0.1:" + serve.port()
                    + "/.well-known/recsec-hs via proxy 127.0.0.1:" + proxy.address().getPort() + ": full"), r.out());
            assertSameHandshakes(serve, r, 2);
            synchronized (seen) {
                // both legs of every exchange: the proxy carried the handshakes
                assertTrue(seen.stream().anyMatch(s -> s.endsWith(">/127.0.0.1:" + serve.port())), seen.toString());
            }
        }
    }

    @Test
    void pskModeFullThenResumedDirectly() throws Exception {
        ServeRun serve = new ServeRun("--listen", "127.0.0.1:0", "--psk", PSK, "--identity", ID, "--count", "2");
        Run r = cli("handshake", "--peer", "127.0.0.1:" + serve.port(), "--se-transport", "coap", "--psk", PSK,
                "--identity", ID, "--resume", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(0, serve.awaitExit(), serve.output());
        assertTrue(r.out().contains("CoAP: 3 round trips"), r.out());
        assertSameHandshakes(serve, r, 1);
    }

    /** A server whose CA did not issue the card's certificate: the handshake fails, exit 1, no handshake counted. */
    @Test
    void aCardFromAnotherCaFails() throws Exception {
        SeModesCliTest.pki(dir);
        Path other = dir.resolve("other");
        java.nio.file.Files.createDirectories(other);
        SeModesCliTest.pki(other);
        ServeRun serve = new ServeRun("--listen", "127.0.0.1:0", "--cert", "--server-key", file("server.key"),
                "--server-cert", file("server.pem"), "--client-ca", other.resolve("ca.pem").toString(), "--count",
                "1");
        Run r = cli("handshake", "--peer", "127.0.0.1:" + serve.port(), "--se-transport", "coap", "--cert",
                "--issuer-key", file("ca.key"), "--issuer-cert", file("ca.pem"), "--server-ca", file("ca.pem"));
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("recsec se: "), r.err());
        assertTrue(serve.handshakes().isEmpty(), serve.output());
        serve.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "handshake --peer 127.0.0.1:5683 --psk 00 --identity a --se-transport coap --transport tls --resume 1",
        "handshake --peer 127.0.0.1:5683 --psk 00 --identity a --se-transport coap --resume 1 --send x",
        "handshake --peer 127.0.0.1:5683 --psk 00 --identity a --resume 1 --proxy 127.0.0.1:5684",
        "handshake --peer 127.0.0.1:5683 --psk 00 --identity a --se-mode rsa",
        "handshake --peer 127.0.0.1:5683 --cert --se-mode psk --psk 00 --identity a",
        "handshake --peer 127.0.0.1:5683 --psk 00 --identity a --resume 1 --se-transport quic",
        "serve --listen 127.0.0.1:0 --cert --server-key /nonexistent --server-cert /nonexistent --client-ca /x",
        "serve --listen 127.0.0.1:0 --cert --psk 00 --identity a",
        "serve --listen 127.0.0.1:0 --psk 00 --identity a --client-ca /x",
        "serve --listen 127.0.0.1:0 --cert"})
    void wrongArgumentsExitTwoWithOneLine(String line) {
        Run r = cli(line.split(" "));
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("recsec se: "), r.err());
    }

    @Test
    void helpNamesTheNewFlags() {
        Run r = cli("handshake", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--se-mode M"), r.out());
        Run s = cli("serve", "--help");
        assertTrue(s.out().contains("--server-cert CERT.pem"), s.out());
    }
}
