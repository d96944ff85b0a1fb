package org.recsec.kmp.se;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
import org.recsec.testsupport.OpenSsl;
import org.recsec.testsupport.OpenSslServer;

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
            OpenSsl.run(dir, "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out",
                    "dh.pem");
            args.addAll(List.of("-cert", dir.resolve("server.pem").toString(), "-key",
                    dir.resolve("server.key").toString(), "-verifyCAfile", dir.resolve("ca.pem").toString(),
                    "-Verify", "1", "-verify_return_error", "-cipher", "DHE-RSA-AES128-CCM8", "-dhparam",
                    dir.resolve("dh.pem").toString()));
        } else {
            args.addAll(List.of("-nocert", "-psk", PSK, "-psk_identity", ID, "-cipher", "PSK-AES128-CCM8"));
        }
        int mode = cert ? SeCard.MODE_CERT : 0;
        try (OpenSslServer s = new OpenSslServer(args, Duration.ofSeconds(60))) {
            for (int i = 0; i < 2; i++) {
                String what = "DTLS" + (cert ? " cert" : " PSK") + " handshake " + i;
                card.reset(mode | (i > 0 ? SeCard.MODE_RESUME : 0));
                try (DatagramSocket sock = new DatagramSocket()) {
                    sock.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port()));
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
                    s.type(line);
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
}
