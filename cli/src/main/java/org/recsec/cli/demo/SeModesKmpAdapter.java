package org.recsec.cli.demo;

import java.math.BigInteger;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.RSAPublicKeySpec;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.recsec.kmp.se.SeCipherRegistry;
import org.recsec.kmp.se.SeKmp;
import org.recsec.kmp.se.SeModeServer;
import org.recsec.kmp.se.SeSpis;
import org.recsec.se.host.ApduCounter;
import org.recsec.se.host.CardLink;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeDtlsBridge;
import org.recsec.se.host.SeTlsBridge;

/**
 * The secure-element KMP in the card's other modes ({@code recsec demo --kmp se --se-mode psk|cert --transport
 * dtls|tls}): the simulated card runs its handshake through the host bridge of the transport (DTLS over UDP, TLS
 * over TCP) against Bouncy Castle's server ({@link SeModeServer}) on loopback, in PSK mode or in certificate mode
 * (TLS_DHE_RSA_WITH_AES_128_CCM_8; the demo plays the provider: it makes a CA and the server's certificate, the card
 * makes its RSA-2048 key pair, the demo issues the card's certificate and writes it and the anchor to the card).
 * Then the SE KMP installs the client's pair through PF_KEY ADD — SE-resident after DTLS (every record of the demo
 * sealed and opened by the card), exported after TLS (the card's TLS records cannot be carried by record-sec;
 * kmp/se/README.md) — and the server's from its key block. An exported pair may be of any record profile (the
 * compact one keyed by kmp/se's DTLS 1.3-style schedule); a resident one is dtls12, the records the card seals.
 */
final class SeModesKmpAdapter implements DemoKmp {
    private final SecureRandom random;
    private final SeCipherRegistry registry;
    private final boolean cert;
    private final boolean tls;
    private final int profile;
    private CardLink link;
    private String handle;
    private Trace trace;
    private ApduCounter.Snapshot afterHandshake;

    /** @param profile the PF_KEY record profile of the pair: dtls12 unless {@code tls} (the pair is exported) */
    SeModesKmpAdapter(SecureRandom random, SeCipherRegistry registry, boolean cert, boolean tls, int profile) {
        this.random = random;
        this.registry = registry;
        this.cert = cert;
        this.tls = tls;
        this.profile = profile;
    }

    @Override
    public String name() {
        return "se";
    }

    @Override
    public void establish(Setup s) throws Exception {
        trace = s.trace();
        String mode = (tls ? "TLS 1.2 over TCP" : "DTLS 1.2 over UDP") + ", "
                + (cert ? "TLS_DHE_RSA_WITH_AES_128_CCM_8 (certificates)" : "TLS_PSK_WITH_AES_128_CCM_8");
        link = JCardSimLink.open();
        SeCard card = new SeCard(link);
        card.select();
        card.factoryReset();
        byte[] identity = "demo-card".getBytes(StandardCharsets.US_ASCII);
        byte[] psk = new byte[16];
        random.nextBytes(psk);
        card.personalise(tls ? SeCard.POLICY_EXPORT : 0, identity, psk,
                "recsec-demo".getBytes(StandardCharsets.US_ASCII));
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        SeModeServer server;
        if (cert) {
            Pki pki = new Pki(random);
            pki.provision(card);
            trace.line("  the card made its RSA-2048 key pair; the demo's CA issued its certificate (CN=card) and"
                    + " wrote it and the trust anchor to the card");
            server = SeModeServer.cert(tls, any, pki.credentials(), random, 1);
        } else {
            server = SeModeServer.psk(tls, any, identity, psk, random, 1);
        }
        java.util.Arrays.fill(psk, (byte) 0);
        try (server) {
            card.reset((tls ? SeCard.MODE_TLS : 0) | (cert ? SeCard.MODE_CERT : 0));
            ApduCounter.Snapshot before = link.counter().snapshot();
            byte[] cr;
            byte[] sr;
            if (tls) {
                try (Socket sock = new Socket(server.address().getAddress(), server.address().getPort())) {
                    sock.setSoTimeout(30_000);
                    SeTlsBridge b = new SeTlsBridge(card, sock.getInputStream(), sock.getOutputStream());
                    b.handshake();
                    cr = b.clientRandom();
                    sr = b.serverRandom();
                }
            } else {
                try (DatagramSocket sock = new DatagramSocket()) {
                    sock.connect(server.address());
                    SeDtlsBridge b = new SeDtlsBridge(card, sock);
                    b.handshake();
                    cr = b.clientRandom();
                    sr = b.serverRandom();
                }
            }
            ApduCounter.Snapshot cost = link.counter().snapshot().minus(before);
            SeModeServer.Established est = server.next(30_000);
            trace.line("  the card's handshake (" + mode + ") with Bouncy Castle's server at "
                    + server.address().getAddress().getHostAddress() + ":" + server.address().getPort()
                    + (est.clientSubject() != null ? ", which checked the card's certificate " + est.clientSubject()
                    : ""));
            SeSpis spis;
            if (tls) {
                spis = SeKmp.installExported(card, cr, sr, s.clientSad().openSession(m -> { }), s.clientId(),
                        s.serverId(), profile);
                SeKmp.installServer(est.keys(), cr, sr, s.serverSad().openSession(m -> { }), s.serverId(),
                        s.clientId(), 1, profile);
            } else {
                handle = SeKmp.installResident(card, cr, sr, false, 1, s.clientSad().openSession(m -> { }),
                        s.clientId(), s.serverId(), registry);
                spis = est.spis();
                SeKmp.installServer(est.keys(), spis, s.serverSad().openSession(m -> { }), s.serverId(), s.clientId(),
                        1);
            }
            afterHandshake = link.counter().snapshot();
            trace.line(String.format("  ISO7816 for the handshake: %d APDUs, %d bytes to the card, %d from it;"
                    + " SPIs 0x%08x (client to server), 0x%08x (server to client); %s", cost.apdus(), cost.sent(),
                    cost.received(), spis.clientToServer(), spis.serverToClient(), tls
                    ? "the client's SA pair was exported from the card (TLS mode) and added through PF_KEY"
                    : "the client's SA pair stays on the card (handle " + handle + ")"));
        }
    }

    @Override
    public void close() {
        if (link != null) {
            if (handle != null) {
                var records = link.counter().snapshot().minus(afterHandshake);
                trace.line(String.format("  the card sealed the request and opened the response: %d APDUs, %d bytes"
                        + " to the card, %d from it", records.apdus(), records.sent(), records.received()));
                registry.unregister(handle);
            }
            link.close();
            link = null;
        }
    }

    /** The demo as certificate provider: a CA, the server's certificate, the card's certificate. */
    private static final class Pki {
        private final KeyPair caKeys;
        private final X509Certificate ca;
        private final KeyPair serverKeys;
        private final X509Certificate server;
        private long serial = 1;

        Pki(SecureRandom random) throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, random);
            caKeys = g.generateKeyPair();
            ca = issue(new X500Name("CN=recsec demo CA"), caKeys.getPublic(), true);
            serverKeys = g.generateKeyPair();
            server = issue(new X500Name("CN=server"), serverKeys.getPublic(), false);
        }

        SeModeServer.Credentials credentials() {
            return new SeModeServer.Credentials(serverKeys.getPrivate(), server, ca.getPublicKey());
        }

        void provision(SeCard card) throws Exception {
            card.generateKeyPair();
            byte[][] pub = card.readPublicKey();
            PublicKey k = KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(new BigInteger(1, pub[0]), new BigInteger(1, pub[1])));
            card.writeCertificate(false, issue(new X500Name("CN=card"), k, false).getEncoded());
            card.writeCertificate(true, ca.getEncoded());
        }

        private X509Certificate issue(X500Name subject, PublicKey key, boolean isCa) throws Exception {
            long now = System.currentTimeMillis();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=recsec demo CA"),
                    BigInteger.valueOf(serial++), new Date(now - 3_600_000L), new Date(now + 86_400_000L), subject,
                    key);
            if (isCa) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            }
            byte[] der = b.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate()))
                    .getEncoded();
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(der));
        }
    }
}
