package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.RequestContext;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.spi.InboundSa;

/**
 * The SAD finds inbound SAs by route (newest first), which is how a client opens a compact-profile response: it names
 * its SA by the request, not by SPI. Checked across an SA rollover and a DELETE.
 */
class SadInboundRouteTest {
    static final String C = SadProfileTest.C;
    static final String S = SadProfileTest.S;
    static final CipherSuite SUITE = CipherSuite.AES_128_CCM_8;

    private static byte[] secret(Random r) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        return b;
    }

    @Test
    void aClientSadOpensCompactResponsesByRouteAcrossARollover() throws Exception {
        Random r = new Random(11);
        byte[] c2s = secret(r);
        byte[] oldS2c = secret(r);
        byte[] newS2c = secret(r);
        SecurityAssociationDatabase client = SecurityAssociationDatabase.builder(new MutableClock(1), new Random(1))
                .localIdentities(Set.of(C)).build();
        SadSession session = client.openSession(b -> { });
        session.add(SaSpec.compact(0x1000, C, S, SUITE, SecretBytes.copyOf(c2s), 2).withProfile(3, 0));
        session.add(SaSpec.compact(0x2000, S, C, SUITE, SecretBytes.copyOf(oldS2c), 2).withProfile(3, 0));
        session.add(SaSpec.compact(0x2001, S, C, SUITE, SecretBytes.copyOf(newS2c), 2).withProfile(3, 0));
        assertEquals(List.of(0x2001L, 0x2000L),
                client.inbound(LocalId.of(C), PeerId.of(S)).stream().map(InboundSa::spi).toList());
        assertTrue(client.inbound(LocalId.of(S), PeerId.of(C)).isEmpty(), "the other direction is outbound only");

        InMemorySaRegistry server = new InMemorySaRegistry();
        server.install(ManualSa.inbound(SUITE).profile(RecordProfile.COMPACT).spi(0x1000).epoch(3)
                .route(LocalId.of(S), PeerId.of(C)).secret(SecretBytes.copyOf(c2s)).build());
        server.install(ManualSa.outbound(SUITE).profile(RecordProfile.COMPACT).spi(0x2000).epoch(3)
                .route(LocalId.of(S), PeerId.of(C)).secret(SecretBytes.copyOf(oldS2c)).build());
        RecordProtector cp = new RecordProtector(client);
        RecordProtector sp = new RecordProtector(server);

        // The server still seals under the old SA: the client finds it behind the new one.
        ProtectedRequest req = cp.protectRequest(SadProfileTest.get(), LocalId.of(C), PeerId.of(S));
        UnprotectedRequest got = sp.unprotectRequest(req.outer());
        CoapMessage answer = new CoapMessage(CoapMessage.TYPE_ACK, 0x45, 0x77, new byte[] {4, 2}, List.of(),
                "21.5".getBytes());
        CoapMessage out = sp.protectResponse(answer, got.context());
        assertEquals(answer, cp.unprotectResponse(out, req));

        // Once the old SA is deleted, a response under it names no SA the client has.
        CoapMessage again = sp.protectResponse(answer, new RequestContext(got.context().localId(),
                got.context().peerId(), got.context().requestSequence()));
        session.delete(0x2000, S, C);
        assertEquals(List.of(0x2001L), client.inbound(LocalId.of(C), PeerId.of(S)).stream().map(InboundSa::spi)
                .toList());
        assertEquals(RecSecException.Reason.AUTH_FAILED, assertThrows(RecSecException.class,
                () -> cp.unprotectResponse(again, req)).reason());
    }
}
