package org.recsec.cli.se;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.RSAPublicKeySpec;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.TerminalFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.recsec.se.host.ApduCounter;
import org.recsec.se.host.CardLink;
import org.recsec.se.host.ChannelCardLink;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeDtlsBridge;
import org.recsec.se.host.SeException;
import org.recsec.se.host.SeTlsBridge;
import org.recsec.kmp.se.SeSpis;
import org.recsec.kmp.se.coap.CoapSocketAgent;
import org.recsec.kmp.se.coap.CoapTransmission;
import org.recsec.kmp.se.coap.FlightCoap;
import org.recsec.kmp.se.coap.SeCoapDtlsBridge;

/**
 * {@code recsec se handshake --peer HOST:PORT [--transport dtls|tls] (--psk HEX --identity ID | --cert --issuer-key
 * KEY.pem --issuer-cert CA.pem --server-ca CA.pem) [--resume N] [--reader NAME] [--send TEXT]} (the stable contract
 * of issue 16), and with {@code --se-transport coap [--proxy HOST:PORT]} the DTLS modes in CoAP messages to
 * {@code recsec se serve} (issue 14, {@link SeCoapDtlsBridge}). The card is the recsec applet in jcardsim, or in the PC/SC reader NAME (through the JDK's PC/SC
 * provider and libpcsclite). It is wiped (FACTORY-RESET) and set up: with --psk personalised; with --cert the card
 * makes its RSA-2048 key pair, the host issues it a certificate signed with the issuer key (Bouncy Castle's X.509
 * builder) and writes it and the server trust anchor to the card. Then one full and N abbreviated handshakes
 * (RESET P2 asks the card to offer its stored session), each followed, with --send, by TEXT sealed on the card as
 * one application record, an answer awaited for 2 s, and close_notify. Exit 0 only when every handshake finished
 * (the N later ones abbreviated) and, with --send, every text went out; 1 otherwise; 2 on wrong arguments.
 */
final class SeModesCli {
    static final String USAGE = String.join("\n",
            "usage: recsec se handshake --peer HOST:PORT [--transport dtls|tls] (--psk HEX --identity ID | --cert",
            "       --issuer-key KEY.pem --issuer-cert CA.pem --server-ca CA.pem) [--resume N] [--reader NAME]",
            "       [--send TEXT] [--se-transport udp|coap [--proxy HOST:PORT]] [--se-mode psk|cert]",
            "  --transport        dtls (UDP, default) or tls (TCP)",
            "  --psk, --identity  PSK mode: TLS_PSK_WITH_AES_128_CCM_8",
            "  --cert             certificate mode: TLS_DHE_RSA_WITH_AES_128_CCM_8, RSA-2048 key pair made on the card,",
            "                     its certificate issued here with --issuer-key/--issuer-cert, --server-ca the anchor",
            "  --resume N         after the full handshake, N abbreviated ones (session resumption)",
            "  --reader NAME      the card in this PC/SC reader (e.g. \"Virtual PCD 00 00\") instead of jcardsim",
            "  --send TEXT        after each handshake, TEXT as one record sealed on the card",
            "  --se-transport T   udp (default) or coap: each DTLS flight (PSK or certificate, full or resumed) in a",
            "                     CoAP POST to coap://PEER/.well-known/recsec-hs (recsec se serve), block-wise when",
            "                     needed; prints the CoAP counts and the SA pair's SPIs (no --send; DTLS only)",
            "  --proxy HOST:PORT  coap only: through this CoAP forward proxy (Proxy-Scheme + Uri-Host)",
            "  --se-mode M        psk or cert: the same as giving --psk/--identity or --cert");
    private static final Set<String> VALUED = Set.of("--peer", "--transport", "--psk", "--identity", "--issuer-key",
            "--issuer-cert", "--server-ca", "--resume", "--reader", "--send", "--se-transport", "--proxy", "--se-mode");
    /** Where Debian and others put libpcsclite, for the JDK's PC/SC provider. */
    private static final String[] PCSC_LIBRARIES = {"/usr/lib/x86_64-linux-gnu/libpcsclite.so.1",
        "/usr/lib/aarch64-linux-gnu/libpcsclite.so.1", "/usr/lib/arm-linux-gnueabihf/libpcsclite.so.1",
        "/usr/lib/libpcsclite.so.1", "/usr/lib64/libpcsclite.so.1"};

    private SeModesCli() {
    }

    /** True when the handshake arguments ask for more than the original DTLS PSK command. */
    static boolean wants(String[] args) {
        for (String a : args) {
            if (a.equals("--transport") || a.equals("--cert") || a.equals("--resume") || a.equals("--reader")
                    || a.equals("--se-mode")) {
                return true;
            }
        }
        return false;
    }

    private record Options(InetSocketAddress peer, boolean tls, byte[] psk, byte[] identity, boolean cert,
            Path issuerKey, Path issuerCert, Path serverCa, int resume, String reader, String send, boolean coap,
            InetSocketAddress proxy) {
        /** How the peer is named in the output. */
        String peerName() {
            if (!coap) {
                return hostPort(peer);
            }
            return "coap://" + hostPort(peer) + "/" + String.join("/", FlightCoap.RESOURCE)
                    + (proxy != null ? " via proxy " + hostPort(proxy) : "");
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("recsec se: " + e.getMessage());
            return 2;
        }
        try (CardLink link = o.reader == null ? JCardSimLink.open() : pcsc(o.reader)) {
            SeCard card = new SeCard(link);
            card.select();
            card.factoryReset();
            if (o.cert) {
                provision(card, o, out);
            } else {
                card.personalise(0, o.identity, o.psk, "recsec-cli".getBytes(StandardCharsets.US_ASCII));
                java.util.Arrays.fill(o.psk, (byte) 0);
            }
            int mode = (o.tls ? SeCard.MODE_TLS : 0) | (o.cert ? SeCard.MODE_CERT : 0);
            String name = (o.tls ? "TLS" : "DTLS") + " " + (o.cert ? "certificate" : "PSK");
            ApduCounter counter = link.counter();
            for (int i = 0; i <= o.resume; i++) {
                card.reset(mode | (i > 0 ? SeCard.MODE_RESUME : 0));
                ApduCounter.Snapshot before = counter.snapshot();
                java.util.List<String> coapLines = new java.util.ArrayList<>();
                boolean resumed = o.tls ? tls(card, o, out) : o.coap ? coap(card, o, coapLines) : dtls(card, o, out);
                String what = resumed ? "resumed" : "full";
                out.println("handshake " + (i + 1) + "/" + (o.resume + 1) + " (" + name + ") with " + o.peerName()
                        + ": " + what + ", " + counter.snapshot().minus(before) + " on the card link");
                coapLines.forEach(out::println);
                if (resumed != (i > 0)) {
                    err.println("recsec se: handshake " + (i + 1) + " was " + what + ", expected "
                            + (i > 0 ? "resumed" : "full"));
                    return 1;
                }
            }
            out.println("total on the card link (" + link.describe() + "): " + counter.snapshot());
            return 0;
        } catch (SeException | CardException | IOException | java.security.GeneralSecurityException
                | org.bouncycastle.operator.OperatorCreationException e) {
            err.println("recsec se: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
            return 1;
        }
    }

    private static boolean tls(SeCard card, Options o, PrintStream out) throws SeException, IOException {
        try (Socket s = new Socket()) {
            s.connect(o.peer, 10_000);
            s.setSoTimeout(30_000);
            SeTlsBridge bridge = new SeTlsBridge(card, s.getInputStream(), s.getOutputStream());
            boolean resumed = bridge.handshake();
            if (o.send != null) {
                byte[] record = bridge.send(o.send.getBytes(StandardCharsets.UTF_8));
                out.println("sent " + o.send.getBytes(StandardCharsets.UTF_8).length + " bytes in a "
                        + record.length + "-byte record sealed on the card");
                s.setSoTimeout(2000);
                try {
                    byte[] back = bridge.receive();
                    out.println("received " + back.length + " bytes, opened on the card");
                } catch (java.net.SocketTimeoutException e) {
                    out.println("received nothing within 2000 ms");
                }
            }
            bridge.closeNotify();
            return resumed;
        }
    }

    private static boolean dtls(SeCard card, Options o, PrintStream out) throws SeException, IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(o.peer);
            SeDtlsBridge bridge = new SeDtlsBridge(card, s);
            boolean resumed = bridge.handshake();
            if (o.send != null) {
                byte[] record = bridge.send(o.send.getBytes(StandardCharsets.UTF_8));
                out.println("sent " + o.send.getBytes(StandardCharsets.UTF_8).length + " bytes in a "
                        + record.length + "-byte record sealed on the card");
                out.println(bridge.receive(2000).map(back -> "received " + back.length + " bytes, opened on the card")
                        .orElse("received nothing within 2000 ms"));
            }
            bridge.closeNotify();
            return resumed;
        }
    }

    /**
     * The DTLS handshake in CoAP messages ({@link SeCoapDtlsBridge}), through the proxy when one is given; adds the
     * CoAP counts and the SA pair's SPIs to {@code lines}.
     */
    private static boolean coap(SeCard card, Options o, java.util.List<String> lines) throws SeException, IOException {
        try (CoapSocketAgent agent = CoapSocketAgent.overUdp(o.peer, o.proxy, CoapSocketAgent.ProxyForm.PROXY_SCHEME,
                null, new SecureRandom())) {
            SeCoapDtlsBridge bridge = new SeCoapDtlsBridge(card, agent, CoapTransmission.RFC7252.dtlsTimer());
            boolean resumed = bridge.handshake();
            lines.add("  handshake id " + agent.handshakeId() + "; " + SeCli.coapCounts(agent.stats()));
            lines.add("  " + SeCli.spiLine(SeSpis.derive(bridge.clientRandom(), bridge.serverRandom())));
            return resumed;
        }
    }

    /** The card makes its key pair; the host, as provider, issues and writes its certificate and the anchor. */
    private static void provision(SeCard card, Options o, PrintStream out) throws SeException, IOException,
            java.security.GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        PrivateKey issuerKey = Pem.readKey(o.issuerKey);
        X509CertificateHolder issuer = Pem.readCert(o.issuerCert);
        X509CertificateHolder anchor = Pem.readCert(o.serverCa);
        card.generateKeyPair();
        byte[][] pub = card.readPublicKey();
        PublicKey cardKey = KeyFactory.getInstance("RSA").generatePublic(
                new RSAPublicKeySpec(new BigInteger(1, pub[0]), new BigInteger(1, pub[1])));
        long now = System.currentTimeMillis();
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        serial[0] &= 0x7F;
        byte[] der = new JcaX509v3CertificateBuilder(issuer.getSubject(), new BigInteger(1, serial),
                new Date(now - 3_600_000L), new Date(now + 365L * 86_400_000L), new X500Name("CN=recsec-se"), cardKey)
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)).getEncoded();
        card.writeCertificate(false, der);
        card.writeCertificate(true, anchor.getEncoded());
        out.println("card key pair made on the card; certificate (" + der.length + " bytes) issued by "
                + issuer.getSubject() + " and trust anchor " + anchor.getSubject() + " written");
    }

    /** The card in the PC/SC reader of that name, through the JDK's PC/SC provider. */
    private static CardLink pcsc(String reader) throws CardException {
        if (System.getProperty("sun.security.smartcardio.library") == null) {
            for (String lib : PCSC_LIBRARIES) {
                if (Files.exists(Path.of(lib))) {
                    System.setProperty("sun.security.smartcardio.library", lib);
                    break;
                }
            }
        }
        TerminalFactory tf;
        try {
            tf = TerminalFactory.getInstance("PC/SC", null);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new CardException("no PC/SC provider (is libpcsclite installed?)", e);
        }
        for (CardTerminal t : tf.terminals().list()) {
            if (t.getName().equals(reader)) {
                return ChannelCardLink.connect(t);
            }
        }
        throw new CardException("no PC/SC reader named \"" + reader + "\"");
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static Options parse(String[] args) {
        if (args.length == 0 || !args[0].equals("handshake")) {
            throw new IllegalArgumentException("expected 'handshake' (see --help)");
        }
        Map<String, String> m = new HashMap<>();
        boolean cert = SeOptions.parseWithCert(args, VALUED, m);
        if (!m.containsKey("--peer")) {
            throw new IllegalArgumentException("missing --peer");
        }
        String transport = m.getOrDefault("--transport", "dtls");
        if (!transport.equals("dtls") && !transport.equals("tls")) {
            throw new IllegalArgumentException("--transport must be dtls or tls");
        }
        String seMode = m.get("--se-mode");
        if (seMode != null) {
            if (!seMode.equals("psk") && !seMode.equals("cert")) {
                throw new IllegalArgumentException("--se-mode must be psk or cert");
            }
            if (cert && seMode.equals("psk")) {
                throw new IllegalArgumentException("--cert and --se-mode psk exclude each other");
            }
            cert = seMode.equals("cert");
        }
        String seTransport = m.getOrDefault("--se-transport", "udp");
        if (!seTransport.equals("udp") && !seTransport.equals("coap")) {
            throw new IllegalArgumentException("--se-transport must be udp or coap");
        }
        boolean coap = seTransport.equals("coap");
        if (!coap && m.containsKey("--proxy")) {
            throw new IllegalArgumentException("--proxy needs --se-transport coap");
        }
        if (coap && transport.equals("tls")) {
            throw new IllegalArgumentException("--se-transport coap carries the DTLS modes only: TLS records over "
                    + "CoAP are refused (kmp/se/README.md)");
        }
        if (coap && m.containsKey("--send")) {
            throw new IllegalArgumentException("--send needs --se-transport udp (over CoAP, application data goes in "
                    + "record-sec protected messages)");
        }
        InetSocketAddress proxy = m.containsKey("--proxy") ? SeCli.peer(m.get("--proxy"), "--proxy") : null;
        byte[] psk = null;
        byte[] id = null;
        Path key = null;
        Path issuer = null;
        Path anchor = null;
        if (cert) {
            SeOptions.requireCertFiles(m, "--issuer-key", "--issuer-cert", "--server-ca");
            key = Path.of(m.get("--issuer-key"));
            issuer = Path.of(m.get("--issuer-cert"));
            anchor = Path.of(m.get("--server-ca"));
        } else {
            if (!m.containsKey("--psk") || !m.containsKey("--identity")) {
                throw new IllegalArgumentException("give --psk and --identity, or --cert");
            }
            if (m.containsKey("--issuer-key") || m.containsKey("--issuer-cert") || m.containsKey("--server-ca")) {
                throw new IllegalArgumentException("--issuer-key, --issuer-cert and --server-ca need --cert");
            }
            psk = SeOptions.psk(m.get("--psk"));
            id = SeOptions.identity(m.get("--identity"));
        }
        int resume = 0;
        if (m.containsKey("--resume")) {
            try {
                resume = Integer.parseInt(m.get("--resume"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--resume is not a number");
            }
            if (resume < 0 || resume > 1000) {
                throw new IllegalArgumentException("--resume must be 0..1000");
            }
        }
        String send = m.get("--send");
        if (send != null && send.getBytes(StandardCharsets.UTF_8).length > 1059) {
            throw new IllegalArgumentException("--send is longer than 1059 bytes");
        }
        return new Options(SeCli.peer(m.get("--peer")), transport.equals("tls"), psk, id, cert, key, issuer, anchor,
                resume, m.get("--reader"), send, coap, proxy);
    }
}
