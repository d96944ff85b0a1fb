package org.recsec.kmp.se;

import org.recsec.se.host.KeyBlock;

import org.recsec.se.host.SeException;
import org.recsec.se.host.UdpSocketAgent;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.UDPTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The server side of the SE handshake: a real DTLS 1.2 stack (Bouncy Castle's {@link DTLSServerProtocol} with a
 * {@link ModeTlsServer} in PSK mode, offering only TLS_PSK_WITH_AES_128_CCM_8, RFC 6655) behind the stateless cookie exchange
 * of {@link DTLSVerifier} (RFC 6347 §4.2.1), on a UDP socket. It accepts one client.
 *
 * <p>When the handshake completes, the key block is derived from the session's master secret as RFC 5246 §6.3
 * says: {@code PRF(master_secret, "key expansion", server_random ‖ client_random)}, of which the first 40 bytes
 * are client_write_key, server_write_key, client_write_IV, server_write_IV; {@link SeKmp#installServer} installs
 * the SA pair from it.
 */
public final class PskDtlsServer implements AutoCloseable {
    /** Bounds Bouncy Castle's handshake (its default waits forever). */
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 30_000;

    /** A completed server handshake. */
    public record Established(DTLSTransport transport, KeyBlock keys, byte[] clientRandom, byte[] serverRandom,
                              InetSocketAddress client) {
        /** The SPIs both ends derive from this handshake. */
        public SeSpis spis() {
            return SeSpis.derive(clientRandom, serverRandom);
        }

        @Override
        public String toString() {
            return "Established[" + client + ", keys hidden]";
        }
    }

    private final DatagramSocket socket;
    private final CompletableFuture<Established> established = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean closing;

    private PskDtlsServer(DatagramSocket socket, byte[] identity, byte[] psk, SecureRandom random) {
        this.socket = socket;
        BcTlsCrypto crypto = new BcTlsCrypto(random);
        ModeTlsServer server = ModeTlsServer.psk(crypto, identity, psk).timeouts(HANDSHAKE_TIMEOUT_MILLIS, 0);
        thread = new Thread(() -> serve(crypto, server), "se-psk-dtls-server");
        thread.setDaemon(true);
    }

    /**
     * Runs this class's server handshake on any datagram transport, from a ClientHello that {@link DTLSVerifier}
     * already verified (RFC 6347 §4.2.1), blocking until it completes: the CoAP flight transport
     * ({@code org.recsec.kmp.se.coap}) feeds the same Bouncy Castle server from CoAP exchanges this way.
     *
     * @param client       who the handshake is with, for {@link Established#client()} (may be null)
     * @param resendMillis     the server's initial flight timer; 0 for Bouncy Castle's default
     * @param handshakeTimeout how long the handshake may take in all, in milliseconds (at least 1)
     * @throws IOException the handshake failed (an alert was sent or received) or timed out
     */
    public static Established accept(DatagramTransport transport, DTLSRequest request, InetSocketAddress client,
                                     byte[] identity, byte[] psk, SecureRandom random, int resendMillis,
                                     int handshakeTimeout) throws IOException {
        if (handshakeTimeout < 1) {
            throw new IllegalArgumentException("handshake timeout must be positive");
        }
        ModeTlsServer server = ModeTlsServer.psk(new BcTlsCrypto(Objects.requireNonNull(random)), identity, psk)
                .timeouts(handshakeTimeout, resendMillis);
        return server.established(new DTLSServerProtocol().accept(server, transport, request), client);
    }

    /**
     * Binds {@code bind} (port 0 picks one) and starts accepting one client in a background thread.
     *
     * @throws IOException when the socket cannot be bound
     */
    public static PskDtlsServer start(InetSocketAddress bind, byte[] identity, byte[] psk, SecureRandom random)
            throws IOException {
        Objects.requireNonNull(random);
        PskDtlsServer s = new PskDtlsServer(new DatagramSocket(bind), identity, psk, random);
        s.thread.start();
        return s;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /**
     * Waits for the handshake.
     *
     * @throws SeException when it failed or did not finish within {@code timeout}
     */
    public Established awaitHandshake(Duration timeout) throws SeException {
        try {
            return established.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new SeException("DTLS server handshake failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new SeException("DTLS server handshake did not finish within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SeException("interrupted while waiting for the DTLS server");
        }
    }

    private void serve(BcTlsCrypto crypto, ModeTlsServer server) {
        try {
            DTLSVerifier verifier = new DTLSVerifier(crypto);
            byte[] buf = new byte[UdpSocketAgent.MAX_DATAGRAM + 28];
            socket.setSoTimeout(100);
            DTLSRequest request = null;
            InetSocketAddress client = null;
            long deadline = System.nanoTime() + HANDSHAKE_TIMEOUT_MILLIS * 1_000_000L;
            while (request == null) {
                if (closing || System.nanoTime() > deadline) {
                    throw new IOException("no verified ClientHello");
                }
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                byte[] clientId = (from.getAddress().getHostAddress() + "/" + from.getPort())
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                request = verifier.verifyRequest(clientId, buf, 0, p.getLength(), new DatagramSender() {
                    @Override
                    public int getSendLimit() {
                        return UdpSocketAgent.MAX_DATAGRAM;
                    }

                    @Override
                    public void send(byte[] b, int off, int len) throws IOException {
                        socket.send(new DatagramPacket(b, off, len, from));
                    }
                });
                client = from;
            }
            socket.connect(client);
            DTLSTransport t = new DTLSServerProtocol().accept(server, new UDPTransport(socket, 1500), request);
            established.complete(server.established(t, client));
        } catch (Throwable e) {
            established.completeExceptionally(e);
        }
    }

    /** Stops waiting for a client and closes the socket (the DTLS transport with it). */
    @Override
    public void close() {
        closing = true;
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
