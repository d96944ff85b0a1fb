package org.recsec.kmp.se;

import org.recsec.se.host.SeHandshake;

import org.recsec.se.host.SeSession;

import org.recsec.se.host.DtlsIso7816Agent;
import org.recsec.se.host.DtlsRecords;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.SeException;

import org.recsec.se.host.Retransmission;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.UdpSocketAgent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bridge's duties (applet/README.md) through a hostile UDP relay between the card's socket agent and Bouncy
 * Castle's DTLS server: lost flights are resent on the RFC 6347 timer, fragmented, reordered and duplicated server
 * handshake messages are reassembled and deduplicated before the card sees them (the card refuses any fragment),
 * and a silent peer ends the handshake after the bounded number of sends.
 */
@Timeout(60)
class BridgeDutiesTest {

    @Test
    void lostClientFlightsAreResentOnTheDoublingTimer() throws Exception {
        AtomicInteger fromClient = new AtomicInteger();
        try (SeFixture f0 = new SeFixture(SeCard.POLICY_EXPORT);
             UdpRelay relay = new UdpRelay(f0.server.address(),
                     d -> fromClient.incrementAndGet() <= 2 ? List.of() : List.of(d), List::of);
             UdpSocketAgent socket = UdpSocketAgent.open(relay.address())) {
            long t0 = System.nanoTime();
            SeSession s = SeHandshake.run(f0.agent, socket, new Retransmission(200, 5));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // The first ClientHello and its first resend were dropped: the third send (after 200 + 400 ms) got through.
            assertTrue(ms >= 600, "waited " + ms + " ms");
            assertTrue(socket.datagramsSent() >= 5, "ClientHello x3, ClientHello with cookie, flight 5");
            assertEquals(SeCard.STATE_ESTABLISHED, f0.agent.state());
            assertArrayEquals(f0.serverSide().clientRandom(), s.clientRandom());
        }
    }

    @Test
    void fragmentedReorderedDuplicatedServerMessagesReachTheCardWhole() throws Exception {
        AtomicInteger pieces = new AtomicInteger();
        try (SeFixture f0 = new SeFixture(SeCard.POLICY_EXPORT);
             UdpRelay relay = new UdpRelay(f0.server.address(), List::of, d -> {
                 List<byte[]> out = fragmentHandshake(d, 17);
                 pieces.addAndGet(out.size());
                 return out;
             });
             UdpSocketAgent socket = UdpSocketAgent.open(relay.address())) {
            SeSession s = SeHandshake.run(f0.agent, socket, new Retransmission(1000, 4));
            assertEquals(SeCard.STATE_ESTABLISHED, f0.agent.state());
            assertTrue(pieces.get() > 10, "the relay fragmented the server's messages: " + pieces.get());
            // Same card cost as an unfragmented handshake: SELECT, RESET, Start, HelloVerifyRequest, server flight,
            // CCS + Finished.
            assertEquals(6, s.handshakeCost().apdus());
            PskDtlsServer.Established est = f0.serverSide();
            assertArrayEquals(est.serverRandom(), s.serverRandom());
            byte[] pt = "after a fragmented handshake".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            s.sendApplicationData(pt);
            byte[] buf = new byte[256];
            int n = est.transport().receive(buf, 0, buf.length, 5000);
            assertArrayEquals(pt, java.util.Arrays.copyOf(buf, n));
        }
    }

    @Test
    void aSilentPeerEndsTheHandshakeAfterBoundedSends() throws Exception {
        try (SeFixture f0 = new SeFixture(SeCard.POLICY_EXPORT);
             UdpRelay relay = new UdpRelay(f0.server.address(), d -> List.of(), List::of);
             UdpSocketAgent socket = UdpSocketAgent.open(relay.address())) {
            long t0 = System.nanoTime();
            SeException e = assertThrows(SeException.class,
                    () -> SeHandshake.run(f0.agent, socket, new Retransmission(100, 3)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e.getMessage().contains("3 times"), e.getMessage());
            assertTrue(ms >= 650, "at least 100 + 200 + 400 ms, took " + ms);
            assertEquals(3, socket.datagramsSent());
        }
    }

    @Test
    void aWrongPskFailsWithinTheBoundAndTheServerNeverCompletes() throws Exception {
        try (SeFixture f0 = new SeFixture(SeCard.POLICY_EXPORT)) {
            SeCard other = JCardSimLink.personalisedCard(0, SeFixture.IDENTITY, new byte[16], SeFixture.SEN);
            DtlsIso7816Agent agent = new DtlsIso7816Agent(other);
            SeException e = assertThrows(SeException.class,
                    () -> SeHandshake.run(agent, f0.socket, new Retransmission(300, 3)));
            // Bouncy Castle silently discards the Finished it cannot decrypt (RFC 6347 §4.1.2.7): no alert comes.
            assertTrue(e.getMessage().contains("no answer"), e.getMessage());
            assertThrows(SeException.class, () -> f0.server.awaitHandshake(java.time.Duration.ofMillis(200)));
        }
    }

    /**
     * Splits every epoch-0 handshake record of a datagram into fragments of at most {@code max} body bytes, one
     * datagram each, in reverse order, with the first fragment sent twice; other records pass unchanged.
     */
    static List<byte[]> fragmentHandshake(byte[] datagram, int max) {
        List<byte[]> out = new ArrayList<>();
        List<byte[]> whole = new ArrayList<>();
        for (byte[] r : DtlsRecords.split(datagram)) {
            if (DtlsRecords.type(r) != DtlsRecords.HANDSHAKE || DtlsRecords.epoch(r) != 0) {
                whole.add(r);
                continue;
            }
            int len = DtlsRecords.uint24(r, 14);
            List<byte[]> frags = new ArrayList<>();
            for (int off = 0; off < len || off == 0; off += max) {
                int n = Math.min(max, len - off);
                byte[] f = new byte[25 + n];
                System.arraycopy(r, 0, f, 0, 25);
                f[11] = (byte) ((12 + n) >> 8);
                f[12] = (byte) (12 + n);
                f[19] = (byte) (off >> 16);
                f[20] = (byte) (off >> 8);
                f[21] = (byte) off;
                f[22] = (byte) (n >> 16);
                f[23] = (byte) (n >> 8);
                f[24] = (byte) n;
                System.arraycopy(r, 25 + off, f, 25, n);
                frags.add(f);
                if (len == 0) {
                    break;
                }
            }
            byte[] first = frags.get(0);
            Collections.reverse(frags);
            frags.add(first);
            out.addAll(frags);
        }
        if (!whole.isEmpty()) {
            out.add(DtlsRecords.concat(whole));
        }
        return out;
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
}
