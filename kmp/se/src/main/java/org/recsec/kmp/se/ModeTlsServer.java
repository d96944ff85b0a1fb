package org.recsec.kmp.se;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;
import java.util.Vector;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.recsec.se.host.KeyBlock;

/**
 * The Bouncy Castle TLS/DTLS 1.2 server of every SE-side handshake ({@link PskDtlsServer}, {@link SeModeServer} and
 * the CoAP engines of {@code org.recsec.kmp.se.coap}), in one of the applet's two modes, one suite each:
 * <ul>
 *   <li>PSK: TLS_PSK_WITH_AES_128_CCM_8 (RFC 6655), the key of one identity;</li>
 *   <li>certificate: TLS_DHE_RSA_WITH_AES_128_CCM_8, the server signing its DHE parameters with an RSA key (SHA-256)
 *   under its certificate and asking for an rsa_sign client certificate (RFC 5246 §7.4.4) that must be signed by
 *   a given issuer key (bad_certificate otherwise).</li>
 * </ul>
 * With {@link #resuming} it gives session ids and resumes sessions (RFC 5246 §7.3) from a cache; the card does not
 * do the extended master secret (RFC 7627), so resumption is legacy resumption.
 *
 * <p>When its handshake completes it keeps the key block derived from the master secret as RFC 5246 §6.3 says:
 * {@code PRF(master_secret, "key expansion", server_random ‖ client_random)} (for a resumed session from the
 * resumed master secret), of which the first 40 bytes are client_write_key, server_write_key, client_write_IV,
 * server_write_IV. One instance serves one handshake; set it up before the handshake starts.
 */
public final class ModeTlsServer extends AbstractTlsServer {

    /** The session cache of a resuming server (RFC 5246 §7.3). */
    public interface Sessions {
        /** The session the client offers to resume, or null for a full handshake. */
        TlsSession find(byte[] sessionId);

        /** A handshake completed (full or abbreviated): the cache may keep its session. */
        void completed(TlsContext context);
    }

    private final BcTlsCrypto crypto;
    private final int suite;
    private final TlsPSKIdentityManager identities;
    private final AsymmetricKeyParameter signingKey;
    private final TlsCertificate certificate;
    private final PublicKey clientIssuer;
    private final boolean checkClientValidity;
    private ProtocolVersion[] versions = ProtocolVersion.DTLSv12.only();
    private int handshakeTimeoutMillis;
    private int resendMillis;
    private Sessions sessions;

    private byte[] keyBlock;
    private byte[] clientRandom;
    private byte[] serverRandom;
    private boolean resumed;
    private X509Certificate clientCertificate;

    private ModeTlsServer(BcTlsCrypto crypto, int suite, TlsPSKIdentityManager identities,
                          AsymmetricKeyParameter signingKey, TlsCertificate certificate, PublicKey clientIssuer,
                          boolean checkClientValidity) {
        super(crypto);
        this.crypto = crypto;
        this.suite = suite;
        this.identities = identities;
        this.signingKey = signingKey;
        this.certificate = certificate;
        this.clientIssuer = clientIssuer;
        this.checkClientValidity = checkClientValidity;
    }

    /** PSK mode: the key {@code psk} for the client that names {@code identity} (both copied), no hint. */
    public static ModeTlsServer psk(BcTlsCrypto crypto, byte[] identity, byte[] psk) {
        byte[] id = identity.clone();
        byte[] key = psk.clone();
        TlsPSKIdentityManager ids = new TlsPSKIdentityManager() {
            @Override
            public byte[] getHint() {
                return null;
            }

            @Override
            public byte[] getPSK(byte[] offered) {
                return Arrays.equals(offered, id) ? key.clone() : null;
            }
        };
        return new ModeTlsServer(Objects.requireNonNull(crypto), CipherSuite.TLS_PSK_WITH_AES_128_CCM_8, ids, null,
                null, null, false);
    }

    /**
     * Certificate mode.
     *
     * @param serverKey           the server's RSA private key
     * @param serverCertificate   the server's DER certificate (for {@code serverKey})
     * @param clientIssuer        the key that must have signed the client's certificate
     * @param checkClientValidity whether the client's certificate must also be within its validity period
     * @throws IOException when {@code serverCertificate} does not parse
     */
    public static ModeTlsServer certificate(BcTlsCrypto crypto, AsymmetricKeyParameter serverKey,
                                            byte[] serverCertificate, PublicKey clientIssuer,
                                            boolean checkClientValidity) throws IOException {
        return new ModeTlsServer(Objects.requireNonNull(crypto), CipherSuite.TLS_DHE_RSA_WITH_AES_128_CCM_8, null,
                Objects.requireNonNull(serverKey), crypto.createCertificate(serverCertificate),
                Objects.requireNonNull(clientIssuer), checkClientValidity);
    }

    /** TLS 1.2 instead of DTLS 1.2 (the default). */
    public ModeTlsServer tls(boolean tls) {
        versions = tls ? ProtocolVersion.TLSv12.only() : ProtocolVersion.DTLSv12.only();
        return this;
    }

    /**
     * The handshake's timers.
     *
     * @param handshakeMillis how long the whole handshake may take (0: Bouncy Castle's default, forever)
     * @param resendMillis    the initial DTLS flight timer (RFC 6347 §4.2.4); 0 keeps Bouncy Castle's default (1 s)
     */
    public ModeTlsServer timeouts(int handshakeMillis, int resendMillis) {
        this.handshakeTimeoutMillis = handshakeMillis;
        this.resendMillis = resendMillis;
        return this;
    }

    /** Gives session ids and resumes the sessions {@code cache} finds; tells it of each completed handshake. */
    public ModeTlsServer resuming(Sessions cache) {
        this.sessions = Objects.requireNonNull(cache);
        return this;
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return new int[] {suite};
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return versions;
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    public int getHandshakeResendTimeMillis() {
        return resendMillis > 0 ? resendMillis : super.getHandshakeResendTimeMillis();
    }

    @Override
    public TlsPSKIdentityManager getPSKIdentityManager() {
        return identities;
    }

    /** PSK mode needs none (plain PSK key exchange); certificate mode signs with the server's key. */
    @Override
    public TlsCredentials getCredentials() {
        if (identities != null) {
            return null;
        }
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, signingKey,
                new Certificate(new TlsCertificate[] {certificate}),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
    }

    @Override
    public CertificateRequest getCertificateRequest() throws IOException {
        if (identities != null) {
            return super.getCertificateRequest();
        }
        Vector<SignatureAndHashAlgorithm> algs = new Vector<>();
        algs.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
        return new CertificateRequest(new short[] {ClientCertificateType.rsa_sign}, algs, null);
    }

    @Override
    public void notifyClientCertificate(Certificate chain) throws IOException {
        if (identities != null) {
            super.notifyClientCertificate(chain);
            return;
        }
        if (chain == null || chain.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure);
        }
        try {
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new java.io.ByteArrayInputStream(chain.getCertificateAt(0).getEncoded()));
            leaf.verify(clientIssuer);
            if (checkClientValidity) {
                leaf.checkValidity();
            }
            clientCertificate = leaf;
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
        }
    }

    @Override
    public byte[] getNewSessionID() {
        if (sessions == null) {
            return super.getNewSessionID();
        }
        byte[] id = new byte[32];
        crypto.getSecureRandom().nextBytes(id);
        return id;
    }

    @Override
    public TlsSession getSessionToResume(byte[] sessionId) {
        return sessions == null ? super.getSessionToResume(sessionId) : sessions.find(sessionId);
    }

    @Override
    public boolean allowLegacyResumption() {
        return sessions != null || super.allowLegacyResumption();
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        SecurityParameters sp = context.getSecurityParametersConnection();
        byte[] seed = new byte[64];
        System.arraycopy(sp.getServerRandom(), 0, seed, 0, 32);
        System.arraycopy(sp.getClientRandom(), 0, seed, 32, 32);
        keyBlock = sp.getMasterSecret().deriveUsingPRF(sp.getPRFAlgorithm(), "key expansion", seed, KeyBlock.LENGTH)
                .extract();
        clientRandom = sp.getClientRandom().clone();
        serverRandom = sp.getServerRandom().clone();
        resumed = sp.isResumedSession();
        if (sessions != null) {
            sessions.completed(context);
        }
    }

    /**
     * The SA keys from the completed handshake's key block, which this zeroes: callable once.
     *
     * @throws IOException the handshake did not complete (or the keys were taken already)
     */
    public KeyBlock takeKeys() throws IOException {
        byte[] kb = keyBlock;
        if (kb == null) {
            throw new IOException("the handshake completed without a key block");
        }
        keyBlock = null;
        KeyBlock keys = KeyBlock.split(kb, 0);
        Arrays.fill(kb, (byte) 0);
        return keys;
    }

    /**
     * The completed DTLS handshake on {@code transport}, with {@link #takeKeys()}.
     *
     * @param client who the handshake is with (may be null)
     */
    public PskDtlsServer.Established established(DTLSTransport transport, InetSocketAddress client)
            throws IOException {
        return new PskDtlsServer.Established(transport, takeKeys(), clientRandom, serverRandom, client);
    }

    /** The client_random of the completed handshake. */
    public byte[] clientRandom() {
        return clientRandom == null ? null : clientRandom.clone();
    }

    /** The server_random of the completed handshake. */
    public byte[] serverRandom() {
        return serverRandom == null ? null : serverRandom.clone();
    }

    /** Whether the completed handshake resumed a session. */
    public boolean resumed() {
        return resumed;
    }

    /** The client certificate the handshake verified (certificate mode, full handshake), or null. */
    public X509Certificate clientCertificate() {
        return clientCertificate;
    }
}
