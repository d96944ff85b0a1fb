package org.recsec.kmp.se;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.TlsServerProtocol;
import org.recsec.se.host.KeyBlock;
import org.recsec.se.host.SeException;

/**
 * The server side of every mode the card speaks (applet/README.md), on Bouncy Castle's TLS stack: DTLS 1.2 over
 * UDP (behind {@link DTLSVerifier}'s cookie exchange, RFC 6347 §4.2.1) or TLS 1.2 over TCP, with
 * TLS_PSK_WITH_AES_128_CCM_8 (RFC 6655) or TLS_DHE_RSA_WITH_AES_128_CCM_8 (RFC 6655; ffdhe2048, RFC 7919) with a
 * CertificateRequest whose answer must be signed by the given client CA (RFC 5246 §7.4.4, §7.4.6). It gives session
 * IDs and resumes sessions from its cache (RFC 5246 §7.3 abbreviated handshake; legacy resumption allowed, as the
 * card does not do the extended master secret). It accepts {@code accepts} handshakes one after another.
 *
 * <p>Per handshake it reports an {@link Established}: the key block (RFC 5246 §6.3, {@code PRF(master_secret,
 * "key expansion", server_random ‖ client_random)}) from which {@link SeKmp#installServer} installs the server's
 * SA pair, both randoms, and whether the session was resumed. Then it echoes each application record as
 * {@code "reply:" + data} (the texts it received are in {@link #received()}) until the client's close_notify, the
 * connection's end, or {@value #IDLE_MILLIS} ms of silence.
 */
public final class SeModeServer implements AutoCloseable {
    /** How long the server waits for the client's next application record before it takes the next client. */
    public static final int IDLE_MILLIS = 3_000;

    /** A completed server handshake (the keys are not shown by {@code toString}). */
    public record Established(KeyBlock keys, byte[] clientRandom, byte[] serverRandom, boolean resumed,
                              String clientSubject) {
        /** The SPIs both ends derive from this handshake ({@link SeSpis}). */
        public SeSpis spis() {
            return SeSpis.derive(clientRandom, serverRandom);
        }

        @Override
        public String toString() {
            return "Established[" + (resumed ? "resumed" : "full") + ", client " + clientSubject + ", keys hidden]";
        }
    }

    /** The server's certificate-mode credentials: its key, its certificate, the CA that issues client certificates. */
    public record Credentials(PrivateKey serverKey, X509Certificate serverCertificate, PublicKey clientCa) {
        public Credentials {
            Objects.requireNonNull(serverKey);
            Objects.requireNonNull(serverCertificate);
            Objects.requireNonNull(clientCa);
        }

        @Override
        public String toString() {
            return "Credentials[" + serverCertificate.getSubjectX500Principal() + ", key hidden]";
        }
    }

    private final boolean tls;
    private final SeModeTlsServers servers;
    private final BlockingQueue<Object> handshakes = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Thread thread;
    private volatile boolean closing;

    private SeModeServer(boolean tls, byte[] identity, byte[] psk, Credentials credentials, SecureRandom random,
                         InetSocketAddress bind, int accepts) throws IOException {
        if (accepts < 1) {
            throw new IllegalArgumentException("accepts must be at least 1");
        }
        this.tls = tls;
        this.servers = new SeModeTlsServers(tls, identity, psk, credentials, random);
        if (tls) {
            tcp = new ServerSocket();
            tcp.bind(bind);
            udp = null;
        } else {
            udp = new DatagramSocket(bind);
            tcp = null;
        }
        thread = new Thread(() -> serve(accepts), tls ? "se-mode-tls-server" : "se-mode-dtls-server");
        thread.setDaemon(true);
    }

    /**
     * A PSK server (TLS_PSK_WITH_AES_128_CCM_8) on {@code bind} (port 0 picks one), started.
     *
     * @param tls true: TLS 1.2 over TCP; false: DTLS 1.2 over UDP
     */
    public static SeModeServer psk(boolean tls, InetSocketAddress bind, byte[] identity, byte[] psk,
                                   SecureRandom random, int accepts) throws IOException {
        SeModeServer s = new SeModeServer(tls, Objects.requireNonNull(identity), Objects.requireNonNull(psk), null,
                random, bind, accepts);
        s.thread.start();
        return s;
    }

    /** A certificate-mode server (TLS_DHE_RSA_WITH_AES_128_CCM_8, client certificate required), started. */
    public static SeModeServer cert(boolean tls, InetSocketAddress bind, Credentials credentials, SecureRandom random,
                                    int accepts) throws IOException {
        SeModeServer s = new SeModeServer(tls, null, null, Objects.requireNonNull(credentials), random, bind,
                accepts);
        s.thread.start();
        return s;
    }

    /** The bound address (UDP for DTLS, TCP for TLS). */
    public InetSocketAddress address() {
        return (InetSocketAddress) (tls ? tcp.getLocalSocketAddress() : udp.getLocalSocketAddress());
    }

    /**
     * The next handshake's result, in order.
     *
     * @throws SeException when that handshake failed or none finished within {@code timeoutMillis}
     */
    public Established next(long timeoutMillis) throws SeException {
        Object o;
        try {
            o = handshakes.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SeException("interrupted while waiting for the server");
        }
        if (o == null) {
            throw new SeException("no server handshake within " + timeoutMillis + " ms");
        }
        if (o instanceof Throwable t) {
            throw new SeException("server handshake failed: " + t, t);
        }
        return (Established) o;
    }

    /** The application texts the server received (UTF-8), in order. */
    public BlockingQueue<String> received() {
        return received;
    }

    private void serve(int accepts) {
        for (int i = 0; i < accepts && !closing; i++) {
            try {
                if (tls) {
                    serveTls();
                } else {
                    serveDtls();
                }
            } catch (Throwable e) {
                if (closing) {
                    return;
                }
                handshakes.add(e);
            }
        }
    }

    private void serveTls() throws IOException {
        try (Socket s = tcp.accept()) {
            s.setSoTimeout(SeModeTlsServers.HANDSHAKE_TIMEOUT_MILLIS);
            ModeTlsServer server = servers.server();
            TlsServerProtocol protocol = new TlsServerProtocol(s.getInputStream(), s.getOutputStream());
            protocol.accept(server);
            handshakes.add(SeModeTlsServers.established(server));
            s.setSoTimeout(IDLE_MILLIS);
            InputStream in = protocol.getInputStream();
            OutputStream out = protocol.getOutputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    echo(buf, n, out::write);
                    out.flush();
                }
            } catch (IOException end) {
                // close without close_notify, a reset or silence: this connection is over
            }
            try {
                protocol.close();
            } catch (IOException ignored) {
                // the client may be gone
            }
        }
    }

    private void serveDtls() throws IOException {
        DTLSVerifier verifier = new DTLSVerifier(servers.crypto());
        byte[] buf = new byte[2048];
        udp.setSoTimeout(0);
        DTLSRequest request = null;
        InetSocketAddress client = null;
        while (request == null) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            udp.receive(p);
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            byte[] id = (from.getAddress().getHostAddress() + "/" + from.getPort()).getBytes(StandardCharsets.US_ASCII);
            request = verifier.verifyRequest(id, buf, 0, p.getLength(), new DatagramSender() {
                @Override
                public int getSendLimit() {
                    return 1400;
                }

                @Override
                public void send(byte[] b, int off, int len) throws IOException {
                    udp.send(new DatagramPacket(b, off, len, from));
                }
            });
            client = from;
        }
        {
            ModeTlsServer server = servers.server();
            DTLSTransport t = new DTLSServerProtocol().accept(server, new SePeerTransport(udp, client), request);
            handshakes.add(SeModeTlsServers.established(server));
            byte[] in = new byte[4096];
            try {
                for (int n; (n = t.receive(in, 0, in.length, IDLE_MILLIS)) >= 0; ) {
                    echo(in, n, b -> t.send(b, 0, b.length));
                }
            } catch (IOException end) {
                // close_notify, an alert or a socket error: this association is over
            }
        }
    }

    private interface Sink {
        void write(byte[] b) throws IOException;
    }

    private void echo(byte[] buf, int n, Sink out) throws IOException {
        String text = new String(buf, 0, n, StandardCharsets.UTF_8);
        received.add(text);
        out.write(("reply:" + text).getBytes(StandardCharsets.UTF_8));
    }

    /** Stops serving and closes the socket. */
    @Override
    public void close() {
        closing = true;
        if (tcp != null) {
            try {
                tcp.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        } else {
            udp.close();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
