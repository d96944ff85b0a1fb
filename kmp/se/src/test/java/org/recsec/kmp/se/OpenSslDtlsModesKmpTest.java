package org.recsec.kmp.se;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.spi.OutboundSa;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeDtlsBridge;

/**
 * The SE KMP after the card's DTLS handshakes with OpenSSL 3's {@code s_server -dtls1_2} in PSK and certificate
 * mode, full then resumed ("Reused session-id"): the card's exported pair is installed in the client's SAD, and
 * OpenSSL itself judges it: a record record-sec's outbound SA seals (epoch 1, from the card's next write number) is
 * application data s_server prints, a line typed into s_server comes back as a record the inbound SA opens, and
 * the close_notify the outbound SA seals ends the connection cleanly (so the session stays resumable, which the
 * next handshake shows). TLS mode is not here: record-sec's records are then not TLS records (kmp/se/README.md).
 */
@Timeout(240)
class OpenSslDtlsModesKmpTest {
    private static final String ID = "kmp-openssl";
    private static final String PSK = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";

    @TempDir
    Path dir;

    @Test
    void dtlsPsk() throws Exception {
        run(false);
    }

    @Test
    void dtlsCertificate() throws Exception {
        run(true);
    }

    private void run(boolean cert) throws Exception {
        SeCard card = JCardSimLink.personalisedCard(SeCard.POLICY_EXPORT, ID.getBytes(StandardCharsets.US_ASCII),
                org.recsec.record.internal.wire.Bytes.fromHex(PSK), new byte[0]);
        List<String> args = new ArrayList<>(List.of("-dtls1_2", "-naccept", "2"));
        if (cert) {
            ModePki pki = new ModePki(new SecureRandom());
            pki.provision(card);
            pem(dir.resolve("ca.pem"), "CERTIFICATE", pki.ca.getEncoded());
            pem(dir.resolve("server.pem"), "CERTIFICATE", pki.server.getEncoded());
            pem(dir.resolve("server.key"), "PRIVATE KEY", pki.serverKeys.getPrivate().getEncoded());
            Process p = new ProcessBuilder("openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt",
                    "group:ffdhe2048", "-out", dir.resolve("dh.pem").toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl genpkey");
            args.addAll(List.of("-cert", dir.resolve("server.pem").toString(), "-key",
                    dir.resolve("server.key").toString(), "-verifyCAfile", dir.resolve("ca.pem").toString(),
                    "-Verify", "1", "-verify_return_error", "-cipher", "DHE-RSA-AES128-CCM8", "-dhparam",
                    dir.resolve("dh.pem").toString()));
        } else {
            args.addAll(List.of("-nocert", "-psk", PSK, "-psk_identity", ID, "-cipher", "PSK-AES128-CCM8"));
        }
        int mode = cert ? SeCard.MODE_CERT : 0;
        try (SServer s = new SServer(args)) {
            for (int i = 0; i < 2; i++) {
                String what = "DTLS" + (cert ? " cert" : " PSK") + " handshake " + i;
                card.reset(mode | (i > 0 ? SeCard.MODE_RESUME : 0));
                try (DatagramSocket sock = new DatagramSocket()) {
                    sock.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port));
                    SeDtlsBridge b = new SeDtlsBridge(card, sock);
                    assertEquals(i > 0, b.handshake(), what);
                    if (i > 0) {
                        s.await("Reused session-id");
                    }
                    SecurityAssociationDatabase client = SeFixture.sad(SeFixture.C, null);
                    SeSpis spis = SeKmp.installExported(card, b.clientRandom(), b.serverRandom(),
                            client.openSession(x -> { }), SeFixture.C, SeFixture.S);
                    OutboundSa out = client.outbound(LocalId.of(SeFixture.C), PeerId.of(SeFixture.S));
                    String text = "sealed by the SA " + i + "\n";
                    long seq = out.reserveSequence();
                    byte[] rec = out.cipher().seal(23, 1, seq, text.getBytes(StandardCharsets.US_ASCII), 0,
                            text.length());
                    sock.send(new DatagramPacket(rec, rec.length));
                    s.await(text.strip());
                    String line = "typed into s_server " + i;
                    s.type(line + "\n");
                    byte[] got = receive(sock);
                    assertEquals(line + "\n", new String(client.inbound(spis.serverToClient()).cipher()
                            .open(got, 0, got.length), StandardCharsets.US_ASCII), what);
                    long seq2 = out.reserveSequence();
                    byte[] close = out.cipher().seal(21, 1, seq2, new byte[] {1, 0}, 0, 2);
                    sock.send(new DatagramPacket(close, close.length));
                    s.await("DONE");
                }
            }
        }
    }

    /** The next application record (type 23) from s_server. */
    private static byte[] receive(DatagramSocket sock) throws IOException {
        sock.setSoTimeout(60_000);
        while (true) {
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            sock.receive(p);
            if (p.getLength() > 13 && buf[0] == 23) {
                return java.util.Arrays.copyOf(buf, p.getLength());
            }
        }
    }

    private static void pem(Path file, String type, byte[] der) throws IOException {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n");
    }

    /** openssl s_server on 127.0.0.1 port 0 (read back from its ACCEPT line), its output line by line. */
    private static final class SServer implements AutoCloseable {
        private static final Pattern ACCEPT = Pattern.compile("ACCEPT .*:(\\d+)\\s*$");
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        final int port;

        SServer(List<String> args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("openssl", "s_server"));
            cmd.addAll(args);
            cmd.addAll(List.of("-accept", "127.0.0.1:0"));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.US_ASCII))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        seen.add(l);
                        lines.add(l);
                    }
                } catch (IOException e) {
                    lines.add("(reader: " + e.getMessage() + ")");
                }
            }, "s_server-out");
            reader.setDaemon(true);
            reader.start();
            Matcher m = ACCEPT.matcher(await("ACCEPT"));
            assertTrue(m.find(), "port in the ACCEPT line");
            port = Integer.parseInt(m.group(1));
        }

        String await(String needle) throws InterruptedException {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (true) {
                long left = deadline - System.nanoTime();
                String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                if (l == null) {
                    throw new AssertionError("s_server did not print \"" + needle + "\": " + seen);
                }
                if (l.contains(needle)) {
                    return l;
                }
            }
        }

        void type(String line) throws IOException {
            process.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
            process.getOutputStream().flush();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
