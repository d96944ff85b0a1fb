package org.recsec.kmp.se;

import org.recsec.se.host.SeHandshake;

import org.recsec.se.host.SeSession;

import org.recsec.se.host.DtlsIso7816Agent;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.Retransmission;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.UdpSocketAgent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.recsec.km.sad.SecurityAssociationDatabase;

/** The card (jcardsim) against Bouncy Castle's DTLS server over real UDP loopback, for the tests. */
public final class SeFixture implements AutoCloseable {
    public static final byte[] IDENTITY = "client-7".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] PSK = org.recsec.record.internal.wire.Bytes.fromHex("00112233445566778899aabbccddeeff");
    public static final byte[] SEN = "se.example".getBytes(StandardCharsets.US_ASCII);
    public static final String C = "coap://127.0.0.1:40001";
    public static final String S = "coap://127.0.0.1:40002";

    public final PskDtlsServer server;
    public final SeCard card;
    public final DtlsIso7816Agent agent;
    public final UdpSocketAgent socket;

    public SeFixture(int policy, InetSocketAddress peerOverride) throws Exception {
        card = JCardSimLink.personalisedCard(policy, IDENTITY, PSK, SEN);
        agent = new DtlsIso7816Agent(card);
        server = PskDtlsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), IDENTITY, PSK,
                new SecureRandom());
        socket = UdpSocketAgent.open(peerOverride != null ? peerOverride : server.address());
    }

    public SeFixture(int policy) throws Exception {
        this(policy, null);
    }

    public SeSession handshake() throws Exception {
        return SeHandshake.run(agent, socket, new Retransmission(1000, 4));
    }

    public PskDtlsServer.Established serverSide() throws Exception {
        return server.awaitHandshake(Duration.ofSeconds(10));
    }

    public static SecurityAssociationDatabase sad(String local, SeCipherRegistry se) throws Exception {
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
