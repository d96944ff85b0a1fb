package org.recsec.kmp.se;

import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
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
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.recsec.se.host.KeyBlock;

/**
 * {@link SeModeServer}'s Bouncy Castle side, apart from its sockets: the PSK or certificate-mode {@code TlsServer}
 * for each handshake, the client-certificate check, and the session cache (keyed by session ID) that lets the next
 * handshake resume. One per {@link SeModeServer}; the cache is shared by all its handshakes.
 */
final class SeModeTlsServers {
    /** Bounds one handshake (Bouncy Castle's default waits forever). */
    static final int HANDSHAKE_TIMEOUT_MILLIS = 30_000;

    private final boolean tls;
    private final byte[] identity;
    private final byte[] psk;
    private final SeModeServer.Credentials credentials;
    private final BcTlsCrypto crypto;
    private final Map<String, TlsSession> cache = new ConcurrentHashMap<>();

    SeModeTlsServers(boolean tls, byte[] identity, byte[] psk, SeModeServer.Credentials credentials,
                     SecureRandom random) {
        this.tls = tls;
        this.identity = identity == null ? null : identity.clone();
        this.psk = psk == null ? null : psk.clone();
        this.credentials = credentials;
        this.crypto = new BcTlsCrypto(Objects.requireNonNull(random));
    }

    BcTlsCrypto crypto() {
        return crypto;
    }

    /** What {@code notifyHandshakeComplete} leaves for the serving thread. */
    static final class Result {
        private byte[] keyBlock;
        private byte[] clientRandom;
        private byte[] serverRandom;
        private boolean resumed;
        private String subject;

        SeModeServer.Established established() throws IOException {
            if (keyBlock == null) {
                throw new IOException("handshake ended without keys");
            }
            SeModeServer.Established e = new SeModeServer.Established(KeyBlock.split(keyBlock, 0), clientRandom, serverRandom, resumed, subject);
            Arrays.fill(keyBlock, (byte) 0);
            return e;
        }
    }

    private void complete(TlsContext context, Result r) throws IOException {
        SecurityParameters sp = context.getSecurityParametersConnection();
        byte[] seed = new byte[64];
        System.arraycopy(sp.getServerRandom(), 0, seed, 0, 32);
        System.arraycopy(sp.getClientRandom(), 0, seed, 32, 32);
        r.keyBlock = sp.getMasterSecret().deriveUsingPRF(sp.getPRFAlgorithm(), "key expansion", seed,
                KeyBlock.LENGTH).extract();
        r.clientRandom = sp.getClientRandom().clone();
        r.serverRandom = sp.getServerRandom().clone();
        r.resumed = sp.isResumedSession();
        TlsSession s = context.getSession();
        if (s != null && s.getSessionID().length > 0) {
            cache.put(HexFormat.of().formatHex(s.getSessionID()), s);
        }
    }

    private ProtocolVersion[] versions() {
        return tls ? ProtocolVersion.TLSv12.only() : ProtocolVersion.DTLSv12.only();
    }

    AbstractTlsServer server(Result r) throws IOException {
        if (credentials == null) {
            TlsPSKIdentityManager ids = new TlsPSKIdentityManager() {
                @Override
                public byte[] getHint() {
                    return null;
                }

                @Override
                public byte[] getPSK(byte[] offered) {
                    return Arrays.equals(offered, identity) ? psk.clone() : null;
                }
            };
            return new PSKTlsServer(crypto, ids) {
                @Override
                protected int[] getSupportedCipherSuites() {
                    return new int[] {CipherSuite.TLS_PSK_WITH_AES_128_CCM_8};
                }

                @Override
                protected ProtocolVersion[] getSupportedVersions() {
                    return versions();
                }

                @Override
                public int getHandshakeTimeoutMillis() {
                    return HANDSHAKE_TIMEOUT_MILLIS;
                }

                @Override
                public byte[] getNewSessionID() {
                    return newSessionId();
                }

                @Override
                public TlsSession getSessionToResume(byte[] id) {
                    return cache.get(HexFormat.of().formatHex(id));
                }

                @Override
                public boolean allowLegacyResumption() {
                    return true;
                }

                @Override
                public void notifyHandshakeComplete() throws IOException {
                    super.notifyHandshakeComplete();
                    complete(context, r);
                }
            };
        }
        AsymmetricKeyParameter key = PrivateKeyFactory.createKey(credentials.serverKey().getEncoded());
        TlsCertificate serverCert;
        try {
            serverCert = crypto.createCertificate(credentials.serverCertificate().getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
        return new DefaultTlsServer(crypto) {
            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {CipherSuite.TLS_DHE_RSA_WITH_AES_128_CCM_8};
            }

            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return versions();
            }

            @Override
            public int getHandshakeTimeoutMillis() {
                return HANDSHAKE_TIMEOUT_MILLIS;
            }

            @Override
            protected TlsCredentialedSigner getRSASignerCredentials() {
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, key,
                        new Certificate(new TlsCertificate[] {serverCert}),
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
                r.subject = checkClient(chain);
            }

            @Override
            public byte[] getNewSessionID() {
                return newSessionId();
            }

            @Override
            public TlsSession getSessionToResume(byte[] id) {
                return cache.get(HexFormat.of().formatHex(id));
            }

            @Override
            public boolean allowLegacyResumption() {
                return true;
            }

            @Override
            public void notifyHandshakeComplete() throws IOException {
                super.notifyHandshakeComplete();
                complete(context, r);
            }
        };
    }

    /** The client's certificate must be signed by the client CA (checked with the JDK); returns its subject. */
    private String checkClient(Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure);
        }
        try {
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new java.io.ByteArrayInputStream(chain.getCertificateAt(0).getEncoded()));
            leaf.verify(credentials.clientCa());
            return leaf.getSubjectX500Principal().getName();
        } catch (java.security.GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
        }
    }

    private byte[] newSessionId() {
        byte[] id = new byte[32];
        crypto.getSecureRandom().nextBytes(id);
        return id;
    }
}
