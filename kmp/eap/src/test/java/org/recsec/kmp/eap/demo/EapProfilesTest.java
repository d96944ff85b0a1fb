package org.recsec.kmp.eap.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.aps.UeKeyPull;
import org.recsec.kmp.eap.coapeap.CoapEapPeer;
import org.recsec.record.base.CipherSuite;

/**
 * The EAP KMP installs every record profile: UE and ApS configured alike pull and install a pair of that profile,
 * the UE's request sealed under its outbound SA is opened by the ApS's inbound SA and the response comes back
 * under the other; UE and ApS configured differently get a typed refusal and no SA on either end.
 */
class EapProfilesTest {
    private final List<String> trace = new ArrayList<>();

    @ParameterizedTest
    @CsvSource({"1,AES_128_CCM_8", "2,AES_128_GCM", "3,AES_128_CCM_8", "4,CHACHA20_POLY1305", "3,AES_128_CCM"})
    void everyProfileCarriesARequestAndItsResponse(int profile, CipherSuite suite) throws Exception {
        try (EapWorld w = EapWorld.start(new SecureRandom(), Clock.systemUTC(), 600, trace::add, profile)) {
            CoapEapPeer.Result r = w.authenticateUe();
            UeKeyPull.Installed i = w.pull(r.keys(), suite, profile);
            SaSpec ueOut = get(w.ueSad, i.apsInboundSpi(), w.ueId, w.apsId);
            SaSpec apsIn = get(w.apsSad, i.apsInboundSpi(), w.ueId, w.apsId);
            SaSpec apsOut = get(w.apsSad, i.ueInboundSpi(), w.apsId, w.ueId);
            SaSpec ueIn = get(w.ueSad, i.ueInboundSpi(), w.apsId, w.ueId);
            for (SaSpec sa : List.of(ueOut, apsIn, apsOut, ueIn)) {
                assertEquals(profile, sa.profile(), sa.toString());
                assertEquals(suite, sa.suite(), sa.toString());
                if (PfKey.isCompactProfile(profile)) {
                    assertEquals(PfKey.COMPACT_SECRET_BYTES, sa.key().length(), "one traffic secret");
                    assertNull(sa.iv());
                } else {
                    assertEquals(suite.keySizeBytes(), sa.key().length());
                    assertEquals(suite.ivSizeBytes(), sa.iv().length());
                }
            }
            assertTrue(ueOut.key().equalsSecret(apsIn.key()), "the UE seals what the ApS opens");
            assertTrue(apsOut.key().equalsSecret(ueIn.key()), "the ApS seals what the UE opens");
            assertTrue(!ueOut.key().equalsSecret(apsOut.key()), "each direction its own key");
            CoapResponse resp = w.protectedGet();
            assertNotNull(resp);
            assertEquals(CoAP.ResponseCode.CONTENT, resp.getCode());
            assertEquals("hello, " + EapWorld.UE_ID + ", from " + EapWorld.APS_ID, resp.getResponseText());
        }
    }

    @Test
    void aProfileMismatchIsRefusedBeforeAnySaExists() throws Exception {
        try (EapWorld w = EapWorld.start(new SecureRandom(), Clock.systemUTC(), 600, trace::add,
                PfKey.RECSEC_PROFILE_DTLS12)) {
            CoapEapPeer.Result r = w.authenticateUe();
            int apsBefore = w.apsSad.size();
            for (int ueProfile : new int[] {PfKey.RECSEC_PROFILE_COMPACT, PfKey.RECSEC_PROFILE_DTLS12_CID}) {
                EapException e = assertThrows(EapException.class,
                        () -> w.pull(r.keys(), CipherSuite.AES_128_CCM_8, ueProfile));
                assertEquals(EapException.Reason.PROFILE_MISMATCH, e.reason());
                assertTrue(e.getMessage().contains(SaSpec.profileName(ueProfile))
                        && e.getMessage().contains("4.06") && e.getMessage().contains("installs dtls12"),
                        e.getMessage());
                assertEquals(0, w.ueSad.size(), "the UE's reserved SPI is released");
                assertEquals(apsBefore, w.apsSad.size(), "the ApS reserved nothing");
            }
            // the same UE configured like the ApS then gets its pair
            w.pull(r.keys(), CipherSuite.AES_128_CCM_8, PfKey.RECSEC_PROFILE_DTLS12);
            assertEquals(CoAP.ResponseCode.CONTENT, w.protectedGet().getCode());
        }
    }

    @Test
    void aProfileMismatchFailsTheAcquireAndTheRequest() throws Exception {
        try (EapWorld w = EapWorld.start(new SecureRandom(), Clock.systemUTC(), 600, trace::add,
                PfKey.RECSEC_PROFILE_COMPACT)) {
            CoapEapPeer.Result r = w.authenticateUe();
            var kmp = w.armAcquire(r.keys(), CipherSuite.AES_128_CCM_8, PfKey.RECSEC_PROFILE_COMPACT_SEQ8);
            int apsBefore = w.apsSad.size();
            Exception e = assertThrows(Exception.class, w::protectedGet);
            assertTrue(String.valueOf(e.getMessage()).contains("KEY_MANAGEMENT")
                    || String.valueOf(e.getCause()).contains("KEY_MANAGEMENT"), String.valueOf(e));
            assertEquals(EapException.Reason.PROFILE_MISMATCH, kmp.lastFailure().reason());
            assertTrue(kmp.lastFailure().getMessage().contains("compact8 refused: this ApS installs compact SAs"),
                    kmp.lastFailure().getMessage());
            assertEquals(0, w.ueSad.size());
            assertEquals(apsBefore, w.apsSad.size());
        }
    }

    private static SaSpec get(SecurityAssociationDatabase sad, long spi, String src, String dst) throws Exception {
        try (SadSession s = sad.openSession(b -> { })) {
            return SaSpec.fromMessage(s.request(PfKeyRequests.get(spi, src, dst, 0, 0)));
        }
    }
}
