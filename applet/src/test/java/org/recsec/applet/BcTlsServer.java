package org.recsec.applet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Vector;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsServer;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Bouncy Castle's TLS 1.2 server (bctls {@link TlsServerProtocol}) on a loopback TCP port, one suite per mode:
 * TLS_PSK_WITH_AES_128_CCM_8, or TLS_DHE_RSA_WITH_AES_128_CCM_8 with a certificate and a CertificateRequest whose
 * answer must chain to the test CA. It gives session ids and resumes from its cache (legacy resumption allowed: the
 * card does not do the extended master secret). Per connection it records whether the session was resumed and the
 * first application data, and answers "reply:" + that data.
 */
final class BcTlsServer implements AutoCloseable {

    /** What one connection saw. */
    record Connection(boolean resumed, byte[] received, boolean clientCertificateChecked, Throwable error) {
    }

    private final ServerSocket listener;
    private final Thread thread;
    private final boolean dtls;
    private final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
    private final Map<String, TlsSession> cache = new ConcurrentHashMap<>();
    final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();

    /** PSK mode. */
    static BcTlsServer psk(byte[] identity, byte[] psk, int accepts) throws IOException {
        return new BcTlsServer(identity, psk, null, accepts);
    }

    /** Certificate mode. */
    static BcTlsServer cert(TestPki pki, int accepts) throws IOException {
        return new BcTlsServer(null, null, pki, accepts);
    }

    /**
     * The same servers as DTLS 1.2 ({@code DTLSServerProtocol}, no cookie exchange), one per {@link #serveDtls}
     * call, sharing the session cache.
     */
    BcTlsServer(byte[] identity, byte[] psk, TestPki pki) {
        dtls = true;
        listener = null;
        thread = null;
        this.identity = identity;
        this.psk = psk;
        this.pki = pki;
    }

    private final byte[] identity;
    private final byte[] psk;
    private final TestPki pki;
    private volatile boolean cookies;

    /** DTLS: answer each ClientHello with a HelloVerifyRequest first (RFC 6347 §4.2.1). */
    BcTlsServer withCookies() {
        cookies = true;
        return this;
    }

    /** Serves one DTLS connection on the transport in a new thread. */
    void serveDtls(org.bouncycastle.tls.DatagramTransport transport) {
        Thread t = new Thread(() -> {
            clientChecked.get()[0] = false;
            clientChecked.get()[1] = false;
            try {
                org.bouncycastle.tls.DTLSServerProtocol protocol = new org.bouncycastle.tls.DTLSServerProtocol();
                protocol.setVerifyRequests(cookies);
                org.bouncycastle.tls.DTLSTransport d = protocol.accept(new ModeServer(), transport);
                byte[] buf = new byte[4096];
                int n = d.receive(buf, 0, buf.length, 20_000);
                byte[] got = n < 0 ? new byte[0] : Arrays.copyOf(buf, n);
                byte[] reply = ("reply:" + new String(got, java.nio.charset.StandardCharsets.US_ASCII))
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                d.send(reply, 0, reply.length);
                connections.add(new Connection(clientChecked.get()[1], got, clientChecked.get()[0], null));
                try {
                    while (d.receive(buf, 0, buf.length, 5_000) >= 0) {
                        // until close_notify
                    }
                } catch (IOException expected) {
                    // closed
                }
            } catch (Throwable e) {
                connections.add(new Connection(false, null, false, e));
            }
        }, "bc-dtls-server");
        t.setDaemon(true);
        t.start();
    }

    private BcTlsServer(byte[] identity, byte[] psk, TestPki pki, int accepts) throws IOException {
        dtls = false;
        this.identity = identity;
        this.psk = psk;
        this.pki = pki;
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(() -> {
            for (int i = 0; i < accepts; i++) {
                try (Socket s = listener.accept()) {
                    serve(s, new ModeServer());
                } catch (IOException e) {
                    if (!listener.isClosed()) {
                        connections.add(new Connection(false, null, false, e));
                    }
                    return;
                }
            }
        }, "bc-tls-server");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    Connection next() throws InterruptedException {
        Connection c = connections.poll(30, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("the BC server reported no connection");
        }
        if (c.error() != null) {
            throw new AssertionError("BC server: " + c.error(), c.error());
        }
        return c;
    }

    private final ThreadLocal<boolean[]> clientChecked = ThreadLocal.withInitial(() -> new boolean[2]);

    private void serve(Socket s, TlsServer server) {
        clientChecked.get()[0] = false;
        clientChecked.get()[1] = false;
        TlsServerProtocol protocol = null;
        try {
            protocol = new TlsServerProtocol(s.getInputStream(), s.getOutputStream());
            protocol.accept(server);
            boolean resumed = clientChecked.get()[1];
            InputStream in = protocol.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            byte[] got = n < 0 ? new byte[0] : Arrays.copyOf(buf, n);
            OutputStream out = protocol.getOutputStream();
            out.write(("reply:" + new String(got, java.nio.charset.StandardCharsets.US_ASCII))
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            connections.add(new Connection(resumed, got, clientChecked.get()[0], null));
            // wait for the client to go away (the card's bridge closes without close_notify)
            try {
                while (in.read(buf) >= 0) {
                    // drain
                }
            } catch (IOException expected) {
                // TlsNoCloseNotifyException or a reset: the connection is over either way
            }
        } catch (Throwable e) {
            connections.add(new Connection(false, null, false, e));
        } finally {
            if (protocol != null) {
                try {
                    protocol.close();
                } catch (IOException ignored) {
                    // the client may be gone
                }
            }
        }
    }

    /** The key {@code psk} for the client that names {@code identity}, with {@code hint} (may be null). */
    static TlsPSKIdentityManager identities(byte[] hint, byte[] identity, byte[] psk) {
        return new TlsPSKIdentityManager() {
            @Override
            public byte[] getHint() {
                return hint;
            }

            @Override
            public byte[] getPSK(byte[] id) {
                return Arrays.equals(id, identity) ? psk.clone() : null;
            }
        };
    }

    /**
     * The server of one connection: PSK mode without {@link #pki} (TLS_PSK_WITH_AES_128_CCM_8), certificate mode
     * with it (TLS_DHE_RSA_WITH_AES_128_CCM_8, the server's RSA certificate, a CertificateRequest for rsa_sign); in
     * both, session ids and resumption from {@link #cache}.
     */
    private final class ModeServer extends AbstractTlsServer {
        private final TlsPSKIdentityManager ids;
        private final AsymmetricKeyParameter key;
        private final TlsCertificate serverCert;

        ModeServer() throws IOException {
            super(crypto);
            if (pki == null) {
                ids = identities(null, identity, psk);
                key = null;
                serverCert = null;
                return;
            }
            ids = null;
            key = PrivateKeyFactory.createKey(pki.serverKeys.getPrivate().getEncoded());
            try {
                serverCert = crypto.createCertificate(pki.server.getEncoded());
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IOException(e);
            }
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {ids != null ? CipherSuite.TLS_PSK_WITH_AES_128_CCM_8
                    : CipherSuite.TLS_DHE_RSA_WITH_AES_128_CCM_8};
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return dtls ? ProtocolVersion.DTLSv12.only() : ProtocolVersion.TLSv12.only();
        }

        @Override
        public TlsPSKIdentityManager getPSKIdentityManager() {
            return ids;
        }

        @Override
        public TlsCredentials getCredentials() {
            return ids != null ? null : new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                    key, new Certificate(new TlsCertificate[] {serverCert}),
                    new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
        }

        @Override
        public CertificateRequest getCertificateRequest() throws IOException {
            if (ids != null) {
                return super.getCertificateRequest();
            }
            Vector<SignatureAndHashAlgorithm> algs = new Vector<>();
            algs.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
            return new CertificateRequest(new short[] {ClientCertificateType.rsa_sign}, algs, null);
        }

        @Override
        public void notifyClientCertificate(Certificate chain) throws IOException {
            if (ids != null) {
                super.notifyClientCertificate(chain);
                return;
            }
            checkClientCertificate(pki, chain);
            clientChecked.get()[0] = true;
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
            remember(context);
        }
    }

    /** The card's certificate must be issued by the test CA (signature checked with the JDK). */
    static void checkClientCertificate(TestPki pki, Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure);
        }
        try {
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new java.io.ByteArrayInputStream(chain.getCertificateAt(0).getEncoded()));
            leaf.verify(pki.ca.getPublicKey());
        } catch (java.security.GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
        }
    }

    private static byte[] newSessionId() {
        byte[] id = new byte[32];
        new SecureRandom().nextBytes(id);
        return id;
    }

    private void remember(TlsContext context) {
        clientChecked.get()[1] = context.getSecurityParametersConnection().isResumedSession();
        TlsSession s = context.getSession();
        if (s != null && s.getSessionID().length > 0) {
            cache.put(HexFormat.of().formatHex(s.getSessionID()), s);
        }
    }

    @Override
    public void close() throws Exception {
        if (listener != null) {
            listener.close();
            thread.join(10_000);
        }
    }
}
