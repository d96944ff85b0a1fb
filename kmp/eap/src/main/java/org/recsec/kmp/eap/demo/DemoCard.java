package org.recsec.kmp.eap.demo;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.RSAPublicKeySpec;
import org.recsec.se.host.SeCard;

/**
 * Provisions the UE's secure element for EAP-TLS as the demo's certificate provider would: the card is wiped, makes
 * its RSA-2048 key pair (the private key never leaves it), the demo CA issues a client certificate for the public
 * key READ-PUBLIC-KEY gives, and that certificate and the CA certificate (the trust anchor the AS's certificate
 * must chain to) are written to the card (applet/README.md: GENERATE-KEYPAIR, READ-PUBLIC-KEY, WRITE-CERT).
 */
public final class DemoCard {
    private DemoCard() {
    }

    /**
     * Wipes and provisions {@code card}: its key pair, a client certificate CN={@code name} from {@code pki}'s CA
     * (which must be RSA-2048, {@link DemoPki#rsa}) and that CA as trust anchor.
     *
     * @return the card's certificate as issued
     */
    public static X509Certificate provision(SeCard card, DemoPki pki, String name) throws Exception {
        card.select();
        card.factoryReset();
        card.generateKeyPair();
        byte[][] pub = card.readPublicKey();
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(
                new RSAPublicKeySpec(new BigInteger(1, pub[0]), new BigInteger(1, pub[1])));
        X509Certificate cert = pki.issueClient(key, name);
        card.writeCertificate(false, cert.getEncoded());
        card.writeCertificate(true, pki.ca.getEncoded());
        return cert;
    }
}
