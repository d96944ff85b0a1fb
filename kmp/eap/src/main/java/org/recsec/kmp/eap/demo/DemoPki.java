package org.recsec.kmp.eap.demo;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.recsec.kmp.eap.tls.TlsCredentials;

/**
 * A throw-away PKI for the demo and the tests: an EC P-256 CA, a server (AS) and a client (UE) certificate, also
 * written as PEM files (PKCS#8 keys) for eapol_test, FreeRADIUS and `recsec eap as`; or, for a UE on the secure
 * element ({@link #rsa}), the same with RSA-2048 keys and sha256WithRSAEncryption signatures, which is what the card
 * verifies, plus {@link #issueClient} for the key pair the card made. Not for production use.
 */
public final class DemoPki {
    public static final Date NOW = new Date(1_760_000_000_000L);

    public final KeyPair caKey;
    public final X509Certificate ca;
    public final KeyPair serverKey;
    public final X509Certificate server;
    public final KeyPair clientKey;
    public final X509Certificate client;

    private final SecureRandom random;

    public DemoPki(SecureRandom random, String clientName) throws Exception {
        this(random, clientName, false);
    }

    private DemoPki(SecureRandom random, String clientName, boolean rsa) throws Exception {
        this.random = random;
        caKey = key(random, rsa);
        ca = cert("CN=recsec test CA", caKey.getPublic(), "CN=recsec test CA", caKey, true, null, random);
        serverKey = key(random, rsa);
        server = cert("CN=as.recsec.test", serverKey.getPublic(), "CN=recsec test CA", caKey, false,
                KeyPurposeId.id_kp_serverAuth, random);
        clientKey = key(random, rsa);
        client = cert("CN=" + clientName, clientKey.getPublic(), "CN=recsec test CA", caKey, false,
                KeyPurposeId.id_kp_clientAuth, random);
    }

    /** The PKI with RSA-2048 keys everywhere, as a secure element in certificate mode needs (applet/README.md). */
    public static DemoPki rsa(SecureRandom random, String clientName) throws Exception {
        return new DemoPki(random, clientName, true);
    }

    /** A client certificate from this CA for a key made elsewhere (the card's), subject CN={@code name}. */
    public X509Certificate issueClient(java.security.PublicKey key, String name) throws Exception {
        return cert("CN=" + name, key, "CN=recsec test CA", caKey, false, KeyPurposeId.id_kp_clientAuth, random);
    }

    /** A second, unrelated CA: certificates from it must be refused. */
    public static DemoPki other(SecureRandom random) throws Exception {
        return new DemoPki(random, "intruder");
    }

    private static KeyPair key(SecureRandom random, boolean rsa) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(rsa ? "RSA" : "EC");
        if (rsa) {
            g.initialize(2048, random);
        } else {
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
        }
        return g.generateKeyPair();
    }

    private static X509Certificate cert(String subject, java.security.PublicKey subjectKey, String issuer,
                                        KeyPair issuerKey,
                                        boolean isCa, KeyPurposeId eku, SecureRandom random) throws Exception {
        // valid from well before the wall clock of any CI run to long after: eapol_test and FreeRADIUS check
        // validity against the real time, our own ends against the injected clock
        Date from = new Date(NOW.getTime() - 86_400_000L * 365 * 5);
        Date to = new Date(NOW.getTime() + 86_400_000L * 365 * 30);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                new BigInteger(64, random).add(BigInteger.ONE), from, to, new X500Name(subject),
                subjectKey);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(isCa ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                : KeyUsage.digitalSignature));
        if (eku != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("EC".equals(issuerKey.getPrivate().getAlgorithm()) ? "SHA256withECDSA"
                        : "SHA256withRSA").build(issuerKey.getPrivate())));
    }

    /** The AS's credentials, validating peers at {@link #NOW}. */
    public TlsCredentials serverCredentials() {
        return new TlsCredentials(List.of(server), serverKey.getPrivate(), ca, () -> NOW);
    }

    /** The UE's credentials, validating the AS at {@link #NOW}. */
    public TlsCredentials clientCredentials() {
        return new TlsCredentials(List.of(client), clientKey.getPrivate(), ca, () -> NOW);
    }

    /** The AS's credentials, validating peers at the time of {@code clock}. */
    public TlsCredentials serverCredentials(java.time.Clock clock) {
        return new TlsCredentials(List.of(server), serverKey.getPrivate(), ca, () -> new Date(clock.millis()));
    }

    /** The UE's credentials, validating the AS at the time of {@code clock}. */
    public TlsCredentials clientCredentials(java.time.Clock clock) {
        return new TlsCredentials(List.of(client), clientKey.getPrivate(), ca, () -> new Date(clock.millis()));
    }

    /** Writes ca.pem, server.pem, server.key, client.pem, client.key (PKCS#8) into {@code dir}. */
    public void writePem(Path dir) throws IOException {
        write(dir.resolve("ca.pem"), ca);
        write(dir.resolve("server.pem"), server);
        write(dir.resolve("client.pem"), client);
        write(dir.resolve("server.key"), new JcaPKCS8Generator(serverKey.getPrivate(), null));
        write(dir.resolve("client.key"), new JcaPKCS8Generator(clientKey.getPrivate(), null));
    }

    private static void write(Path file, Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o instanceof JcaPKCS8Generator g ? g.generate() : o);
        }
        Files.writeString(file, sw.toString());
    }
}
