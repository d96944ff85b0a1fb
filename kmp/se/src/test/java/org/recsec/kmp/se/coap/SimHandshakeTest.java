package org.recsec.kmp.se.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeFixture;
import org.recsec.se.host.DtlsIso7816Agent;
import org.recsec.se.host.ExportedSa;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeException;
import org.recsec.se.host.SeHandshake;
import org.recsec.se.host.SeSession;
import org.recsec.sim.net.ForwardingProxy;
import org.recsec.sim.net.HostileProxy;
import org.recsec.sim.net.LinkProfile;
import org.recsec.sim.net.SimNetwork;

/**
 * The card's handshake in CoAP messages on the simulator, in virtual time: client → the simulator's forward proxy
 * (RFC 7252 §5.7) → [an on-path attacker] → the handshake server. Honest proxies (with or without their caches)
 * deliver the same SA pair on both ends; a dropped, duplicated, delayed, replayed, reordered, swapped or altered
 * handshake message ends in a failed or a retried handshake, and never in an SA pair that differs from the
 * server's.
 */
@Timeout(600)
class SimHandshakeTest {
    private static final String HOST = "server.example";

    /** The virtual clock of the network, for the server's handshake lifetimes. */
    static Clock clockOf(SimNetwork net) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(net.nowMillis());
            }
        };
    }

    /** One run's result: the client's session or its failure, and what the server completed. */
    record Outcome(SeSession session, Exception failure, List<PskDtlsServer.Established> server,
                   CoapFlightServer flights, ForwardingProxy proxy, CoapSocketAgent agent) {
    }

    /** Builds the network; {@code attacker} (may be null) sits between the forward proxy and the server. */
    static Outcome run(SimNetwork net, ForwardingProxy.CachePolicy cache, CoapSocketAgent.ProxyForm form,
                       java.util.function.Consumer<HostileProxy> attacker) throws Exception {
        LinkedBlockingQueue<PskDtlsServer.Established> done = new LinkedBlockingQueue<>();
        CoapFlightServer flights = new CoapFlightServer(DtlsServerEngine.psk(SeFixture.IDENTITY, SeFixture.PSK,
                new SecureRandom()), new SecureRandom(), clockOf(net), 8, CoapFlightServer.DEFAULT_LIFETIME_MILLIS,
                done::add);
        new SimFlightServer(net, "server", flights);
        ForwardingProxy proxy = new ForwardingProxy(net, "proxy").cachePolicy(cache)
                .route(HOST, 5683, attacker != null ? "evil" : "server");
        if (attacker != null) {
            attacker.accept(new HostileProxy(net, "evil", "proxy", "server"));
        }
        CoapSocketAgent coap = new CoapSocketAgent(new SimFlightWire(net, "client", "proxy"), HOST, 5683, form,
                CoapTransmission.RFC7252, net.random());
        DtlsIso7816Agent card = new DtlsIso7816Agent(JCardSimLink.personalisedCard(SeCard.POLICY_EXPORT,
                SeFixture.IDENTITY, SeFixture.PSK, SeFixture.SEN));
        SeSession session = null;
        Exception failure = null;
        try {
            session = SeHandshake.run(card, coap, CoapTransmission.RFC7252.dtlsTimer());
        } catch (SeException | IOException e) {
            failure = e;
        }
        net.runUntilIdle(CoapFlightServer.DEFAULT_LIFETIME_MILLIS); // replays and late copies still arrive
        List<PskDtlsServer.Established> server = new ArrayList<>();
        PskDtlsServer.Established e;
        while ((e = done.poll(session != null && server.isEmpty() ? 10 : 0, TimeUnit.SECONDS)) != null) {
            server.add(e);
        }
        flights.close();
        return new Outcome(session, failure, server, flights, proxy, coap);
    }

    /** The invariant: no SA pair on the client unless it is exactly the one the server completed. */
    static void neverAWrongSa(Outcome o) throws SeException {
        assertTrue(o.server().size() <= 1, "one client, at most one server handshake: " + o.server().size());
        if (o.session() == null) {
            return;
        }
        assertEquals(1, o.server().size(), "the client finished, so did the server");
        PskDtlsServer.Established e = o.server().get(0);
        assertArrayEquals(e.clientRandom(), o.session().clientRandom());
        assertArrayEquals(e.serverRandom(), o.session().serverRandom());
        ExportedSa sa = o.session().agent().exportSa();
        assertTrue(e.keys().clientWriteKey().equalsSecret(sa.keys().clientWriteKey()));
        assertTrue(e.keys().serverWriteKey().equalsSecret(sa.keys().serverWriteKey()));
        assertTrue(e.keys().clientWriteIv().equalsSecret(sa.keys().clientWriteIv()));
        assertTrue(e.keys().serverWriteIv().equalsSecret(sa.keys().serverWriteIv()));
        o.session().close();
    }

    @ParameterizedTest
    @EnumSource(ForwardingProxy.CachePolicy.class)
    void honestProxyWithOrWithoutItsCacheDeliversTheSamePair(ForwardingProxy.CachePolicy cache) throws Exception {
        for (CoapSocketAgent.ProxyForm form : List.of(CoapSocketAgent.ProxyForm.PROXY_SCHEME,
                CoapSocketAgent.ProxyForm.PROXY_URI)) {
            Outcome o = run(new SimNetwork(7, LinkProfile.PERFECT), cache, form, null);
            assertNull(o.failure(), () -> form + ": " + o.failure());
            neverAWrongSa(o);
            assertEquals(3, o.proxy().forwarded(), "three flights, each forwarded once");
            assertEquals(0, o.proxy().cacheHits(), "POST is never served from a cache");
            assertEquals(0, o.agent().stats().retransmits());
        }
    }

    /**
     * Every attack of the simulator's attacker, on each of the three requests and each of the three responses of
     * the handshake (counting retransmissions).
     */
    @ParameterizedTest
    @EnumSource(HostileProxy.Attack.class)
    void anAttackOnAHandshakeMessageNeverYieldsAWrongSa(HostileProxy.Attack attack) throws Exception {
        int failed = 0;
        for (HostileProxy.Direction dir : HostileProxy.Direction.values()) {
            for (int index = 0; index < 3; index++) {
                int i = index;
                Outcome o = run(new SimNetwork(100 + index, LinkProfile.PERFECT), ForwardingProxy.CachePolicy.OFF,
                        CoapSocketAgent.ProxyForm.PROXY_SCHEME, h -> h.arm(attack, dir, i));
                neverAWrongSa(o);
                if (o.session() == null) {
                    failed++;
                }
                if (attack == HostileProxy.Attack.DROP || attack == HostileProxy.Attack.REPLAY_SAME_MID
                        || attack == HostileProxy.Attack.REPLAY_NEW_MID || attack == HostileProxy.Attack.REORDER) {
                    // Lost, repeated or late messages are CoAP's and DTLS's everyday business: retried, not failed.
                    assertNull(o.failure(), () -> attack + " " + dir + " #" + i + ": " + o.failure());
                }
            }
        }
        if (attack == HostileProxy.Attack.TRUNCATE || attack == HostileProxy.Attack.DOWNGRADE_CODE
                || attack == HostileProxy.Attack.MOVE_OPTION_OUT) {
            assertTrue(failed > 0, attack + " never made a handshake fail");
        }
    }

    @Test
    void lossyDuplicatingReorderingLinksRetryAndNeverYieldAWrongSa() throws Exception {
        int ok = 0;
        for (long seed = 1; seed <= 6; seed++) {
            Outcome o = run(new SimNetwork(seed, new LinkProfile(0.2, 0.2, 0.2, 5, 80)),
                    ForwardingProxy.CachePolicy.RFC, CoapSocketAgent.ProxyForm.PROXY_URI, null);
            neverAWrongSa(o);
            if (o.failure() == null) {
                ok++;
            }
        }
        assertTrue(ok >= 3, "most handshakes come through 20% loss: " + ok + " of 6");
    }
}
