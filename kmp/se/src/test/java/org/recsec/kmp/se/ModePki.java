package org.recsec.kmp.se;

import java.math.BigInteger;
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
import org.recsec.se.host.SeCard;

/**
 * A test CA (RSA-2048) that issues the server's certificate and, as the card's provider, the card's certificate for
 * the key pair the card made (GENERATE-KEYPAIR, READ-PUBLIC-KEY, WRITE-CERT with the CA as trust anchor).
 */
public final class ModePki {
    public final KeyPair caKeys;
    public final X509Certificate ca;
    public final KeyPair serverKeys;
    public final X509Certificate server;
    private long serial = 1;

    public ModePki(SecureRandom random) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, random);
        caKeys = g.generateKeyPair();
        ca = issue(new X500Name("CN=recsec kmp CA"), caKeys.getPublic(), true);
        serverKeys = g.generateKeyPair();
        server = issue(new X500Name("CN=server"), serverKeys.getPublic(), false);
    }

    public SeModeServer.Credentials credentials() {
        return new SeModeServer.Credentials(serverKeys.getPrivate(), server, ca.getPublicKey());
    }

    /** The card makes its key pair; its certificate and the CA as trust anchor are written to it. */
    public void provision(SeCard card) throws Exception {
        card.generateKeyPair();
        byte[][] pub = card.readPublicKey();
        PublicKey k = KeyFactory.getInstance("RSA").generatePublic(
                new RSAPublicKeySpec(new BigInteger(1, pub[0]), new BigInteger(1, pub[1])));
        card.writeCertificate(false, issue(new X500Name("CN=card"), k, false).getEncoded());
        card.writeCertificate(true, ca.getEncoded());
    }

    private X509Certificate issue(X500Name subject, PublicKey key, boolean isCa) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=recsec kmp CA"),
                BigInteger.valueOf(serial++), new Date(1_700_000_000_000L), new Date(2_000_000_000_000L), subject,
                key);
        if (isCa) {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        }
        byte[] der = b.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())).getEncoded();
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(der));
    }
}
