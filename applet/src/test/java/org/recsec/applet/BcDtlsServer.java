package org.recsec.applet;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A real DTLS 1.2 server (Bouncy Castle bctls) offering only TLS_PSK_WITH_AES_128_CCM_8, with the stateless
 * HelloVerifyRequest cookie exchange of {@link DTLSVerifier} in front of {@link DTLSServerProtocol}. It runs in its
 * own thread on one end of an in-memory datagram link; the test's bridge holds the other end.
 */
final class BcDtlsServer implements AutoCloseable {

    private static final byte[] CLIENT_ID = {10, 0, 0, 7, 0x16, 0x34};

    final MemoryDatagramTransport serverEnd;
    final MemoryDatagramTransport clientEnd;
    final CompletableFuture<DTLSTransport> established = new CompletableFuture<>();
    volatile byte[] clientRandom;
    volatile byte[] serverRandom;
    volatile Short alertRaised;
    private final Thread thread;
    private volatile boolean closing;

    BcDtlsServer(byte[] identity, byte[] psk, byte[] hint, boolean cookie) {
        MemoryDatagramTransport[] p = MemoryDatagramTransport.pair();
        serverEnd = p[0];
        clientEnd = p[1];
        BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        PSKTlsServer server = new PSKTlsServer(crypto, BcTlsServer.identities(hint, identity, psk)) {
            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {CipherSuite.TLS_PSK_WITH_AES_128_CCM_8};
            }

            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            @Override
            public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
                alertRaised = description;
            }

            @Override
            public void notifyHandshakeComplete() throws IOException {
                super.notifyHandshakeComplete();
                SecurityParameters sp = context.getSecurityParametersConnection();
                clientRandom = sp.getClientRandom().clone();
                serverRandom = sp.getServerRandom().clone();
            }
        };
        thread = new Thread(() -> {
            try {
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                DTLSTransport t;
                if (cookie) {
                    DTLSVerifier verifier = new DTLSVerifier(crypto);
                    DTLSRequest request = null;
                    byte[] buf = new byte[MemoryDatagramTransport.MTU];
                    while (request == null && !closing) {
                        int n = serverEnd.receive(buf, 0, buf.length, 100);
                        if (n >= 0) {
                            request = verifier.verifyRequest(CLIENT_ID, buf, 0, n, serverEnd);
                        }
                    }
                    if (request == null) {
                        return;
                    }
                    t = protocol.accept(server, serverEnd, request);
                } else {
                    protocol.setVerifyRequests(false);
                    t = protocol.accept(server, serverEnd);
                }
                established.complete(t);
            } catch (Throwable e) {
                established.completeExceptionally(e);
            }
        }, "bc-dtls-server");
        thread.setDaemon(true);
        thread.start();
    }

    DTLSTransport transport() throws Exception {
        return established.get(20, TimeUnit.SECONDS);
    }

    /** Human-readable alert the server raised, for failure messages. */
    String alert() {
        Short a = alertRaised;
        return a == null ? "none" : AlertDescription.getText(a);
    }

    @Override
    public void close() throws Exception {
        closing = true;
        thread.join(5000);
        serverEnd.close();
        clientEnd.close();
    }
}
