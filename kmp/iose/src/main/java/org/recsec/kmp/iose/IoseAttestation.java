package org.recsec.kmp.iose;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The attestation procedure of draft-urien-coinrg-iose §8: the provider certifies the SE-App key (§8.3), the user
 * checks certificate and key and has the SE sign HS ‖ rnd (§8.5), then replaces the PSK.
 */
public final class IoseAttestation {

    private IoseAttestation() {
    }

    /** An attestation step failed: the SE is not proven genuine, or not exclusive to this session. */
    public static final class AttestationException extends IOException {
        private static final long serialVersionUID = 1L;

        AttestationException(String message) {
            super(message);
        }
    }

    /**
     * Provider side (§8.3): reads the SE-App public key in the provider's session, issues a certificate for it
     * (subject CN = SEN, subjectAltName dNSName = SEN, digitalSignature only, one year from now) signed by the
     * provider's CA key, and writes it to the SE.
     *
     * @return the certificate written
     */
    public static X509Certificate provision(IoseClient providerSession, String sen, PrivateKey caKey,
            X509Certificate caCert, Clock clock, SecureRandom random) throws IOException {
        IoseKeystore ks = new IoseKeystore(providerSession);
        PublicKey key = ks.publicKey(0);
        Instant now = clock.instant();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert.getSubjectX500Principal(),
                    new BigInteger(64, random).add(BigInteger.ONE), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(365))), new X500Principal("CN=" + sen), key);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, sen)));
            String alg = caKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder(alg).build(caKey)));
            ks.writeCertificate(cert.getEncoded());
            java.util.Optional<X509Certificate> back = ks.certificate();
            if (back.isEmpty() || !back.get().equals(cert)) {
                throw new AttestationException("certificate read back differs from the one written");
            }
            return cert;
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot issue the SE-App certificate: " + e.getMessage(), e);
        }
    }

    /** What the user learnt. */
    public record Result(PublicKey seKey, X509Certificate certificate) {
    }

    /**
     * User side (§8.5) in the user's session: reads key and certificate, checks the certificate against the
     * provider CA (signature, validity at the clock's time, subject CN = SEN, same key as the SE's), sends a random
     * value, checks the SE's signature over this session's HS ‖ rnd, and sets the new PSK.
     *
     * @param newPsk the PSK-User (16..64 bytes), or null to leave the PSK unchanged
     * @throws AttestationException when any check fails (the PSK is then not changed)
     */
    public static Result attest(IoseClient session, String sen, X509Certificate providerCa, byte[] newPsk,
            Clock clock, SecureRandom random) throws IOException {
        IoseKeystore ks = new IoseKeystore(session);
        PublicKey key = ks.publicKey(0);
        X509Certificate cert = ks.certificate()
                .orElseThrow(() -> new AttestationException("the SE holds no certificate"));
        try {
            cert.verify(providerCa.getPublicKey());
            cert.checkValidity(Date.from(clock.instant()));
        } catch (GeneralSecurityException e) {
            throw new AttestationException("certificate not issued by the provider CA, or not valid now");
        }
        if (!cert.getIssuerX500Principal().equals(providerCa.getSubjectX500Principal())) {
            throw new AttestationException("certificate issuer is not the provider CA");
        }
        if (!cert.getSubjectX500Principal().equals(new X500Principal("CN=" + sen))) {
            throw new AttestationException("certificate is for another SEN");
        }
        if (!cert.getPublicKey().equals(key)) {
            throw new AttestationException("certificate is for another key than the SE's");
        }
        byte[] rnd = new byte[32];
        random.nextBytes(rnd);
        byte[] sig = ks.attest(rnd);
        if (!verify(key, session.handshakeSecret(), rnd, sig)) {
            throw new AttestationException("attestation signature does not verify over this session's HS ‖ rnd");
        }
        if (newPsk != null) {
            ks.setPsk(newPsk);
        }
        return new Result(key, cert);
    }

    /** Checks Sign(HS ‖ rnd) (RSASSA-PKCS1-v1_5 with SHA-256) with the SE-App key. */
    public static boolean verify(PublicKey key, byte[] hs, byte[] rnd, byte[] signature) {
        try {
            Signature v = Signature.getInstance("SHA256withRSA");
            v.initVerify(key);
            v.update(hs);
            v.update(rnd);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
