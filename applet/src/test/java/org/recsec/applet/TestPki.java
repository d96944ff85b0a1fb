package org.recsec.applet;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.DHParameter;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.agreement.DHStandardGroups;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The test's certificate provider: an RSA-2048 CA, a server certificate it issues, and certificates for card keys
 * (from the modulus and exponent READ-PUBLIC-KEY gives). All SHA256withRSA, short names, no chain beyond the CA, so
 * that a server Certificate message fits the card's 1088-byte buffer.
 */
final class TestPki {

    final KeyPair caKeys;
    final X509Certificate ca;
    final KeyPair serverKeys;
    final X509Certificate server;
    private final SecureRandom random;
    private long serial = 1;

    TestPki(SecureRandom random) throws Exception {
        this.random = random;
        caKeys = rsa2048();
        ca = issue(new X500Name("CN=recsec test CA"), caKeys.getPublic(), true);
        serverKeys = rsa2048();
        server = issue(new X500Name("CN=server"), serverKeys.getPublic(), false);
    }

    private KeyPair rsa2048() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, random);
        return g.generateKeyPair();
    }

    X509Certificate issue(X500Name subject, PublicKey key, boolean isCa) throws Exception {
        Date from = new Date(1_700_000_000_000L);
        Date to = new Date(2_000_000_000_000L);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=recsec test CA"),
                BigInteger.valueOf(serial++), from, to, subject, key);
        if (isCa) {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        }
        byte[] der = b.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())).getEncoded();
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(der));
    }

    /** A certificate for the card's public key (modulus and exponent as READ-PUBLIC-KEY answers them). */
    X509Certificate issueCard(byte[] modulus, byte[] exponent) throws Exception {
        PublicKey k = KeyFactory.getInstance("RSA").generatePublic(
                new RSAPublicKeySpec(new BigInteger(1, modulus), new BigInteger(1, exponent)));
        return issue(new X500Name("CN=card"), k, false);
    }

    static void writePem(Path file, String type, byte[] der) throws IOException {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n");
    }

    static void writeKey(Path file, PrivateKey key) throws IOException {
        writePem(file, "PRIVATE KEY", key.getEncoded());
    }

    /** ffdhe2048 (RFC 7919) as PKCS #3 DH parameters, for {@code openssl s_server -dhparam}. */
    static void writeFfdhe2048(Path file) throws IOException {
        var g = DHStandardGroups.rfc7919_ffdhe2048;
        writePem(file, "DH PARAMETERS", new DHParameter(g.getP(), g.getG(), 0).getEncoded());
    }
}
