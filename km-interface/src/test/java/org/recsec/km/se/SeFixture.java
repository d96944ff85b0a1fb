package org.recsec.km.se;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.recsec.km.sad.SecurityAssociationDatabase;

/** The card (jcardsim) against Bouncy Castle's DTLS server over real UDP loopback, for the tests. */
final class SeFixture implements AutoCloseable {
    static final byte[] IDENTITY = "client-7".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PSK = org.recsec.record.Bytes.fromHex("00112233445566778899aabbccddeeff");
    static final byte[] SEN = "se.example".getBytes(StandardCharsets.US_ASCII);
    static final String C = "coap://127.0.0.1:40001";
    static final String S = "coap://127.0.0.1:40002";

    final PskDtlsServer server;
    final SeCard card;
    final DtlsIso7816Agent agent;
    final UdpSocketAgent socket;

    SeFixture(int policy, InetSocketAddress peerOverride) throws Exception {
        card = JCardSimLink.personalisedCard(policy, IDENTITY, PSK, SEN);
        agent = new DtlsIso7816Agent(card);
        server = PskDtlsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), IDENTITY, PSK,
                new SecureRandom());
        socket = UdpSocketAgent.open(peerOverride != null ? peerOverride : server.address());
    }

    SeFixture(int policy) throws Exception {
        this(policy, null);
    }

    SeSession handshake() throws Exception {
        return SeHandshake.run(agent, socket, new Retransmission(1000, 4));
    }

    PskDtlsServer.Established serverSide() throws Exception {
        return server.awaitHandshake(Duration.ofSeconds(10));
    }

    static SecurityAssociationDatabase sad(String local, SeCipherRegistry se) throws Exception {
        SecurityAssociationDatabase.Builder b = SecurityAssociationDatabase.builder(Clock.systemUTC(),
                new SecureRandom()).localIdentities(Set.of(local));
        if (se != null) {
            b.seCipherProvider(se);
        }
        return b.build();
    }

    @Override
    public void close() {
        socket.close();
        server.close();
    }
}
