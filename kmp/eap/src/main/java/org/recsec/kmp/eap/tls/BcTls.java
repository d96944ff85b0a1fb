package org.recsec.kmp.eap.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.recsec.kmp.eap.EapTlsKeys;

/** What the Bouncy Castle EAP-TLS server and peer share: crypto, credentials, key export. */
final class BcTls {
    /** One provider instance: building one is slow, and it holds no per-connection state. */
    private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

    private BcTls() {
    }

    static JcaTlsCrypto crypto(SecureRandom random) {
        return new JcaTlsCryptoProvider().setProvider(PROVIDER).create(random);
    }

    static Certificate certificate(JcaTlsCrypto crypto, TlsCredentials creds) throws IOException {
        List<X509Certificate> chain = creds.chain();
        TlsCertificate[] tls = new TlsCertificate[chain.size()];
        try {
            for (int i = 0; i < tls.length; i++) {
                tls[i] = crypto.createCertificate(chain.get(i).getEncoded());
            }
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException("certificate not encodable", e);
        }
        return new Certificate(tls);
    }

    static TlsCredentialedSigner signer(TlsContext context, JcaTlsCrypto crypto, TlsCredentials creds)
            throws IOException {
        short sig = "EC".equals(creds.key().getAlgorithm()) ? SignatureAlgorithm.ecdsa : SignatureAlgorithm.rsa;
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, creds.key(),
                certificate(crypto, creds), SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, sig));
    }

    /**
     * The TLS 1.2 suites (AEAD, ECDHE, SHA-256 or SHA-384 PRF; with an RSA key also DHE_RSA with AES_128_CCM_8 for
     * the secure element) a server with {@code key} can offer.
     */
    static int[] suitesFor(java.security.PrivateKey key) {
        if ("EC".equals(key.getAlgorithm())) {
            return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                    CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256};
        }
        // last: TLS_DHE_RSA_WITH_AES_128_CCM_8 (RFC 6655), the one suite of the secure element's certificate mode
        return new int[] {CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_DHE_RSA_WITH_AES_128_CCM_8};
    }

    /** Validates the other end's chain; a refusal becomes the bad_certificate alert. */
    static X509Certificate validate(Certificate peer, TlsCredentials creds) throws IOException {
        if (peer == null || peer.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.certificate_required);
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> chain = new ArrayList<>();
            for (int i = 0; i < peer.getLength(); i++) {
                chain.add((X509Certificate) cf.generateCertificate(
                        new ByteArrayInputStream(peer.getCertificateAt(i).getEncoded())));
            }
            creds.validatePeer(chain);
            return chain.get(0);
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
        }
    }

    /** RFC 5216 §2.3 key material through the connection's own PRF, then MSK, EMSK and Session-Id. */
    static EapTlsKeys exportKeys(TlsContext context) {
        SecurityParameters sp = context.getSecurityParametersConnection();
        byte[] seed = new byte[64];
        System.arraycopy(sp.getClientRandom(), 0, seed, 0, 32);
        System.arraycopy(sp.getServerRandom(), 0, seed, 32, 32);
        byte[] km = TlsUtils.PRF(sp, sp.getMasterSecret(), EapTlsKeys.LABEL, seed, 128).extract();
        try {
            return EapTlsKeys.fromKeyMaterial(km, sp.getClientRandom(), sp.getServerRandom());
        } finally {
            java.util.Arrays.fill(km, (byte) 0);
        }
    }

    static String commonName(X509Certificate cert) {
        String dn = cert.getSubjectX500Principal().getName();
        for (String part : dn.split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return dn;
    }

    /** Forces the exception type of a BC failure: IOException stays, anything else is wrapped. */
    static IOException io(RuntimeException e) {
        return new IOException(e.getClass().getSimpleName(), e);
    }
}
