package org.recsec.kmp.se;

import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * {@link SeModeServer}'s Bouncy Castle side, apart from its sockets: the PSK or certificate-mode
 * {@link ModeTlsServer} for each handshake, and the session cache (keyed by session ID) that lets the next handshake
 * resume. One per {@link SeModeServer}; the cache is shared by all its handshakes.
 */
final class SeModeTlsServers implements ModeTlsServer.Sessions {
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

    /** The server for one handshake: PSK mode without credentials, certificate mode with them. */
    ModeTlsServer server() throws IOException {
        ModeTlsServer server;
        if (credentials == null) {
            server = ModeTlsServer.psk(crypto, identity, psk);
        } else {
            byte[] der;
            try {
                der = credentials.serverCertificate().getEncoded();
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IOException(e);
            }
            server = ModeTlsServer.certificate(crypto, PrivateKeyFactory.createKey(credentials.serverKey().getEncoded()),
                    der, credentials.clientCa(), false);
        }
        return server.tls(tls).timeouts(HANDSHAKE_TIMEOUT_MILLIS, 0).resuming(this);
    }

    /** What {@code server}'s completed handshake established (it takes the keys). */
    static SeModeServer.Established established(ModeTlsServer server) throws IOException {
        X509Certificate client = server.clientCertificate();
        return new SeModeServer.Established(server.takeKeys(), server.clientRandom(), server.serverRandom(),
                server.resumed(), client == null ? null : client.getSubjectX500Principal().getName());
    }

    @Override
    public TlsSession find(byte[] sessionId) {
        return cache.get(HexFormat.of().formatHex(sessionId));
    }

    @Override
    public void completed(TlsContext context) {
        TlsSession s = context.getSession();
        if (s != null && s.getSessionID().length > 0) {
            cache.put(HexFormat.of().formatHex(s.getSessionID()), s);
        }
    }
}
