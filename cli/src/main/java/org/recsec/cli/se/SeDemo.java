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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapServer;
import org.recsec.kmp.se.coap.CoapFlightServer;
import org.recsec.kmp.se.coap.CoapSocketAgent;
import org.recsec.kmp.se.coap.CoapTransmission;
import org.recsec.kmp.se.coap.DtlsServerEngine;
import org.recsec.kmp.se.coap.FlightCoap;
import org.recsec.kmp.se.coap.FlightResource;
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

    /** The simulated card of one demo handshake, personalised with a fresh random PSK and identity. */
    private record DemoCard(SeCard card, byte[] identity, byte[] psk) {
        static DemoCard personalise(SecurityAssociationDatabase clientSad, SecurityAssociationDatabase serverSad,
                                    boolean seResident, SeCipherRegistry registry, SecureRandom random)
                throws SeException {
            Objects.requireNonNull(clientSad);
            Objects.requireNonNull(serverSad);
            if (seResident) {
                Objects.requireNonNull(registry, "an SE-resident pair needs the client SAD's SeCipherRegistry");
            }
            byte[] psk = new byte[16];
            random.nextBytes(psk);
            byte[] identity = ("recsec-se-" + Integer.toHexString(random.nextInt())).getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII);
            try {
                return new DemoCard(JCardSimLink.personalisedCard(seResident ? 0 : SeCard.POLICY_EXPORT, identity,
                        psk, "recsec-demo-se".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), identity, psk);
            } catch (javax.smartcardio.CardException e) {
                throw new SeException("simulated card: " + e.getMessage(), e);
            }
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
        DemoCard demo = DemoCard.personalise(clientSad, serverSad, seResident, registry, random);
        SeCard card = demo.card();
        byte[] identity = demo.identity();
        byte[] psk = demo.psk();
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
                return installPairs(session, est, clientSad, clientId, serverSad, serverId, seResident, registry,
                        trace);
            } catch (SeException | PfKeyException | RuntimeException e) {
                session.close();
                throw e;
            } finally {
                // The records now travel in CoAP messages; the DTLS socket is no longer needed.
                socket.close();
            }
        }
    }

    /**
     * After the handshake: the client's pair (SE-resident or exported) into {@code clientSad}, the server's from its
     * key block into {@code serverSad}, each through PF_KEY ADD, and a trace line of the SPIs.
     */
    private static Result installPairs(SeSession session, PskDtlsServer.Established est,
                                       SecurityAssociationDatabase clientSad, String clientId,
                                       SecurityAssociationDatabase serverSad, String serverId, boolean seResident,
                                       SeCipherRegistry registry, PrintStream trace)
            throws SeException, PfKeyException {
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
        return new Result(est.spis(), session.handshakeCost(), handle, session, seResident ? registry : null);
    }

    /**
     * As {@link #establish}, but the card's handshake travels in CoAP messages through the forward proxy at
     * {@code proxy} to the handshake resource ({@link FlightResource}) installed on {@code coapServer}, whose
     * endpoint is at {@code serverAddress}: no datagram goes from the client to the server directly.
     *
     * @param coapServer    the server's Californium server (the resource is added to it)
     * @param serverAddress its CoAP endpoint, as the proxy reaches it
     * @param proxy         the forward proxy the client sends to
     */
    public static Result establishOverCoap(SecurityAssociationDatabase clientSad, String clientId,
                                           SecurityAssociationDatabase serverSad, String serverId,
                                           boolean seResident, SeCipherRegistry registry, SecureRandom random,
                                           PrintStream trace, CoapServer coapServer, InetSocketAddress serverAddress,
                                           InetSocketAddress proxy)
            throws SeException, PfKeyException, IOException {
        DemoCard demo = DemoCard.personalise(clientSad, serverSad, seResident, registry, random);
        SeCard card = demo.card();
        byte[] identity = demo.identity();
        byte[] psk = demo.psk();
        CompletableFuture<PskDtlsServer.Established> done = new CompletableFuture<>();
        CoapFlightServer flights = new CoapFlightServer(DtlsServerEngine.psk(identity, psk, random), random,
                done::complete);
        java.util.Arrays.fill(psk, (byte) 0);
        FlightResource resource = FlightResource.install(coapServer, flights);
        CoapSocketAgent coap = CoapSocketAgent.overUdp(serverAddress, Objects.requireNonNull(proxy),
                CoapSocketAgent.ProxyForm.PROXY_SCHEME, proxy.getAddress(), random);
        SeSession session;
        try {
            session = SeHandshake.run(new DtlsIso7816Agent(card), coap, CoapTransmission.RFC7252.dtlsTimer());
        } catch (SeException | IOException | RuntimeException e) {
            coap.close();
            flights.close();
            resource.delete();
            throw e;
        }
        try {
            PskDtlsServer.Established est = done.get(SERVER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            CoapSocketAgent.Stats st = coap.stats();
            line(trace, "  SE handshake (DTLS 1.2 PSK, AES_128_CCM_8) in CoAP through the proxy to coap://"
                    + serverAddress.getAddress().getHostAddress() + ":" + serverAddress.getPort() + "/"
                    + String.join("/", FlightCoap.RESOURCE) + "/" + coap.handshakeId() + ": "
                    + session.handshakeCost());
            line(trace, String.format("  CoAP for the handshake (client<->proxy): %d round trips, %d datagrams "
                    + "(%d bytes) sent, %d (%d bytes) received, %d retransmissions", st.exchanges(), st.sent(),
                    st.sentBytes(), st.received(), st.receivedBytes(), st.retransmits()));
            return installPairs(session, est, clientSad, clientId, serverSad, serverId, seResident, registry, trace);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            session.close();
            throw new SeException("the server's side of the handshake did not complete", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.close();
            throw new SeException("interrupted while waiting for the server's handshake");
        } catch (SeException | PfKeyException | RuntimeException e) {
            session.close();
            throw e;
        } finally {
            // The handshake is over; later records travel in record-sec messages.
            coap.close();
            flights.close();
            resource.delete();
        }
    }

    private static void line(PrintStream trace, String s) {
        if (trace != null) {
            trace.println(s);
        }
    }
}
