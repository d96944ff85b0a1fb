package org.recsec.cli.se;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** PEM files the SE commands read (RFC 7468): an issuer's or server's key, certificates. */
final class Pem {
    private Pem() {
    }

    /** The unencrypted private key (PKCS#1 or PKCS#8 PEM) in the file. */
    static PrivateKey readKey(Path p) throws IOException {
        try (Reader r = Files.newBufferedReader(p, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o = pem.readObject();
            JcaPEMKeyConverter c = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return c.getPrivateKey(kp.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo pk) {
                return c.getPrivateKey(pk);
            }
            throw new IOException(p + ": no unencrypted private key in PEM");
        }
    }

    /** The first certificate in the PEM file. */
    static X509CertificateHolder readCert(Path p) throws IOException {
        try (Reader r = Files.newBufferedReader(p, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o = pem.readObject();
            if (o instanceof X509CertificateHolder h) {
                return h;
            }
            throw new IOException(p + ": no certificate in PEM");
        }
    }
}
