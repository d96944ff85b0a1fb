package org.recsec.kmp.iose;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.crypto.CryptoHashAlgorithm;
import org.bouncycastle.tls.crypto.TlsCryptoUtils;
import org.bouncycastle.tls.crypto.TlsHash;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A TLS 1.3 session with one IoSE secure element through its grid, on Bouncy Castle's TLS client: external PSK
 * with psk_dhe_ke (RFC 8446 §4.2.9) over ffdhe2048 (RFC 7919), TLS_AES_128_CCM_SHA256, the SEN in the SNI
 * (RFC 6066 §3) and the application in ALPN (RFC 7301) as draft-urien-coinrg-iose §4 says.
 *
 * <p>The handshake secret HS (RFC 8446 §7.1) that the attestation signs (draft §8.5) is read from Bouncy Castle's
 * own key schedule: {@code SecurityParameters.getHandshakeSecret()} of the connection, in
 * {@code notifyHandshakeComplete}, before BC discards its handshake state. The client keeps a copy until
 * {@link #close()}.
 */
public final class IoseClient implements AutoCloseable {

    /** The TLS session failed; {@link #alert()} is the alert received or sent, -1 if none. */
    public static final class IoseTlsException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int alert;

        IoseTlsException(String message, int alert, Throwable cause) {
            super(message, cause);
            this.alert = alert;
        }

        /** The TLS alert description, or -1. */
        public int alert() {
            return alert;
        }
    }

    private final Socket socket;
    private final TlsClientProtocol protocol;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] handshakeSecret;
    private final boolean alpnAgreed;
    private final Client client;

    private IoseClient(Socket socket, TlsClientProtocol protocol, byte[] hs, boolean alpnAgreed, Client client) {
        this.client = client;
        this.socket = socket;
        this.protocol = protocol;
        this.in = protocol.getInputStream();
        this.out = protocol.getOutputStream();
        this.handshakeSecret = hs;
        this.alpnAgreed = alpnAgreed;
    }

    /**
     * Opens the session.
     *
     * @param host grid host
     * @param port grid port
     * @param sen secure element name, sent as SNI
     * @param identity PSK identity
     * @param psk the PSK (SHA-256 as its hash, RFC 8446 §4.2.11)
     * @param application ALPN protocol to offer (e.g. "shell"), or null for none
     * @param random randomness of the client (key share, client random)
     * @param timeout connect and read timeout
     * @throws IoseTlsException when the handshake fails (alert() tells which alert, e.g. 112 for an unknown SEN)
     */
    public static IoseClient connect(String host, int port, String sen, byte[] identity, byte[] psk,
            String application, SecureRandom random, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            s.setTcpNoDelay(true);
            TlsClientProtocol p = new TlsClientProtocol(s.getInputStream(), s.getOutputStream());
            Client c = new Client(new BcTlsCrypto(random), sen, identity, psk, application);
            try {
                p.connect(c);
            } catch (TlsFatalAlertReceived e) {
                throw new IoseTlsException("secure element " + sen + " refused the session: "
                        + AlertDescription.getText(e.getAlertDescription()), e.getAlertDescription(), e);
            } catch (TlsFatalAlert e) {
                throw new IoseTlsException("TLS handshake with " + sen + " failed: "
                        + AlertDescription.getText(e.getAlertDescription()), e.getAlertDescription(), e);
            }
            if (c.hs == null) {
                throw new IoseTlsException("handshake secret not available", -1, null);
            }
            return new IoseClient(s, p, c.hs, c.alpnAgreed, c);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A copy of this session's handshake secret HS (32 bytes). */
    public byte[] handshakeSecret() {
        return handshakeSecret.clone();
    }

    /**
     * TLS-Exporter(label, context, length) of this session (RFC 8446 §7.5):
     * {@code HKDF-Expand-Label(Derive-Secret(exporter_master_secret, label, ""), "exporter", Hash(context), length)}
     * on Bouncy Castle's HKDF ({@code TlsCryptoUtils.hkdfExpandLabel}). BC's own
     * {@code TlsContext.exportKeyingMaterial} answers only inside {@code notifyHandshakeComplete} (BC 1.84 clears
     * the secret after it), so the client keeps a copy of BC's exporter_master_secret from there
     * ({@code TlsCrypto.adoptSecret}) until {@link #close}.
     *
     * @param label an ASCII label, "EXPORTER-..." for a private one (RFC 5705 §4)
     * @param context the context value (never absent in TLS 1.3: null is the empty context)
     * @param length bytes wanted
     */
    public byte[] exportKeyingMaterial(String label, byte[] context, int length) throws IOException {
        return client.exporter(label, context == null ? new byte[0] : context, length);
    }

    /** The negotiated TLS 1.3 cipher suite (RFC 8446 §B.4), e.g. 0x1304 TLS_AES_128_CCM_SHA256. */
    public int cipherSuite() {
        return client.suite;
    }

    /** Whether the SE selected the offered ALPN protocol. */
    public boolean alpnAgreed() {
        return alpnAgreed;
    }

    /**
     * Sends one shell line (CRLF is added) and returns the answer line without its CRLF.
     *
     * @throws IOException when the session ends before a whole answer line
     */
    public String call(String line) throws IOException {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("one line, without CR or LF");
        }
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readLine();
    }

    /** Sends raw bytes (one or more lines). */
    public void send(byte[] lines) throws IOException {
        out.write(lines);
        out.flush();
    }

    /** Reads one answer line (at most 4096 bytes) without its CRLF. */
    public String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("session ended before the answer line");
            }
            if (c == '\n') {
                break;
            }
            if (b.size() >= 4096) {
                throw new IOException("answer line over 4096 bytes");
            }
            b.write(c);
        }
        byte[] l = b.toByteArray();
        int n = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
        return new String(l, 0, n, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        Arrays.fill(handshakeSecret, (byte) 0);
        client.destroy();
        try {
            protocol.close();
        } finally {
            socket.close();
        }
    }

    private static final class Client extends AbstractTlsClient {
        private final String sen;
        private final byte[] identity;
        private final byte[] psk;
        private final String application;
        byte[] hs;
        boolean alpnAgreed;
        int suite;
        private TlsSecret exporterMaster;

        Client(BcTlsCrypto crypto, String sen, byte[] identity, byte[] psk, String application) {
            super(crypto);
            this.sen = sen;
            this.identity = identity.clone();
            this.psk = psk.clone();
            this.application = application;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv13.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {CipherSuite.TLS_AES_128_CCM_SHA256};
        }

        @Override
        protected Vector<Integer> getSupportedGroups(@SuppressWarnings("rawtypes") Vector namedGroupRoles) {
            Vector<Integer> v = new Vector<>();
            v.add(NamedGroup.ffdhe2048);
            return v;
        }

        @Override
        public Vector<Integer> getEarlyKeyShareGroups() {
            Vector<Integer> v = new Vector<>();
            v.add(NamedGroup.ffdhe2048);
            return v;
        }

        @Override
        public Vector<BasicTlsPSKExternal> getExternalPSKs() {
            TlsSecret key = getCrypto().createSecret(psk);
            Vector<BasicTlsPSKExternal> v = new Vector<>();
            v.add(new BasicTlsPSKExternal(identity, key, PRFAlgorithm.tls13_hkdf_sha256));
            return v;
        }

        @Override
        protected Vector<ServerName> getSNIServerNames() {
            Vector<ServerName> v = new Vector<>();
            v.add(new ServerName(NameType.host_name, sen.getBytes(StandardCharsets.US_ASCII)));
            return v;
        }

        @Override
        protected Vector<ProtocolName> getProtocolNames() {
            if (application == null) {
                return null;
            }
            Vector<ProtocolName> v = new Vector<>();
            v.add(ProtocolName.asUtf8Encoding(application));
            return v;
        }

        @Override
        public TlsAuthentication getAuthentication() throws IOException {
            // PSK-only: the SE sends no certificate; a server asking for one is refused
            throw new TlsFatalAlert(AlertDescription.handshake_failure);
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            TlsSecret s = context.getSecurityParametersConnection().getHandshakeSecret();
            if (s != null && s.isAlive()) {
                hs = s.extract();
            }
            alpnAgreed = context.getSecurityParametersConnection().getApplicationProtocol() != null;
            suite = context.getSecurityParametersConnection().getCipherSuite();
            TlsSecret e = context.getSecurityParametersConnection().getExporterMasterSecret();
            if (e != null && e.isAlive()) {
                exporterMaster = getCrypto().adoptSecret(e);
            }
        }

        synchronized byte[] exporter(String label, byte[] ctx, int length) throws IOException {
            if (exporterMaster == null || !exporterMaster.isAlive()) {
                throw new IOException("the session's exporter_master_secret is not available");
            }
            int sha256 = CryptoHashAlgorithm.sha256;
            TlsSecret s = TlsCryptoUtils.hkdfExpandLabel(exporterMaster, sha256, label,
                    getCrypto().createHash(sha256).calculateHash(), 32);
            TlsHash h = getCrypto().createHash(sha256);
            h.update(ctx, 0, ctx.length);
            return TlsCryptoUtils.hkdfExpandLabel(s, sha256, "exporter", h.calculateHash(), length).extract();
        }

        synchronized void destroy() {
            if (exporterMaster != null && exporterMaster.isAlive()) {
                exporterMaster.destroy();
            }
        }
    }
}
