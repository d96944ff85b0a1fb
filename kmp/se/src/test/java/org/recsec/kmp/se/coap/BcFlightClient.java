package org.recsec.kmp.se.coap;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.recsec.se.host.DtlsRecords;
import org.recsec.se.host.SocketAgent;

/**
 * A second, independent DTLS client for the tests (jcardsim simulates one card per JVM): Bouncy Castle's PSK client
 * whose datagrams go through any {@link SocketAgent} (here the CoAP one): what it sends before it waits is one
 * flight.
 */
public final class BcFlightClient {
    /** client_random and the key block, after {@link #handshake}. */
    public byte[] clientRandom;
    public byte[] keyBlock;
    /** Bouncy Castle's whole-handshake timeout (0: none). */
    public int handshakeTimeoutMillis;

    public void handshake(SocketAgent agent, byte[] identity, byte[] psk, int resendMillis) throws IOException {
        PSKTlsClient client = new PSKTlsClient(new BcTlsCrypto(new SecureRandom()),
                new BasicTlsPSKIdentity(identity, psk)) {
            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {CipherSuite.TLS_PSK_WITH_AES_128_CCM_8};
            }

            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            @Override
            public int getHandshakeTimeoutMillis() {
                return handshakeTimeoutMillis;
            }

            @Override
            public int getHandshakeResendTimeMillis() {
                return resendMillis;
            }

            @Override
            public void notifyHandshakeComplete() throws IOException {
                super.notifyHandshakeComplete();
                SecurityParameters sp = context.getSecurityParametersConnection();
                byte[] seed = new byte[64];
                System.arraycopy(sp.getServerRandom(), 0, seed, 0, 32);
                System.arraycopy(sp.getClientRandom(), 0, seed, 32, 32);
                keyBlock = sp.getMasterSecret().deriveUsingPRF(sp.getPRFAlgorithm(), "key expansion", seed, 40)
                        .extract();
                clientRandom = sp.getClientRandom().clone();
            }
        };
        new DTLSClientProtocol().connect(client, new Adapter(agent));
    }

    private static final class Adapter implements DatagramTransport {
        private final SocketAgent agent;
        private final List<byte[]> pending = new ArrayList<>();
        private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();

        Adapter(SocketAgent agent) {
            this.agent = agent;
        }

        @Override
        public int getReceiveLimit() {
            return 18_432;
        }

        @Override
        public int getSendLimit() {
            return 1472;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            if (!pending.isEmpty()) {
                List<byte[]> records = new ArrayList<>();
                for (byte[] d : pending) {
                    records.addAll(DtlsRecords.split(d));
                }
                pending.clear();
                agent.sendFlight(records);
            }
            if (inbound.isEmpty()) {
                Optional<List<byte[]>> r = agent.recvFlight(Math.max(1, waitMillis));
                if (r.isEmpty()) {
                    return -1;
                }
                inbound.addAll(r.get());
                if (inbound.isEmpty()) {
                    return -1;
                }
            }
            byte[] d = inbound.poll();
            System.arraycopy(d, 0, buf, off, Math.min(len, d.length));
            return Math.min(len, d.length);
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            pending.add(java.util.Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void close() {
        }
    }
}
