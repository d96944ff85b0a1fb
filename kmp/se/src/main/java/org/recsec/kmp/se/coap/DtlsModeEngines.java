package org.recsec.kmp.se.coap;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Vector;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsServer;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.se.host.KeyBlock;

/**
 * Server engines for the applet's other DTLS 1.2 modes behind the CoAP handshake resource (issue 14): certificate
 * mode (TLS_DHE_RSA_WITH_AES_128_CCM_8, RFC 6655 / RFC 5246 §7.4.4: the server's RSA certificate and a
 * CertificateRequest whose answer must be issued by the trust anchor), and session resumption (RFC 5246 §7.3, the
 * abbreviated handshake from a session id) in both PSK and certificate mode. Each is Bouncy Castle's
 * {@link DTLSServerProtocol} with its resend timer off ({@link DtlsServerEngine#NO_RESEND_MILLIS}). The card does
 * not do the extended master secret (RFC 7627), so resumption is legacy resumption.
 *
 * <p>The key block is derived as in {@link PskDtlsServer}: {@code PRF(master_secret, "key expansion",
 * server_random ‖ client_random)} (RFC 5246 §6.3), for a resumed session from the resumed master secret.
 */
public final class DtlsModeEngines {
    private DtlsModeEngines() {
    }

    /**
     * The server's session cache (RFC 5246 §7.3): session ids the server gave, at most {@code capacity}, the oldest
     * forgotten first; counts of full and abbreviated handshakes completed.
     */
    public static final class SessionCache {
        private final int capacity;
        private final Map<String, TlsSession> sessions;
        private long full;
        private long resumed;

        public SessionCache(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be positive");
            }
            this.capacity = capacity;
            this.sessions = new LinkedHashMap<>(16, 0.75f, false);
        }

        synchronized TlsSession get(byte[] id) {
            return id == null || id.length == 0 ? null : sessions.get(HexFormat.of().formatHex(id));
        }

        synchronized void completed(TlsContext context) {
            if (context.getSecurityParametersConnection().isResumedSession()) {
                resumed++;
            } else {
                full++;
            }
            TlsSession s = context.getSession();
            if (s != null && s.getSessionID().length > 0 && s.isResumable()) {
                sessions.put(HexFormat.of().formatHex(s.getSessionID()), s);
                while (sessions.size() > capacity) {
                    sessions.remove(sessions.keySet().iterator().next());
                }
            }
        }

        /** Sessions kept now. */
        public synchronized int size() {
            return sessions.size();
        }

        /** Full handshakes completed. */
        public synchronized long full() {
            return full;
        }

        /** Abbreviated (resumed) handshakes completed. */
        public synchronized long resumed() {
            return resumed;
        }
    }

    /**
     * Certificate mode: the server signs its DHE parameters with {@code serverKey} (RSA, SHA-256) under
     * {@code serverCertificate}, asks for an rsa_sign client certificate and accepts only one whose signature
     * verifies with {@code clientAnchor}'s key (bad_certificate otherwise). Sessions go into {@code cache}.
     *
     * @param serverCertificate the server's DER certificate (RSA key)
     * @param clientAnchor      the certificate that issues client certificates
     */
    public static DtlsServerEngine certificate(byte[] serverCertificate, PrivateKey serverKey,
                                               X509Certificate clientAnchor, SessionCache cache,
                                               SecureRandom random) throws IOException {
        Objects.requireNonNull(clientAnchor);
        Objects.requireNonNull(cache);
        Objects.requireNonNull(random);
        AsymmetricKeyParameter key = PrivateKeyFactory.createKey(serverKey.getEncoded());
        byte[] der = serverCertificate.clone();
        return (transport, request) -> {
            BcTlsCrypto crypto = new BcTlsCrypto(random);
            byte[][] keyBlock = new byte[3][];
            TlsCertificate cert = crypto.createCertificate(der);
            TlsServer server = new DefaultTlsServer(crypto) {
                @Override
                protected int[] getSupportedCipherSuites() {
                    return new int[] {CipherSuite.TLS_DHE_RSA_WITH_AES_128_CCM_8};
                }

                @Override
                protected ProtocolVersion[] getSupportedVersions() {
                    return ProtocolVersion.DTLSv12.only();
                }

                @Override
                protected TlsCredentialedSigner getRSASignerCredentials() {
                    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, key,
                            new Certificate(new TlsCertificate[] {cert}),
                            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
                }

                @Override
                public CertificateRequest getCertificateRequest() {
                    Vector<SignatureAndHashAlgorithm> algs = new Vector<>();
                    algs.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
                    return new CertificateRequest(new short[] {ClientCertificateType.rsa_sign}, algs, null);
                }

                @Override
                public void notifyClientCertificate(Certificate chain) throws IOException {
                    checkClient(chain, clientAnchor);
                }

                @Override
                public byte[] getNewSessionID() {
                    return newSessionId(random);
                }

                @Override
                public TlsSession getSessionToResume(byte[] id) {
                    return cache.get(id);
                }

                @Override
                public boolean allowLegacyResumption() {
                    return true;
                }

                @Override
                public int getHandshakeTimeoutMillis() {
                    return DtlsServerEngine.HANDSHAKE_TIMEOUT_MILLIS;
                }

                @Override
                public int getHandshakeResendTimeMillis() {
                    return DtlsServerEngine.NO_RESEND_MILLIS;
                }

                @Override
                public void notifyHandshakeComplete() throws IOException {
                    super.notifyHandshakeComplete();
                    keys(context, keyBlock);
                    cache.completed(context);
                }
            };
            return established(new DTLSServerProtocol().accept(server, transport, request), keyBlock);
        };
    }

    /**
     * PSK mode (TLS_PSK_WITH_AES_128_CCM_8) as {@link DtlsServerEngine#psk}, that also gives session ids and
     * resumes sessions from {@code cache}.
     */
    public static DtlsServerEngine pskResumable(byte[] identity, byte[] psk, SessionCache cache,
                                                SecureRandom random) {
        byte[] id = identity.clone();
        byte[] secret = psk.clone();
        Objects.requireNonNull(cache);
        Objects.requireNonNull(random);
        return (transport, request) -> {
            BcTlsCrypto crypto = new BcTlsCrypto(random);
            byte[][] keyBlock = new byte[3][];
            TlsPSKIdentityManager ids = new TlsPSKIdentityManager() {
                @Override
                public byte[] getHint() {
                    return null;
                }

                @Override
                public byte[] getPSK(byte[] offered) {
                    return Arrays.equals(offered, id) ? secret.clone() : null;
                }
            };
            TlsServer server = new PSKTlsServer(crypto, ids) {
                @Override
                protected int[] getSupportedCipherSuites() {
                    return new int[] {CipherSuite.TLS_PSK_WITH_AES_128_CCM_8};
                }

                @Override
                protected ProtocolVersion[] getSupportedVersions() {
                    return ProtocolVersion.DTLSv12.only();
                }

                @Override
                public byte[] getNewSessionID() {
                    return newSessionId(random);
                }

                @Override
                public TlsSession getSessionToResume(byte[] sid) {
                    return cache.get(sid);
                }

                @Override
                public boolean allowLegacyResumption() {
                    return true;
                }

                @Override
                public int getHandshakeTimeoutMillis() {
                    return DtlsServerEngine.HANDSHAKE_TIMEOUT_MILLIS;
                }

                @Override
                public int getHandshakeResendTimeMillis() {
                    return DtlsServerEngine.NO_RESEND_MILLIS;
                }

                @Override
                public void notifyHandshakeComplete() throws IOException {
                    super.notifyHandshakeComplete();
                    keys(context, keyBlock);
                    cache.completed(context);
                }
            };
            return established(new DTLSServerProtocol().accept(server, transport, request), keyBlock);
        };
    }

    private static void checkClient(Certificate chain, X509Certificate anchor) throws IOException {
        if (chain == null || chain.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure);
        }
        try {
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new java.io.ByteArrayInputStream(chain.getCertificateAt(0).getEncoded()));
            leaf.verify(anchor.getPublicKey());
            leaf.checkValidity();
        } catch (java.security.GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
        }
    }

    private static byte[] newSessionId(SecureRandom random) {
        byte[] id = new byte[32];
        random.nextBytes(id);
        return id;
    }

    private static void keys(TlsContext context, byte[][] keyBlock) {
        SecurityParameters sp = context.getSecurityParametersConnection();
        byte[] seed = new byte[64];
        System.arraycopy(sp.getServerRandom(), 0, seed, 0, 32);
        System.arraycopy(sp.getClientRandom(), 0, seed, 32, 32);
        TlsSecret master = sp.getMasterSecret();
        keyBlock[0] = master.deriveUsingPRF(sp.getPRFAlgorithm(), "key expansion", seed, KeyBlock.LENGTH).extract();
        keyBlock[1] = sp.getClientRandom().clone();
        keyBlock[2] = sp.getServerRandom().clone();
    }

    private static PskDtlsServer.Established established(DTLSTransport t, byte[][] keyBlock) throws IOException {
        byte[] kb = keyBlock[0];
        if (kb == null) {
            throw new IOException("the handshake completed without a key block");
        }
        PskDtlsServer.Established e = new PskDtlsServer.Established(t, KeyBlock.split(kb, 0), keyBlock[1],
                keyBlock[2], null);
        Arrays.fill(kb, (byte) 0);
        return e;
    }
}
