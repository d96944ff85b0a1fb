package org.recsec.kmp.eap.aa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapPacket;
import org.recsec.kmp.eap.as.AuthenticationServer;
import org.recsec.kmp.eap.as.SessionStore;
import org.recsec.kmp.eap.demo.DemoPki;
import org.recsec.kmp.eap.radius.RadiusClient;
import org.recsec.kmp.eap.tls.EapTlsPeer;

/**
 * RFC 5080 §2.2 over a lossy path: a relay between our RADIUS client and our AS drops the first answer to every
 * request. The client retransmits the identical request, the AS answers it from its duplicate cache without
 * processing it again, and the authentication completes with one Access-Accept.
 */
class RetransmissionTest {
    private static final byte[] SECRET = "lossy-secret".getBytes(StandardCharsets.US_ASCII);

    /** Relays client <-> server; drops the first reply to each distinct request (by its 16-byte authenticator). */
    static final class DroppingRelay implements AutoCloseable {
        final DatagramSocket socket;
        final Thread thread;
        final InetSocketAddress server;
        volatile SocketAddress client;
        int dropped;

        DroppingRelay(InetSocketAddress server) throws IOException {
            this.server = server;
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            thread = new Thread(this::run, "dropping-relay");
            thread.start();
        }

        private void run() {
            byte[] buf = new byte[4096];
            Set<String> answered = new HashSet<>();
            String lastRequest = null;
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    if (p.getSocketAddress().equals(server)) {
                        if (client != null && answered.add(lastRequest)) {
                            dropped++;
                            continue;
                        }
                        socket.send(new DatagramPacket(buf, p.getLength(), client));
                    } else {
                        client = p.getSocketAddress();
                        lastRequest = org.recsec.kmp.eap.Hex.encode(java.util.Arrays.copyOfRange(buf, 4, 20));
                        socket.send(new DatagramPacket(buf, p.getLength(), server));
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join();
        }
    }

    @Test
    void lostAnswersAreRecoveredByRetransmissionAndAnsweredFromTheCache() throws Exception {
        SecureRandom random = new SecureRandom();
        DemoPki pki = new DemoPki(random, "ue1");
        try (AuthenticationServer as = new AuthenticationServer(pki.serverCredentials(), SECRET, random,
                Clock.systemUTC(), 600, 1000, new SessionStore(Clock.systemUTC(), 4))) {
            as.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int drops;
            try (DroppingRelay relay = new DroppingRelay(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    as.port()))) {
                RadiusClient client = new RadiusClient(new DatagramSocket(new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), 0)), new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        relay.port()), SECRET, random, 300, 5);
                RadiusPassThrough aa = new RadiusPassThrough(client, "aa");
                EapTlsPeer ue = new EapTlsPeer("ue1", pki.clientCredentials(), random, 1000);
                EapPacket last = FreeRadiusInteropTest.authenticate(ue, aa);
                assertEquals(EapPacket.CODE_SUCCESS, last.code());
                assertTrue(aa.msk().equalsSecret(ue.keys().msk()));
                client.close();
                drops = relay.dropped;
            }
            assertEquals(1, as.accepted());
            assertTrue(drops >= 4, "drops " + drops);
            // every dropped answer cost one retransmission; a slow first answer can cost more, all from the cache
            assertTrue(as.retransmissionsAnswered() >= drops, as.retransmissionsAnswered() + " < " + drops);
        }
    }

    @Test
    void noAnswerAtAllIsATimeoutAfterTheRetries() throws Exception {
        SecureRandom random = new SecureRandom();
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            RadiusClient client = new RadiusClient(new DatagramSocket(new InetSocketAddress(
                    InetAddress.getLoopbackAddress(), 0)), (InetSocketAddress) silent.getLocalSocketAddress(), SECRET,
                    random, 100, 3);
            RadiusPassThrough aa = new RadiusPassThrough(client, "aa");
            EapException e = org.junit.jupiter.api.Assertions.assertThrows(EapException.class, () -> aa.forward(
                    EapPacket.of(EapPacket.CODE_RESPONSE, 1, EapPacket.TYPE_IDENTITY, "ue1".getBytes())));
            assertEquals(EapException.Reason.TIMEOUT, e.reason());
            // the three sends are all there, byte for byte the same request
            byte[] buf = new byte[4096];
            byte[] first = null;
            for (int i = 0; i < 3; i++) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                silent.receive(p);
                byte[] got = java.util.Arrays.copyOf(buf, p.getLength());
                if (first == null) {
                    first = got;
                } else {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(first, got);
                }
            }
            client.close();
        }
    }
}
