package org.recsec.kmp.eap.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The certificates and key of one EAP-TLS end (RFC 5216 §5.3: both ends authenticate with certificates): its
 * chain, its private key (EC or RSA, PKCS#8) and the CA that must have issued the other end's certificate.
 * {@code toString} shows subjects only.
 *
 * @param chain  own certificate first
 * @param clock  the time certificates are validated at (injected)
 */
public record TlsCredentials(List<X509Certificate> chain, PrivateKey key, X509Certificate ca,
                             Supplier<Date> clock) {
    public TlsCredentials {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
    }

    /**
     * Reads PEM files: certificate chain, PKCS#8 private key ("BEGIN PRIVATE KEY") and CA certificate.
     *
     * @throws IOException for a missing file or one that does not hold what it should
     */
    public static TlsCredentials fromPem(Path certFile, Path keyFile, Path caFile, Supplier<Date> clock)
            throws IOException {
        try {
            List<X509Certificate> chain = certificates(certFile);
            List<X509Certificate> ca = certificates(caFile);
            if (chain.isEmpty() || ca.isEmpty()) {
                throw new IOException("no certificate in " + (chain.isEmpty() ? certFile : caFile));
            }
            return new TlsCredentials(chain, privateKey(keyFile, chain.get(0).getPublicKey().getAlgorithm()),
                    ca.get(0), clock);
        } catch (GeneralSecurityException e) {
            throw new IOException("unreadable certificate or key: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends java.security.cert.Certificate> all =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : all) {
                out.add((X509Certificate) c);
            }
            return out;
        }
    }

    private static PrivateKey privateKey(Path file, String algorithm) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int a = pem.indexOf(begin);
        int b = pem.indexOf("-----END PRIVATE KEY-----");
        if (a < 0 || b < a) {
            throw new IOException("no PKCS#8 PRIVATE KEY block in " + file);
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(a + begin.length(), b));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    /**
     * PKIX validation of a peer's chain against {@link #ca()} at {@link #clock()}; revocation is not checked (no
     * CRL or OCSP source in this deployment).
     *
     * @throws GeneralSecurityException when the chain does not validate
     */
    public void validatePeer(List<X509Certificate> peerChain) throws GeneralSecurityException {
        if (peerChain.isEmpty()) {
            throw new java.security.cert.CertificateException("no peer certificate");
        }
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        params.setDate(clock.get());
        CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(peerChain), params);
    }

    @Override
    public String toString() {
        return "TlsCredentials[" + chain.get(0).getSubjectX500Principal().getName() + ", ca="
                + ca.getSubjectX500Principal().getName() + "]";
    }
}
