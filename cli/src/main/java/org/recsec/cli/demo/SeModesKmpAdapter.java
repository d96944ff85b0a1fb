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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeCipherRegistry;
import org.recsec.kmp.se.SeKmp;
import org.recsec.kmp.se.SeModeServer;
import org.recsec.kmp.se.SeSpis;
import org.recsec.se.host.ApduCounter;
import org.recsec.se.host.CardLink;
import org.recsec.kmp.se.coap.CoapFlightServer;
import org.recsec.kmp.se.coap.CoapSocketAgent;
import org.recsec.kmp.se.coap.CoapTransmission;
import org.recsec.kmp.se.coap.DtlsModeEngines;
import org.recsec.kmp.se.coap.DtlsServerEngine;
import org.recsec.kmp.se.coap.FlightCoap;
import org.recsec.kmp.se.coap.FlightResource;
import org.recsec.kmp.se.coap.SeCoapDtlsBridge;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.KeyBlock;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeDtlsBridge;
import org.recsec.se.host.SeTlsBridge;

/**
 * The secure-element KMP in the card's other modes ({@code recsec demo --kmp se --se-mode psk|cert --transport
 * dtls|tls [--se-transport coap]}): the simulated card runs its handshake through the host bridge of the transport
 * (DTLS over UDP, TLS over TCP) against Bouncy Castle's server ({@link SeModeServer}) on loopback, or (DTLS, with
 * {@code --se-transport coap}) in CoAP messages through the demo's forward proxy to the handshake resource on the
 * demo's server, Bouncy Castle's server of the mode ({@link DtlsModeEngines}) behind it, in PSK mode or in certificate mode
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
    private final boolean overCoap;
    private final int profile;
    private InetSocketAddress proxy;
    private CardLink link;
    private String handle;
    private Trace trace;
    private ApduCounter.Snapshot afterHandshake;

    /**
     * @param overCoap the DTLS handshake in CoAP messages through the demo's proxy (not with {@code tls})
     * @param profile  the PF_KEY record profile of the pair: dtls12 unless {@code tls} (the pair is exported)
     */
    SeModesKmpAdapter(SecureRandom random, SeCipherRegistry registry, boolean cert, boolean tls, boolean overCoap,
                      int profile) {
        if (tls && overCoap) {
            throw new IllegalArgumentException("TLS records are not carried over CoAP");
        }
        if (!tls && profile != org.recsec.km.pfkey.PfKey.RECSEC_PROFILE_DTLS12) {
            throw new IllegalArgumentException("an SE-resident pair is dtls12");
        }
        this.random = random;
        this.registry = registry;
        this.cert = cert;
        this.tls = tls;
        this.overCoap = overCoap;
        this.profile = profile;
    }

    @Override
    public String name() {
        return "se";
    }

    @Override
    public boolean throughTheProxy() {
        return overCoap;
    }

    @Override
    public void proxy(InetSocketAddress address) {
        this.proxy = address;
    }

    /** What a handshake gave: the randoms the card saw, the server's key block, and one line for the trace. */
    private record Done(byte[] clientRandom, byte[] serverRandom, KeyBlock serverKeys, String line) {
    }

    @Override
    public void establish(Setup s) throws Exception {
        trace = s.trace();
        String mode = (tls ? "TLS 1.2 over TCP" : overCoap ? "DTLS 1.2 in CoAP through the proxy"
                : "DTLS 1.2 over UDP") + ", "
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
        Pki pki = null;
        if (cert) {
            pki = new Pki(random);
            pki.provision(card);
            trace.line("  the card made its RSA-2048 key pair; the demo's CA issued its certificate (CN=card) and"
                    + " wrote it and the trust anchor to the card");
        }
        card.reset((tls ? SeCard.MODE_TLS : 0) | (cert ? SeCard.MODE_CERT : 0));
        ApduCounter.Snapshot before = link.counter().snapshot();
        Done done;
        try {
            done = overCoap ? overCoap(card, s, pki, identity, psk) : overSocket(card, pki, identity, psk);
        } finally {
            java.util.Arrays.fill(psk, (byte) 0);
        }
        ApduCounter.Snapshot cost = link.counter().snapshot().minus(before);
        trace.line("  the card's handshake (" + mode + ") " + done.line());
        SeSpis spis;
        if (tls) {
            spis = SeKmp.installExported(card, done.clientRandom(), done.serverRandom(),
                    s.clientSad().openSession(m -> { }), s.clientId(), s.serverId(), profile);
            SeKmp.installServer(done.serverKeys(), done.clientRandom(), done.serverRandom(),
                    s.serverSad().openSession(m -> { }), s.serverId(), s.clientId(), 1, profile);
        } else {
            handle = SeKmp.installResident(card, done.clientRandom(), done.serverRandom(), false, 1,
                    s.clientSad().openSession(m -> { }), s.clientId(), s.serverId(), registry);
            spis = SeSpis.derive(done.clientRandom(), done.serverRandom());
            SeKmp.installServer(done.serverKeys(), spis, s.serverSad().openSession(m -> { }), s.serverId(),
                    s.clientId(), 1);
        }
        afterHandshake = link.counter().snapshot();
        trace.line(String.format("  ISO7816 for the handshake: %d APDUs, %d bytes to the card, %d from it;"
                + " SPIs 0x%08x (client to server), 0x%08x (server to client); %s", cost.apdus(), cost.sent(),
                cost.received(), spis.clientToServer(), spis.serverToClient(), tls
                ? "the client's SA pair was exported from the card (TLS mode) and added through PF_KEY"
                : "the client's SA pair stays on the card (handle " + handle + ")"));
    }

    /** DTLS over UDP or TLS over TCP to Bouncy Castle's server on loopback, through the host bridges. */
    private Done overSocket(SeCard card, Pki pki, byte[] identity, byte[] psk) throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (SeModeServer server = cert ? SeModeServer.cert(tls, any, pki.credentials(), random, 1)
                : SeModeServer.psk(tls, any, identity, psk, random, 1)) {
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
            SeModeServer.Established est = server.next(30_000);
            return new Done(cr, sr, est.keys(), "with Bouncy Castle's server at "
                    + server.address().getAddress().getHostAddress() + ":" + server.address().getPort()
                    + (est.clientSubject() != null ? ", which checked the card's certificate " + est.clientSubject()
                    : ""));
        }
    }

    /**
     * The DTLS handshake in CoAP messages through the demo's proxy to the handshake resource on the demo's server
     * ({@link FlightResource}), Bouncy Castle's server of the mode behind it ({@link DtlsModeEngines}).
     */
    private Done overCoap(SeCard card, Setup s, Pki pki, byte[] identity, byte[] psk) throws Exception {
        java.util.Objects.requireNonNull(proxy, "the demo's proxy");
        DtlsModeEngines.SessionCache cache = new DtlsModeEngines.SessionCache(4);
        DtlsServerEngine engine = cert ? DtlsModeEngines.certificate(pki.server.getEncoded(),
                pki.serverKeys.getPrivate(), pki.ca, cache, random)
                : DtlsModeEngines.pskResumable(identity, psk, cache, random);
        CompletableFuture<PskDtlsServer.Established> established = new CompletableFuture<>();
        CoapFlightServer flights = new CoapFlightServer(engine, random, established::complete);
        FlightResource resource = FlightResource.install(s.server(), flights);
        try (CoapSocketAgent coap = CoapSocketAgent.overUdp(s.serverAddress(), proxy,
                CoapSocketAgent.ProxyForm.PROXY_SCHEME, proxy.getAddress(), random)) {
            SeCoapDtlsBridge b = new SeCoapDtlsBridge(card, coap, CoapTransmission.RFC7252.dtlsTimer());
            b.handshake();
            PskDtlsServer.Established est = established.get(30, TimeUnit.SECONDS);
            CoapSocketAgent.Stats st = coap.stats();
            return new Done(b.clientRandom(), b.serverRandom(), est.keys(), String.format("to coap://%s:%d/%s/%s: "
                    + "%d round trips, %d datagrams (%d bytes) sent, %d (%d bytes) received, %d retransmissions "
                    + "(client<->proxy)%s", s.serverAddress().getAddress().getHostAddress(),
                    s.serverAddress().getPort(), String.join("/", FlightCoap.RESOURCE), coap.handshakeId(),
                    st.exchanges(), st.sent(), st.sentBytes(), st.received(), st.receivedBytes(), st.retransmits(),
                    cert ? "; the server checked the card's certificate" : ""));
        } finally {
            flights.close();
            resource.delete();
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
