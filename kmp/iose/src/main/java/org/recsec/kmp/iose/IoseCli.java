package org.recsec.kmp.iose;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The {@code recsec iose} commands (a stable contract for other tools; the {@code cli/} module calls
 * {@link #run}):
 *
 * <pre>
 * recsec iose grid --port P --se SEN:IDENTITY:PSKHEX [--se ...] [--reader NAME ...] [--aid HEX] [--bind ADDR]
 * recsec iose call URI --identity ID --psk HEX [--insecure-psk-in-uri] [--timeout SECONDS]
 * recsec iose attest URI --identity ID --psk HEX --provider-ca FILE --new-psk HEX [--timeout SECONDS]
 * recsec iose provision URI --identity ID --psk HEX --provider-key FILE --provider-cert FILE [--timeout SECONDS]
 * </pre>
 *
 * Exit 0 on success, 1 when the operation fails (TLS alert, shell error, attestation refused), 2 on wrong arguments
 * (one line on stderr). URIs: {@link IoseUri}; a PSK inside the URI is refused without --insecure-psk-in-uri.
 */
public final class IoseCli {
    /** The usage text of {@code recsec iose}. */
    public static final String USAGE = String.join("\n",
            "usage: recsec iose grid --port P --se SEN:IDENTITY:PSKHEX [--se ...] [--reader NAME ...] [--aid HEX]",
            "                        [--bind ADDR]",
            "       recsec iose call URI --identity ID --psk HEX [--insecure-psk-in-uri] [--timeout SECONDS]",
            "       recsec iose attest URI --identity ID --psk HEX --provider-ca FILE --new-psk HEX",
            "       recsec iose provision URI --identity ID --psk HEX --provider-key FILE --provider-cert FILE",
            "  Internet of Secure Elements (draft-urien-coinrg-iose). URI = schemeS://sen@server:port/?query, e.g.",
            "  shellS://mykeystore@127.0.0.1:4443/?p00%0D%0A. grid starts simulated SEs (jcardsim) personalised",
            "  as given, learns their names from the cards and routes TLS 1.3 connections by SNI until killed;",
            "  --reader adds the personalised card in that PC/SC reader (IoSE applet --aid, default F0696F73650001).",
            "  call sends the query (shell lines) and prints one answer line per line. provision certifies the",
            "  SE-App key with the provider CA; attest checks it, has the SE sign HS || rnd, and sets --new-psk.");

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final SecureRandom random;
    private final Clock clock;

    /**
     * @param in not read
     * @param out answers
     * @param err errors, one line each
     * @param random randomness (TLS client, attestation nonce, certificate serial)
     * @param clock certificate validity
     */
    public IoseCli(InputStream in, PrintStream out, PrintStream err, SecureRandom random, Clock clock) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.random = random;
        this.clock = clock;
    }

    /** {@code recsec iose ARGS}: runs the subcommand with a system random and clock; returns the exit code. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return new IoseCli(in, out, err, new SecureRandom(), Clock.systemUTC()).run(args);
    }

    /** Runs {@code args} = subcommand and its arguments; returns the exit code. */
    public int run(String[] args) {
        if (args.length == 0) {
            err.println("recsec iose: missing subcommand (grid, call, attest, provision)");
            return 2;
        }
        String sub = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (sub.equals("--help") || sub.equals("-h") || Arrays.asList(rest).contains("--help")
                || Arrays.asList(rest).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        IoseCliOptions o;
        try {
            o = IoseCliOptions.parse(sub, rest);
        } catch (IllegalArgumentException e) {
            err.println("recsec iose " + sub + ": " + e.getMessage());
            return 2;
        }
        try {
            switch (sub) {
                case "grid":
                    return grid(o, null);
                case "call":
                    return call(o);
                case "attest":
                    return attest(o);
                default:
                    return provision(o);
            }
        } catch (IoseClient.IoseTlsException e) {
            err.println("recsec iose " + sub + ": " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("recsec iose " + sub + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * Starts the grid of {@code grid} arguments and returns it running (for embedding and tests); {@link #run}
     * does the same and then waits until interrupted.
     */
    public IoseGrid startGrid(String[] gridArgs) throws IOException {
        IoseCliOptions o = IoseCliOptions.parse("grid", gridArgs);
        IoseGrid[] g = new IoseGrid[1];
        try {
            grid(o, g);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return g[0];
    }

    private int grid(IoseCliOptions o, IoseGrid[] started) throws IOException, InterruptedException {
        List<IoseCard> cards = new ArrayList<>();
        for (String se : o.all("--se")) {
            String[] p = se.split(":", 3);
            IoseCard c = new IoseCard(SimulatedSes.newCard());
            byte[] psk = IoseCliOptions.hex(p[2], "--se PSK");
            c.personalise(p[1].getBytes(StandardCharsets.US_ASCII), psk, p[0]);
            Arrays.fill(psk, (byte) 0);
            cards.add(c);
        }
        byte[] aid = o.has("--aid") ? IoseCliOptions.aid(o.get("--aid")) : PcscReaders.DEFAULT_AID;
        IoseGrid grid;
        int port;
        try {
            for (String reader : o.all("--reader")) {
                cards.add(PcscReaders.open(reader, aid));
            }
            grid = new IoseGrid(cards, IoseGrid.Config.defaults(), System::nanoTime);
        } catch (IOException | RuntimeException e) {
            IoseGrid.closeLinks(cards); // the readers opened so far are released
            throw e;
        }
        try {
            port = grid.start(InetAddress.getByName(o.get("--bind", "127.0.0.1")), Integer.parseInt(o.get("--port")));
        } catch (IOException | RuntimeException e) {
            grid.close();
            throw e;
        }
        out.println("iose grid listening on " + o.get("--bind", "127.0.0.1") + ":" + port + " for "
                + String.join(", ", grid.names()));
        out.flush();
        if (started != null) {
            started[0] = grid;
            return 0;
        }
        try {
            new CountDownLatch(1).await();
        } finally {
            grid.close();
        }
        return 0;
    }

    private IoseClient open(IoseCliOptions o, IoseUri uri) throws IOException {
        byte[] psk = uri.psk() != null ? uri.psk() : IoseCliOptions.hex(o.get("--psk"), "--psk");
        Duration timeout = Duration.ofSeconds(Long.parseLong(o.get("--timeout", "30")));
        try {
            return IoseClient.connect(uri.host(), uri.port(), uri.sen(),
                    o.get("--identity").getBytes(StandardCharsets.US_ASCII), psk,
                    uri.application().isEmpty() ? null : uri.application(), random, timeout);
        } finally {
            Arrays.fill(psk, (byte) 0);
        }
    }

    private int call(IoseCliOptions o) throws IOException {
        IoseUri uri = o.uri;
        byte[] q = uri.query();
        if (q.length == 0) {
            err.println("recsec iose call: the URI has no query to send");
            return 2;
        }
        if (q[q.length - 1] != '\n') {
            q = Arrays.copyOf(q, q.length + 2);
            q[q.length - 2] = '\r';
            q[q.length - 1] = '\n';
        }
        int lines = 0;
        for (byte b : q) {
            if (b == '\n') {
                lines++;
            }
        }
        boolean failed = false;
        try (IoseClient c = open(o, uri)) {
            c.send(q);
            for (int i = 0; i < lines; i++) {
                String a = c.readLine();
                failed |= a.startsWith("E ");
                out.println(a);
            }
        }
        return failed ? 1 : 0;
    }

    private int attest(IoseCliOptions o) throws IOException {
        X509Certificate ca = certificate(Path.of(o.get("--provider-ca")));
        byte[] newPsk = IoseCliOptions.hex(o.get("--new-psk"), "--new-psk");
        try (IoseClient c = open(o, o.uri)) {
            IoseAttestation.Result r = IoseAttestation.attest(c, o.uri.sen(), ca, newPsk, clock, random);
            out.println("attested " + o.uri.sen() + ": SE-App key sha256:" + fingerprint(r.seKey())
                    + ", certificate by " + r.certificate().getIssuerX500Principal().getName()
                    + ", Sign(HS || rnd) verified; PSK replaced");
        } finally {
            Arrays.fill(newPsk, (byte) 0);
        }
        return 0;
    }

    private int provision(IoseCliOptions o) throws IOException {
        X509Certificate caCert = certificate(Path.of(o.get("--provider-cert")));
        PrivateKey caKey = privateKey(Path.of(o.get("--provider-key")));
        try (IoseClient c = open(o, o.uri)) {
            X509Certificate cert = IoseAttestation.provision(c, o.uri.sen(), caKey, caCert, clock, random);
            out.println("provisioned " + o.uri.sen() + ": certificate serial " + cert.getSerialNumber().toString(16)
                    + " for SE-App key sha256:" + fingerprint(cert.getPublicKey()) + " written to the SE");
        }
        return 0;
    }

    private static String fingerprint(PublicKey k) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(k.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate certificate(Path p) throws IOException {
        try (InputStream s = Files.newInputStream(p)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(s);
        } catch (CertificateException e) {
            throw new IOException(p + ": not an X.509 certificate");
        }
    }

    static PrivateKey privateKey(Path p) throws IOException {
        try (Reader r = Files.newBufferedReader(p, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o = pem.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return conv.getPrivateKey(kp.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo pki) {
                return conv.getPrivateKey(pki);
            }
            throw new IOException(p + ": no unencrypted private key in PEM");
        }
    }
}
