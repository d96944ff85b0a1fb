package org.recsec.kmp.se;

import org.recsec.se.host.SeHandshake;

import org.recsec.se.host.SeSession;

import org.recsec.se.host.DtlsIso7816Agent;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.Retransmission;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.UdpSocketAgent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsec.record.internal.wire.Bytes;

/**
 * The card against OpenSSL 3's DTLS 1.2 server ({@code openssl s_server -dtls1_2 -nocert -psk ...}), over UDP
 * loopback: the handshake completes (with and without the HelloVerifyRequest of {@code -listen}), a record the card
 * seals arrives at OpenSSL as the right text (it prints application data on stdout), and a line typed into
 * OpenSSL's stdin comes back to the card as an application record the card opens.
 */
@Timeout(60)
class OpenSslInteropTest {
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @ParameterizedTest(name = "listen={0}")
    @ValueSource(booleans = {true, false})
    void cardHandshakesWithOpenSslAndExchangesApplicationData(boolean listen) throws Exception {
        assumeTrue(Files.isExecutable(OPENSSL), "OpenSSL not installed");
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        List<String> cmd = new java.util.ArrayList<>(List.of(OPENSSL.toString(), "s_server", "-dtls1_2", "-nocert",
                "-psk", Bytes.toHex(SeFixture.PSK), "-psk_identity", new String(SeFixture.IDENTITY,
                        StandardCharsets.US_ASCII), "-cipher", "PSK-AES128-CCM8", "-accept", "127.0.0.1:" + port,
                "-naccept", "1"));
        if (listen) {
            cmd.add("-listen");
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException e) {
                lines.add("(reader: " + e.getMessage() + ")");
            }
        }, "openssl-stdout");
        reader.setDaemon(true);
        reader.start();
        assertNotNull(await(lines, "ACCEPT", 10_000), "OpenSSL did not start");

        SeCard card = JCardSimLink.personalisedCard(0, SeFixture.IDENTITY, SeFixture.PSK, SeFixture.SEN);
        DtlsIso7816Agent agent = new DtlsIso7816Agent(card);
        try (UdpSocketAgent socket = UdpSocketAgent.open(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                port))) {
            SeSession session = SeHandshake.run(agent, socket, new Retransmission(1000, 4));
            assertEquals(SeCard.STATE_ESTABLISHED, agent.state());
            String text = "hello OpenSSL from the card " + listen;
            byte[] record = session.sendApplicationData((text + "\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals(1, Bytes.readUint48Be(record, 5), "first application record after the Finished");
            assertNotNull(await(lines, text, 10_000), "OpenSSL printed the card's text; it printed: " + lines);

            OutputStream stdin = process.getOutputStream();
            stdin.write("reply from OpenSSL\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            byte[] back = session.receiveApplicationData(10_000).orElse(null);
            assertNotNull(back, "no application record from OpenSSL");
            assertArrayEquals("reply from OpenSSL\n".getBytes(StandardCharsets.US_ASCII), back);
        }
    }

    /** The first line containing {@code needle} within the time, or null. */
    private static String await(BlockingQueue<String> lines, String needle, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            String l = lines.poll(left, TimeUnit.NANOSECONDS);
            if (l != null && l.contains(needle)) {
                return l;
            }
        }
    }
}
