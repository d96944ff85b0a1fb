package org.recsec.kmp.eap.as;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.recsec.kmp.eap.EapPacket;
import org.recsec.kmp.eap.radius.RadiusAttribute;
import org.recsec.kmp.eap.radius.RadiusAuth;
import org.recsec.kmp.eap.radius.RadiusPacket;
import org.recsec.kmp.eap.demo.DemoPki;
import org.recsec.kmp.eap.tls.EapTlsPeer;

/** The AS on bytes: bad input is dropped without a state change; a retransmission gets the cached answer. */
class AuthenticationServerHostileTest {
    private static final byte[] SECRET = "hostile-secret".getBytes(StandardCharsets.US_ASCII);
    private static final InetSocketAddress FROM = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    private final SecureRandom random = new SecureRandom(new byte[] {9});
    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(1_760_000_000L), ZoneOffset.UTC);
    private DemoPki pki;
    private AuthenticationServer as;
    private int nextId;

    @BeforeEach
    void setUp() throws Exception {
        pki = new DemoPki(random, "ue1");
        as = new AuthenticationServer(pki.serverCredentials(), SECRET, random, clock, 600, 1000,
                new SessionStore(clock, 8));
    }

    private byte[] request(EapPacket eap, byte[] state, byte[] secret) {
        List<RadiusAttribute> attrs = new ArrayList<>(RadiusPacket.eapMessageAttributes(eap.encode()));
        if (state != null) {
            attrs.add(new RadiusAttribute(RadiusPacket.ATTR_STATE, state));
        }
        byte[] auth = new byte[16];
        random.nextBytes(auth);
        return RadiusAuth.signRequest(new RadiusPacket(RadiusPacket.ACCESS_REQUEST, nextId++ & 0xff, auth, attrs),
                secret);
    }

    private static RadiusPacket answer(byte[] request, byte[] answer) throws Exception {
        return RadiusAuth.verifyResponse(answer, 0, answer.length, RadiusPacket.decode(request).authenticator(),
                SECRET);
    }

    @Test
    void aFullAuthenticationOnBytesThenHostileInputChangesNothing() throws Exception {
        EapTlsPeer ue = new EapTlsPeer("ue1", pki.clientCredentials(), random, 1000);
        EapPacket toUe = EapPacket.of(EapPacket.CODE_REQUEST, 1, EapPacket.TYPE_IDENTITY, new byte[0]);
        byte[] state = null;
        int challenges = 0;
        while (true) {
            java.util.Optional<EapPacket> fromPeer = ue.onPacket(toUe);
            if (fromPeer.isEmpty()) {
                break;
            }
            EapPacket fromUe = fromPeer.get();
            byte[] req = request(fromUe, state, SECRET);
            // a wrong secret, a flipped bit, a truncation: all dropped, no answer
            assertEquals(java.util.Optional.empty(), as.handle(request(fromUe, state, "wrong".getBytes(StandardCharsets.US_ASCII)), 0,
                    req.length, FROM));
            byte[] flipped = req.clone();
            flipped[flipped.length - 1] ^= 1;
            assertEquals(java.util.Optional.empty(), as.handle(flipped, 0, flipped.length, FROM));
            assertEquals(java.util.Optional.empty(), as.handle(req, 0, req.length - 1, FROM));
            byte[] ans = as.handle(req, 0, req.length, FROM).orElseThrow();
            assertNotNull(ans);
            // RFC 5080 §2.2.2: the retransmission gets the same answer, not a second processing
            assertArrayEquals(ans, as.handle(req, 0, req.length, FROM).orElseThrow());
            RadiusPacket p = answer(req, ans);
            if (p.code() == RadiusPacket.ACCESS_CHALLENGE) {
                challenges++;
                state = p.first(RadiusPacket.ATTR_STATE).orElse(null);
                // a response with a wrong EAP identifier inside a valid RADIUS packet: dropped
                EapPacket next = EapPacket.decode(p.eapMessage().orElseThrow());
                byte[] wrongId = request(EapPacket.of(EapPacket.CODE_RESPONSE, (next.identifier() + 5) & 0xff,
                        EapPacket.TYPE_TLS, new byte[] {0}), state, SECRET);
                assertEquals(java.util.Optional.empty(), as.handle(wrongId, 0, wrongId.length, FROM));
                // an EAP length beyond the EAP-Message: dropped
                byte[] badLen = next.encode();
                List<RadiusAttribute> attrs = new ArrayList<>();
                byte[] eapBytes = EapPacket.of(EapPacket.CODE_RESPONSE, next.identifier(), EapPacket.TYPE_TLS,
                        new byte[] {0}).encode();
                eapBytes[3] += 10;
                attrs.add(new RadiusAttribute(RadiusPacket.ATTR_EAP_MESSAGE, eapBytes));
                attrs.add(new RadiusAttribute(RadiusPacket.ATTR_STATE, state));
                byte[] a16 = new byte[16];
                byte[] lenReq = RadiusAuth.signRequest(new RadiusPacket(1, 250, a16, attrs), SECRET);
                assertEquals(java.util.Optional.empty(), as.handle(lenReq, 0, lenReq.length, FROM));
                assertEquals(badLen.length, next.encode().length);
            } else {
                assertEquals(RadiusPacket.ACCESS_ACCEPT, p.code());
            }
            toUe = EapPacket.decode(p.eapMessage().orElseThrow());
        }
        assertEquals(1, as.accepted());
        assertEquals(1, as.sessions().size());
        assertEquals(true, challenges > 2);
        assertEquals(true, as.dropped() >= 5L * challenges);
    }

    @Test
    void conversationsAreBoundedAndExpireWhenIdle() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_760_000_000_000L);
        Clock moving = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        AuthenticationServer server = new AuthenticationServer(pki.serverCredentials(), SECRET, random, moving, 600,
                1000, new SessionStore(moving, 8));
        for (int i = 0; i < AuthenticationServer.MAX_CONVERSATIONS + 20; i++) {
            byte[] req = request(EapPacket.of(EapPacket.CODE_RESPONSE, 1, EapPacket.TYPE_IDENTITY,
                    ("ue" + i).getBytes(StandardCharsets.UTF_8)), null, SECRET);
            assertTrue(server.handle(req, 0, req.length, FROM).isPresent());
        }
        assertEquals(AuthenticationServer.MAX_CONVERSATIONS, server.conversations());
        now.addAndGet(AuthenticationServer.CONVERSATION_IDLE_SECONDS * 1000L);
        byte[] req = request(EapPacket.of(EapPacket.CODE_RESPONSE, 1, EapPacket.TYPE_IDENTITY,
                "late".getBytes(StandardCharsets.UTF_8)), null, SECRET);
        assertTrue(server.handle(req, 0, req.length, FROM).isPresent());
        assertEquals(1, server.conversations());
    }

    @Test
    void aFirstPacketThatIsNotIdentityOpensNoConversation() throws Exception {
        byte[] req = request(EapPacket.of(EapPacket.CODE_RESPONSE, 1, EapPacket.TYPE_TLS, new byte[] {0}), null,
                SECRET);
        assertEquals(java.util.Optional.empty(), as.handle(req, 0, req.length, FROM));
        byte[] unknownState = request(EapPacket.of(EapPacket.CODE_RESPONSE, 1, EapPacket.TYPE_TLS, new byte[] {0}),
                new byte[16], SECRET);
        RadiusPacket reject = answer(unknownState, as.handle(unknownState, 0, unknownState.length, FROM)
                .orElseThrow());
        assertEquals(RadiusPacket.ACCESS_REJECT, reject.code());
        assertEquals(0, as.sessions().size());
    }
}
