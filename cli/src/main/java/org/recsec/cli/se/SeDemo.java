package org.recsec.cli.se;

import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeCipherRegistry;
import org.recsec.se.host.SeHandshake;
import org.recsec.kmp.se.SeKmp;
import org.recsec.se.host.SeSession;
import org.recsec.kmp.se.SeSpis;
import org.recsec.se.host.ApduCounter;
import org.recsec.se.host.DtlsIso7816Agent;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.Retransmission;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeException;
import org.recsec.se.host.UdpSocketAgent;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;

/**
 * The demo's {@code --kmp se} in one call: a freshly personalised simulated card (client side) runs the DTLS 1.2
 * PSK handshake over real UDP loopback against an in-process Bouncy Castle DTLS server ({@link PskDtlsServer}),
 * then both SA pairs are installed through PF_KEY ADD — the client's exported from the card or SE-resident, the
 * server's derived from its session's key block. The DTLS sockets are closed afterwards: the SAs carry on.
 */
public final class SeDemo {
    private static final Duration SERVER_WAIT = Duration.ofSeconds(15);

    private SeDemo() {
    }

    /**
     * What {@link #establish} did. Close it when done: for an SE-resident pair that ends the card session (RESET)
     * and unregisters its cipher, after which the client's SAs refuse.
     */
    public static final class Result implements AutoCloseable {
        private final SeSpis spis;
        private final ApduCounter.Snapshot handshakeCost;
        private final String seHandle;
        private final SeSession session;
        private final SeCipherRegistry registry;

        Result(SeSpis spis, ApduCounter.Snapshot handshakeCost, String seHandle, SeSession session,
               SeCipherRegistry registry) {
            this.spis = spis;
            this.handshakeCost = handshakeCost;
            this.seHandle = seHandle;
            this.session = session;
            this.registry = registry;
        }

        public SeSpis spis() {
            return spis;
        }

        public ApduCounter.Snapshot handshakeCost() {
            return handshakeCost;
        }

        /** The SE handle of an SE-resident pair, or null when exported. */
        public String seHandle() {
            return seHandle;
        }

        /** The card link's running count (SE-resident: grows with every record). */
        public ApduCounter counter() {
            return session.agent().card().link().counter();
        }

        @Override
        public void close() {
            if (registry != null) {
                registry.unregister(seHandle);
            }
            session.close();
        }
    }

    /**
     * Runs the handshake and installs both pairs.
     *
     * @param clientSad  the client's SAD; for {@code seResident} it must have been built with
     *                   {@code seCipherProvider(registry)}
     * @param seResident true: the keys stay on the card (its policy forbids export) and the client's SAs carry an
     *                   SE handle; false: EXPORT-SA and the keys go into the client's SAD
     * @param registry   the client SAD's SE cipher provider (required when {@code seResident}, else ignored)
     * @param random     the PSK, identity and the server's DTLS randomness
     * @param trace      progress lines (no keys), or null
     * @throws SeException    the handshake failed or a card command was refused
     * @throws PfKeyException a SAD refused an ADD
     * @throws IOException    a socket failed
     */
    public static Result establish(SecurityAssociationDatabase clientSad, String clientId,
                                   SecurityAssociationDatabase serverSad, String serverId, boolean seResident,
                                   SeCipherRegistry registry, SecureRandom random, PrintStream trace)
            throws SeException, PfKeyException, IOException {
        Objects.requireNonNull(clientSad);
        Objects.requireNonNull(serverSad);
        if (seResident) {
            Objects.requireNonNull(registry, "an SE-resident pair needs the client SAD's SeCipherRegistry");
        }
        byte[] psk = new byte[16];
        random.nextBytes(psk);
        byte[] identity = ("recsec-se-" + Integer.toHexString(random.nextInt())).getBytes(
                java.nio.charset.StandardCharsets.US_ASCII);
        SeCard card;
        try {
            card = JCardSimLink.personalisedCard(seResident ? 0 : SeCard.POLICY_EXPORT, identity, psk,
                    "recsec-demo-se".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (javax.smartcardio.CardException e) {
            throw new SeException("simulated card: " + e.getMessage(), e);
        }
        try (PskDtlsServer server = PskDtlsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                identity, psk, random)) {
            java.util.Arrays.fill(psk, (byte) 0);
            UdpSocketAgent socket = UdpSocketAgent.open(server.address());
            SeSession session;
            try {
                session = SeHandshake.run(new DtlsIso7816Agent(card), socket, Retransmission.RFC6347);
            } catch (SeException | IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
            try {
                PskDtlsServer.Established est = server.awaitHandshake(SERVER_WAIT);
                line(trace, "  SE handshake (DTLS 1.2 PSK, AES_128_CCM_8) with " + server.address() + ": "
                        + session.handshakeCost());
                String handle = null;
                try (SadSession c = clientSad.openSession(b -> { }); SadSession s = serverSad.openSession(b -> { })) {
                    if (seResident) {
                        handle = SeKmp.installResident(session, c, clientId, serverId, registry);
                    } else {
                        SeKmp.installExported(session, c, clientId, serverId);
                    }
                    SeKmp.installServer(est.keys(), est.spis(), s, serverId, clientId, 1);
                }
                line(trace, String.format("  PF_KEY ADD x2 on each host: SPI 0x%x (client->server), 0x%x "
                        + "(server->client), %s", est.spis().clientToServer(), est.spis().serverToClient(),
                        seResident ? "client keys on the card (" + handle + ")" : "client keys exported"));
                return new Result(est.spis(), session.handshakeCost(), handle, session, seResident ? registry
                        : null);
            } catch (SeException | PfKeyException | RuntimeException e) {
                session.close();
                throw e;
            } finally {
                // The records now travel in CoAP messages; the DTLS socket is no longer needed.
                socket.close();
            }
        }
    }

    private static void line(PrintStream trace, String s) {
        if (trace != null) {
            trace.println(s);
        }
    }
}
