package org.recsec.kmp.se.coap;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.RSAPublicKeySpec;
import java.util.Date;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeFixture;
import org.recsec.se.host.ExportedSa;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.SeCard;

/**
 * A Californium server on loopback with the handshake resource and a {@link DtlsModeEngines} engine, and the test
 * PKI: an RSA-2048 CA that issues the server's certificate and the card's (from the key the card made itself).
 */
public final class ModesFixture implements AutoCloseable {
    /** The test's certificate authority. */
    public static final class Pki {
        public final KeyPair caKeys;
        public final X509Certificate ca;
        public final KeyPair serverKeys;
        public final X509Certificate server;
        private final SecureRandom random = new SecureRandom();

        public Pki(String caName) throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, random);
            caKeys = g.generateKeyPair();
            serverKeys = g.generateKeyPair();
            ca = issue(new X500Name("CN=" + caName), caKeys.getPublic(), true);
            server = issue(new X500Name("CN=srv"), serverKeys.getPublic(), false);
        }

        X509Certificate issue(X500Name subject, PublicKey key, boolean isCa) throws Exception {
            long now = System.currentTimeMillis();
            byte[] serial = new byte[8];
            random.nextBytes(serial);
            serial[0] &= 0x7F;
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    isCa ? subject : X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), new BigInteger(1, serial),
                    new Date(now - 3_600_000L), new Date(now + 86_400_000L), subject, key);
            if (isCa) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
        }

        /**
         * A personalised card (export allowed) in certificate mode: its own key pair, a certificate for it issued
         * by this CA, and {@code anchor} as the server's trust anchor.
         */
        public SeCard certificateCard(X509Certificate anchor) throws Exception {
            SeCard card = JCardSimLink.personalisedCard(SeCard.POLICY_EXPORT, SeFixture.IDENTITY, SeFixture.PSK,
                    SeFixture.SEN);
            card.generateKeyPair();
            byte[][] pub = card.readPublicKey();
            PublicKey k = KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(new BigInteger(1, pub[0]), new BigInteger(1, pub[1])));
            card.writeCertificate(false, issue(new X500Name("CN=recsec-se"), k, false).getEncoded());
            card.writeCertificate(true, anchor.getEncoded());
            return card;
        }
    }

    public final CoapServer server;
    public final CoapFlightServer flights;
    public final DtlsModeEngines.SessionCache cache = new DtlsModeEngines.SessionCache(16);
    public final BlockingQueue<PskDtlsServer.Established> established = new LinkedBlockingQueue<>();

    /** A certificate-mode server (its certificate from {@code pki}, client certificates from {@code clientCa}). */
    public static ModesFixture certificate(InetAddress bind, Pki pki, X509Certificate clientCa) throws Exception {
        return new ModesFixture(bind, cache -> DtlsModeEngines.certificate(pki.server.getEncoded(),
                pki.serverKeys.getPrivate(), clientCa, cache, new SecureRandom()));
    }

    /** A PSK server with resumption ({@link SeFixture}'s identity and PSK). */
    public static ModesFixture psk(InetAddress bind) throws Exception {
        return new ModesFixture(bind, cache -> DtlsModeEngines.pskResumable(SeFixture.IDENTITY, SeFixture.PSK, cache,
                new SecureRandom()));
    }

    interface EngineFactory {
        DtlsServerEngine make(DtlsModeEngines.SessionCache cache) throws Exception;
    }

    private ModesFixture(InetAddress bind, EngineFactory engine) throws Exception {
        Configuration config = Configuration.createStandardWithoutFile();
        server = new CoapServer(config);
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(bind, 0)).build());
        flights = new CoapFlightServer(engine.make(cache), new SecureRandom(), established::add);
        FlightResource.install(server, flights);
        server.start();
    }

    public InetSocketAddress address() {
        return server.getEndpoints().get(0).getAddress();
    }

    public PskDtlsServer.Established awaitEstablished() throws InterruptedException {
        PskDtlsServer.Established e = established.poll(20, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("the server handshake did not complete");
        }
        return e;
    }

    /** The card's exported keys are the server's key block. */
    public static boolean samePair(ExportedSa sa, PskDtlsServer.Established e) {
        return e.keys().clientWriteKey().equalsSecret(sa.keys().clientWriteKey())
                && e.keys().serverWriteKey().equalsSecret(sa.keys().serverWriteKey())
                && e.keys().clientWriteIv().equalsSecret(sa.keys().clientWriteIv())
                && e.keys().serverWriteIv().equalsSecret(sa.keys().serverWriteIv());
    }

    @Override
    public void close() {
        server.destroy();
        flights.close();
    }
}
