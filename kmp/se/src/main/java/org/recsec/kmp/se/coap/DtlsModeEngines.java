package org.recsec.kmp.se.coap;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.recsec.kmp.se.ModeTlsServer;
import org.recsec.kmp.se.PskDtlsServer;

/**
 * Server engines for the applet's other DTLS 1.2 modes behind the CoAP handshake resource (issue 14): certificate
 * mode (TLS_DHE_RSA_WITH_AES_128_CCM_8, RFC 6655 / RFC 5246 §7.4.4: the server's RSA certificate and a
 * CertificateRequest whose answer must be issued by the trust anchor), and session resumption (RFC 5246 §7.3, the
 * abbreviated handshake from a session id) in both PSK and certificate mode. Each is Bouncy Castle's
 * {@link DTLSServerProtocol} with a {@link ModeTlsServer}, its resend timer off ({@link DtlsServerEngine#NO_RESEND_MILLIS}). The card does
 * not do the extended master secret (RFC 7627), so resumption is legacy resumption.
 *
 * <p>The key block is derived as in {@link PskDtlsServer} (by the same {@link ModeTlsServer}): {@code PRF(master_secret, "key expansion",
 * server_random ‖ client_random)} (RFC 5246 §6.3), for a resumed session from the resumed master secret.
 */
public final class DtlsModeEngines {
    private DtlsModeEngines() {
    }

    /**
     * The server's session cache (RFC 5246 §7.3): session ids the server gave, at most {@code capacity}, the oldest
     * forgotten first; counts of full and abbreviated handshakes completed.
     */
    public static final class SessionCache implements ModeTlsServer.Sessions {
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

        @Override
        public synchronized TlsSession find(byte[] id) {
            return id == null || id.length == 0 ? null : sessions.get(HexFormat.of().formatHex(id));
        }

        @Override
        public synchronized void completed(TlsContext context) {
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
     * verifies with {@code clientAnchor}'s key and that is within its validity period (bad_certificate otherwise).
     * Sessions go into {@code cache}.
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
        return (transport, request) -> accept(ModeTlsServer.certificate(new BcTlsCrypto(random), key, der,
                clientAnchor.getPublicKey(), true), cache, transport, request);
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
        return (transport, request) -> accept(ModeTlsServer.psk(new BcTlsCrypto(random), id, secret), cache,
                transport, request);
    }

    /** One handshake of {@code server}, resuming from {@code cache}, resend timer off. */
    private static PskDtlsServer.Established accept(ModeTlsServer server, SessionCache cache,
                                                    DatagramTransport transport, DTLSRequest request)
            throws IOException {
        server.timeouts(DtlsServerEngine.HANDSHAKE_TIMEOUT_MILLIS, DtlsServerEngine.NO_RESEND_MILLIS).resuming(cache);
        return server.established(new DTLSServerProtocol().accept(server, transport, request), null);
    }
}
