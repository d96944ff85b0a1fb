package org.recsec.kmp.se.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeFixture;
import org.recsec.se.host.ExportedSa;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeException;
import org.recsec.sim.net.ForwardingProxy;
import org.recsec.sim.net.HostileProxy;
import org.recsec.sim.net.LinkProfile;
import org.recsec.sim.net.SimNetwork;

/**
 * {@link SimHandshakeTest}'s properties for the card's other DTLS modes: certificate mode (whose flights 4 and 5
 * need block-wise transfer: {@link SimFlightServer} does Block1 and Block2) and session resumption in certificate
 * and PSK mode, on the simulator in virtual time, client → forward proxy → on-path attacker → handshake server.
 * Every attack of {@link HostileProxy} on every request and every response of the handshake (blocks included;
 * for a resumption, of the abbreviated handshake after an untouched full one) ends in a failed or a retried
 * handshake and never in an SA pair other than the server's. Each run's network is seeded, so a failing case
 * replays.
 */
@Timeout(1200)
class SimModesHandshakeTest {
    private static final String HOST = "server.example";
    private static ModesFixture.Pki pki;
    /** One card for both modes (personalised with SeFixture's PSK, then its key pair and certificate). */
    private static SeCard card;

    /** What is run: the mode, and whether the attacked handshake is a resumption (after a full one). */
    enum Mode {
        CERT_FULL(true, false), CERT_RESUMED(true, true), PSK_RESUMED(false, true);

        final boolean cert;
        final boolean resumed;

        Mode(boolean cert, boolean resumed) {
            this.cert = cert;
            this.resumed = resumed;
        }
    }

    @BeforeAll
    static void cards() throws Exception {
        pki = new ModesFixture.Pki("sim ca");
        card = pki.certificateCard(pki.ca);
    }

    /** One run: the attacked handshake's result, what the server completed, the counts. */
    record Outcome(boolean done, boolean resumed, byte[] clientRandom, byte[] serverRandom, ExportedSa sa,
                   Exception failure, List<PskDtlsServer.Established> server, int requests, int responses,
                   CoapSocketAgent agent) {
    }

    /** An attack on the {@code index}-th request or response of the attacked handshake (null: none). */
    record Arm(HostileProxy.Attack attack, HostileProxy.Direction direction, int index) {
    }

    static Outcome run(long seed, Mode mode, int blockSize, Arm arm) throws Exception {
        SimNetwork net = new SimNetwork(seed, LinkProfile.PERFECT);
        DtlsModeEngines.SessionCache cache = new DtlsModeEngines.SessionCache(8);
        DtlsServerEngine engine = mode.cert ? DtlsModeEngines.certificate(pki.server.getEncoded(),
                pki.serverKeys.getPrivate(), pki.ca, cache, new SecureRandom())
                : DtlsModeEngines.pskResumable(SeFixture.IDENTITY, SeFixture.PSK, cache, new SecureRandom());
        LinkedBlockingQueue<PskDtlsServer.Established> done = new LinkedBlockingQueue<>();
        CoapFlightServer flights = new CoapFlightServer(engine, new SecureRandom(), SimHandshakeTest.clockOf(net), 8,
                CoapFlightServer.DEFAULT_LIFETIME_MILLIS, done::add);
        new SimFlightServer(net, "server", flights, blockSize);
        new ForwardingProxy(net, "proxy").route(HOST, 5683, "evil");
        HostileProxy evil = new HostileProxy(net, "evil", "proxy", "server");
        SimFlightWire wire = new SimFlightWire(net, "client", "proxy");
        int base = mode.cert ? SeCard.MODE_CERT : 0;
        try {
            if (mode.resumed) {
                card.reset(base);
                assertTrue(!bridge(card, wire, net).handshake() && done.poll(10, TimeUnit.SECONDS) != null,
                        "the full handshake before the resumption");
            }
            int up = evil.seen(HostileProxy.Direction.TO_SERVER);
            int down = evil.seen(HostileProxy.Direction.TO_CLIENT);
            if (arm != null) {
                evil.arm(arm.attack(), arm.direction(), arm.index()
                        + (arm.direction() == HostileProxy.Direction.TO_SERVER ? up : down));
            }
            card.reset(base | (mode.resumed ? SeCard.MODE_RESUME : 0));
            CoapSocketAgent agent = new CoapSocketAgent(wire, HOST, 5683, CoapSocketAgent.ProxyForm.PROXY_SCHEME,
                    CoapTransmission.RFC7252, net.random());
            SeCoapDtlsBridge b = new SeCoapDtlsBridge(card, agent, CoapTransmission.RFC7252.dtlsTimer());
            boolean ok = false;
            boolean resumed = false;
            Exception failure = null;
            try {
                resumed = b.handshake();
                ok = true;
            } catch (SeException | IOException e) {
                failure = e;
            }
            net.runUntilIdle(CoapFlightServer.DEFAULT_LIFETIME_MILLIS); // replays and late copies still arrive
            List<PskDtlsServer.Established> server = new ArrayList<>();
            PskDtlsServer.Established e;
            while ((e = done.poll(ok && server.isEmpty() ? 10 : 0, TimeUnit.SECONDS)) != null) {
                server.add(e);
            }
            return new Outcome(ok, resumed, b.clientRandom(), b.serverRandom(), ok ? card.exportSa() : null, failure,
                    server, evil.seen(HostileProxy.Direction.TO_SERVER) - up,
                    evil.seen(HostileProxy.Direction.TO_CLIENT) - down, agent);
        } finally {
            flights.close();
        }
    }

    private static SeCoapDtlsBridge bridge(SeCard card, SimFlightWire wire, SimNetwork net) {
        return new SeCoapDtlsBridge(card, new CoapSocketAgent(wire, HOST, 5683, CoapSocketAgent.ProxyForm.PROXY_SCHEME,
                CoapTransmission.RFC7252, net.random()), CoapTransmission.RFC7252.dtlsTimer());
    }

    /** The invariant: no SA pair on the client unless it is exactly the one the server completed. */
    static void neverAWrongSa(Outcome o, String what) {
        assertTrue(o.server().size() <= 1, what + ": one client, at most one server handshake: " + o.server().size());
        if (!o.done()) {
            return;
        }
        assertEquals(1, o.server().size(), what + ": the client finished, so did the server");
        PskDtlsServer.Established e = o.server().get(0);
        assertArrayEquals(e.clientRandom(), o.clientRandom(), what);
        assertArrayEquals(e.serverRandom(), o.serverRandom(), what);
        assertTrue(ModesFixture.samePair(o.sa(), e), what + ": the card's keys are the server's");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anHonestPathDeliversTheServersPairAndCertificateFlightsGoInBlocks(Mode mode) throws Exception {
        Outcome o = run(11, mode, 256, null);
        assertNull(o.failure(), () -> mode + ": " + o.failure());
        neverAWrongSa(o, mode.toString());
        assertEquals(mode.resumed, o.resumed());
        assertEquals(0, o.agent().stats().retransmits());
        if (mode.cert && !mode.resumed) {
            // flight 5 (about 1.5 KB) in 256-byte Block1 blocks, flight 4 (about 1.8 KB) in Block2 blocks
            assertTrue(o.requests() > 10, "block-wise requests: " + o.requests());
        } else {
            assertEquals(3, o.requests(), "ClientHello, with cookie, the client's last flight");
        }
    }

    /**
     * Every attack on each request and each response of the attacked handshake (at 1024-byte blocks: the default;
     * the certificate handshake then has two Block1 and two Block2 blocks).
     */
    @ParameterizedTest
    @EnumSource(HostileProxy.Attack.class)
    void anAttackOnAHandshakeMessageNeverYieldsAWrongSa(HostileProxy.Attack attack) throws Exception {
        for (Mode mode : Mode.values()) {
            Outcome clean = run(200, mode, 1024, null);
            assertTrue(clean.done(), mode + ": " + clean.failure());
            int failed = 0;
            for (HostileProxy.Direction dir : HostileProxy.Direction.values()) {
                int messages = dir == HostileProxy.Direction.TO_SERVER ? clean.requests() : clean.responses();
                for (int index = 0; index < messages; index++) {
                    String what = mode + " " + attack + " " + dir + " #" + index;
                    Outcome o = run(300 + index, mode, 1024, new Arm(attack, dir, index));
                    neverAWrongSa(o, what);
                    if (!o.done()) {
                        failed++;
                    }
                    if (attack == HostileProxy.Attack.DROP || attack == HostileProxy.Attack.REPLAY_SAME_MID
                            || attack == HostileProxy.Attack.REPLAY_NEW_MID || attack == HostileProxy.Attack.REORDER) {
                        // lost, repeated or late messages are CoAP's and DTLS's everyday business: retried
                        assertNull(o.failure(), () -> what + ": " + o.failure());
                    }
                }
            }
            if (attack == HostileProxy.Attack.TRUNCATE || attack == HostileProxy.Attack.DOWNGRADE_CODE
                    || attack == HostileProxy.Attack.MOVE_OPTION_OUT) {
                assertTrue(failed > 0, mode + ": " + attack + " never made a handshake fail");
            }
        }
    }

    @Test
    void lossyLinksRetryCertificateFlightsInBlocksAndNeverYieldAWrongSa() throws Exception {
        int ok = 0;
        for (long seed = 1; seed <= 4; seed++) {
            SimNetwork probe = new SimNetwork(seed, new LinkProfile(0.15, 0.15, 0.15, 5, 80));
            Outcome o = runOn(probe);
            neverAWrongSa(o, "seed " + seed);
            if (o.done()) {
                ok++;
            }
        }
        assertTrue(ok >= 2, "most certificate handshakes come through 15% loss: " + ok + " of 4");
    }

    /** A full certificate handshake at 256-byte blocks on a given (lossy) network, no attacker. */
    private static Outcome runOn(SimNetwork net) throws Exception {
        DtlsModeEngines.SessionCache cache = new DtlsModeEngines.SessionCache(8);
        LinkedBlockingQueue<PskDtlsServer.Established> done = new LinkedBlockingQueue<>();
        CoapFlightServer flights = new CoapFlightServer(DtlsModeEngines.certificate(pki.server.getEncoded(),
                pki.serverKeys.getPrivate(), pki.ca, cache, new SecureRandom()), new SecureRandom(),
                SimHandshakeTest.clockOf(net), 8, CoapFlightServer.DEFAULT_LIFETIME_MILLIS, done::add);
        new SimFlightServer(net, "server", flights, 256);
        new ForwardingProxy(net, "proxy").cachePolicy(ForwardingProxy.CachePolicy.RFC).route(HOST, 5683, "server");
        SimFlightWire wire = new SimFlightWire(net, "client", "proxy");
        card.reset(SeCard.MODE_CERT);
        SeCoapDtlsBridge b = bridge(card, wire, net);
        boolean ok = false;
        Exception failure = null;
        try {
            b.handshake();
            ok = true;
        } catch (SeException | IOException e) {
            failure = e;
        }
        net.runUntilIdle(CoapFlightServer.DEFAULT_LIFETIME_MILLIS);
        List<PskDtlsServer.Established> server = new ArrayList<>();
        PskDtlsServer.Established e;
        while ((e = done.poll(ok && server.isEmpty() ? 10 : 0, TimeUnit.SECONDS)) != null) {
            server.add(e);
        }
        flights.close();
        return new Outcome(ok, false, b.clientRandom(), b.serverRandom(), ok ? card.exportSa() : null, failure,
                server, 0, 0, null);
    }
}
