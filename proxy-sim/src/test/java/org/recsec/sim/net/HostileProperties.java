package org.recsec.sim.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException.Reason;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.sim.net.HostileProxy.Attack;
import org.recsec.sim.net.HostileProxy.Direction;
import org.recsec.sim.net.SimClient.Outcome.Kind;
import org.recsec.sim.net.SimClient.Outcome;

/**
 * Client → {@link HostileProxy} → server. The client sends two Confirmable requests A and B at once (so a swap
 * has two tokens to work with); the attacker changes the first message with content going one way. What must
 * happen, per attack, is written out in {@link #expect}; in every case each application gets each message at most
 * once, and every response the client accepts is the one the server made for that very request.
 */
class HostileProperties {
    private static final String MITM = "mitm";
    private static final Outcome COMPLETED = new Outcome(Kind.COMPLETED, null, 0);

    /** What the endpoints must report after the attack. */
    private record Expected(Set<Reason> serverRefusal, Outcome a, Outcome b, Set<Reason> clientRefusalOfA,
                            int serverDuplicates) {
    }

    private static Outcome refused(Reason r) {
        return new Outcome(Kind.REFUSED, r, 0);
    }

    private static Outcome error(int code) {
        return new Outcome(Kind.ERROR_RESPONSE, null, code);
    }

    /**
     * The expected result of each attack on the first message. Toward the server a refused request is answered
     * with an unprotected 4.00 (4.01 without Record-Security), which ends A as an error response; toward the client
     * A's response is refused with the reason.
     */
    static Expected expect(Attack attack, Direction dir, RecordProfile profile) {
        Set<Reason> none = Set.of();
        Set<Reason> tampered = Set.of(Reason.AUTH_FAILED, Reason.MALFORMED);
        if (profile == RecordProfile.COMPACT) {
            // An RFC 9147 record has no length field: a cut record fails the tag (or is too short to sample), and
            // the compact profile binds a response through the AAD, so a swapped one fails the tag, not an option.
            if (attack == Attack.TRUNCATE) {
                return dir == Direction.TO_SERVER ? new Expected(tampered, error(0x80), COMPLETED, none, 0)
                        : new Expected(none, null, COMPLETED, tampered, 0);
            }
            if (attack == Attack.SWAP) {
                return new Expected(none, refused(Reason.AUTH_FAILED), refused(Reason.AUTH_FAILED),
                        Set.of(Reason.AUTH_FAILED), 0);
            }
        }
        if (dir == Direction.TO_SERVER) {
            return switch (attack) {
                case FLIP_BIT -> new Expected(tampered, error(0x80), COMPLETED, none, 0);
                case TRUNCATE, MOVE_OPTION_OUT, DOWNGRADE_CODE ->
                        new Expected(Set.of(Reason.MALFORMED), error(0x80), COMPLETED, none, 0);
                case STRIP_RECORD_SECURITY -> new Expected(Set.of(Reason.UNPROTECTED), error(0x81), COMPLETED, none, 0);
                // Same (peer, MID) within EXCHANGE_LIFETIME: deduplication answers it; unprotect never sees it.
                case REPLAY_SAME_MID -> new Expected(none, COMPLETED, COMPLETED, none, 1);
                // New MID: it reaches unprotect, whose window refuses the record.
                case REPLAY_NEW_MID -> new Expected(Set.of(Reason.REPLAY), COMPLETED, COMPLETED, none, 0);
                case REORDER, DROP -> new Expected(none, COMPLETED, COMPLETED, none, 0);
                // Each record arrives under the other's token; both responses are bound to the other request.
                case SWAP -> new Expected(none, refused(Reason.BAD_BINDING), refused(Reason.BAD_BINDING),
                        Set.of(Reason.BAD_BINDING), 0);
            };
        }
        return switch (attack) {
            case FLIP_BIT -> new Expected(none, null, COMPLETED, tampered, 0);
            case TRUNCATE, MOVE_OPTION_OUT, DOWNGRADE_CODE ->
                    new Expected(none, refused(Reason.MALFORMED), COMPLETED, Set.of(Reason.MALFORMED), 0);
            case STRIP_RECORD_SECURITY ->
                    new Expected(none, refused(Reason.UNPROTECTED), COMPLETED, Set.of(Reason.UNPROTECTED), 0);
            // A's response, already accepted, comes again under B's header: the window refuses it.
            case REPLAY_SAME_MID, REPLAY_NEW_MID -> new Expected(none, COMPLETED, refused(Reason.REPLAY), none, 0);
            case REORDER -> new Expected(none, COMPLETED, COMPLETED, none, 0);
            // The lost response is resent from the server's deduplication cache when A is retransmitted.
            case DROP -> new Expected(none, COMPLETED, COMPLETED, none, 1);
            case SWAP -> new Expected(none, refused(Reason.BAD_BINDING), refused(Reason.BAD_BINDING),
                    Set.of(Reason.BAD_BINDING), 0);
        };
    }

    /** The server application: answers 2.05 with the request payload reversed. */
    static CoapMessage answer(CoapMessage request) {
        return new CoapMessage(CoapMessage.TYPE_ACK, 0x45, 0, new byte[0], List.of(), reversed(request.payload()));
    }

    static byte[] reversed(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }

    /** Client, attacker, server, two requests; returns the client's tokens for A and B. */
    private static final class Run {
        final Topology t;
        final SimServer server;
        final SimClient client;
        final HostileProxy mitm;
        final List<String> tokens = new ArrayList<>();
        final List<byte[]> payloads;

        Run(long seed, CipherSuite suite, List<byte[]> payloads) {
            this(seed, suite, RecordProfile.DTLS12, payloads);
        }

        Run(long seed, CipherSuite suite, RecordProfile recordProfile, List<byte[]> payloads) {
            this.payloads = payloads;
            t = new Topology(seed, LinkProfile.PERFECT, suite, recordProfile);
            server = t.server(HostileProperties::answer);
            client = t.client();
            mitm = new HostileProxy(t.net, MITM, Topology.CLIENT, Topology.SERVER);
        }

        Run go() throws RecSecException {
            for (int i = 0; i < payloads.size(); i++) {
                tokens.add(client.request(Topology.SERVER_ID, MITM, new CoapMessage(CoapMessage.TYPE_CON, 0x02, 0,
                        new byte[0], List.of(CoapOption.ofUint(Scenario.TEST_ID, i)), payloads.get(i)), true));
            }
            t.net.runUntilIdle(2 * CoapTiming.EXCHANGE_LIFETIME_MILLIS);
            return this;
        }

        /** Nothing twice to either application; every accepted response is the answer to its own request. */
        void checkNothingTwiceAndNothingWrong() {
            Map<Integer, Integer> perId = new HashMap<>();
            for (SimServer.Received r : server.received()) {
                perId.merge(Scenario.idOf(r.request()), 1, Integer::sum);
            }
            perId.forEach((id, n) -> assertEquals(1, n, "server application got request " + id + " twice"));
            Set<String> delivered = new HashSet<>();
            for (SimClient.Delivery d : client.deliveries()) {
                assertTrue(delivered.add(d.token()), "client application got a response twice");
                int i = tokens.indexOf(d.token());
                assertArrayEquals(reversed(payloads.get(i)), d.response().payload(), "response of another request");
            }
        }
    }

    /** Property 3: every hostile change is refused with the reason {@link #expect} gives; nothing twice. */
    @Property(tries = 300)
    void everyAttackIsRefusedWithItsReason(@ForAll long seed, @ForAll CipherSuite suite,
                                           @ForAll RecordProfile recordProfile, @ForAll Attack attack,
                                           @ForAll Direction dir, @ForAll @Size(min = 12, max = 200) byte[] a,
                                           @ForAll @Size(min = 12, max = 200) byte[] b) throws RecSecException {
        Run run = new Run(seed, suite, recordProfile, List.of(a, b));
        run.mitm.arm(attack, dir, 0);
        run.go();
        Expected e = expect(attack, dir, recordProfile);
        String ctx = recordProfile + " " + attack + " " + dir + " applied=" + run.mitm.applied() + " server refusals="
                + run.server.refusals() + " client refusals=" + run.client.refusals();

        run.checkNothingTwiceAndNothingWrong();
        assertEquals(List.of(attack + " " + dir), run.mitm.applied(), ctx);
        assertEquals(e.serverRefusal().isEmpty() ? 0 : 1, run.server.refusals().size(), ctx);
        for (SimServer.Refusal r : run.server.refusals()) {
            assertTrue(e.serverRefusal().contains(r.reason()), ctx);
        }
        Outcome outA = run.client.outcomes().get(run.tokens.get(0));
        if (e.a() != null) {
            assertEquals(e.a(), outA, ctx);
        } else {
            assertEquals(Kind.REFUSED, outA.kind(), ctx);
            assertTrue(e.clientRefusalOfA().contains(outA.reason()), ctx);
        }
        assertEquals(e.b(), run.client.outcomes().get(run.tokens.get(1)), ctx);
        for (SimClient.Refusal r : run.client.refusals()) {
            if (r.token().equals(run.tokens.get(0))) {
                assertTrue(e.clientRefusalOfA().contains(r.reason()), ctx);
            }
        }
        assertEquals(e.serverDuplicates(), run.server.duplicatesAnswered(), ctx);
        int completed = (int) run.client.outcomes().values().stream().filter(o -> o.kind() == Kind.COMPLETED).count();
        assertEquals(completed, run.client.deliveries().size(), ctx);
        int refused = (int) run.client.outcomes().values().stream().filter(o -> o.kind() == Kind.REFUSED).count();
        assertEquals(refused, run.client.refusals().size(), ctx);
    }

    /**
     * Property 4a: two concurrent responses (or requests) exchanged under each other's header are both refused by
     * the Request-Sequence binding, whatever the suite and content.
     */
    @Property(tries = 100)
    void swappedResponsesAreRefusedByTheBinding(@ForAll long seed, @ForAll CipherSuite suite,
                                                @ForAll RecordProfile recordProfile, @ForAll Direction dir,
                                                @ForAll @Size(max = 300) byte[] a, @ForAll @Size(max = 300) byte[] b)
            throws RecSecException {
        Run run = new Run(seed, suite, recordProfile, List.of(a, b));
        // dtls12 and dtls12-cid bind by the inner Request-Sequence option, compact by the AEAD's AAD.
        Reason binding = recordProfile == RecordProfile.COMPACT ? Reason.AUTH_FAILED : Reason.BAD_BINDING;
        run.mitm.arm(Attack.SWAP, dir, 0);
        run.go();
        assertTrue(run.client.deliveries().isEmpty());
        for (String token : run.tokens) {
            assertEquals(refused(binding), run.client.outcomes().get(token), recordProfile.toString());
        }
        assertEquals(2, run.server.received().size(), "the server cannot tell: both requests were genuine");
    }

    /**
     * Property 4b: when the server's piggybacked responses are lost {@code k} times, the client's CON
     * retransmissions are answered from the server's deduplication cache, not unprotected again and never reported
     * as replays; the exchange completes once, or times out after MAX_RETRANSMIT retransmissions with nothing
     * delivered.
     */
    @Property(tries = 100)
    void lostAcksAreAnsweredFromDeduplicationNotReportedAsReplays(@ForAll long seed, @ForAll CipherSuite suite,
                                                                  @ForAll @IntRange(min = 1, max = 5) int lost,
                                                                  @ForAll @Size(max = 300) byte[] a)
            throws RecSecException {
        Run run = new Run(seed, suite, List.of(a));
        for (int i = 0; i < lost; i++) {
            run.mitm.arm(Attack.DROP, Direction.TO_CLIENT, i);
        }
        run.go();
        run.checkNothingTwiceAndNothingWrong();
        assertTrue(run.server.refusals().isEmpty(), () -> "server refused " + run.server.refusals());
        assertEquals(1, run.server.received().size());
        boolean gaveUp = lost > CoapTiming.MAX_RETRANSMIT;
        assertEquals(gaveUp ? CoapTiming.MAX_RETRANSMIT : lost, run.server.duplicatesAnswered());
        assertEquals(gaveUp ? new Outcome(Kind.TIMEOUT, null, 0) : COMPLETED,
                run.client.outcomes().get(run.tokens.get(0)));
        assertEquals(gaveUp ? 0 : 1, run.client.deliveries().size());
    }
}
