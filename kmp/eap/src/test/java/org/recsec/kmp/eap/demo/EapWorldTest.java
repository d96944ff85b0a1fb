package org.recsec.kmp.eap.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.junit.jupiter.api.Test;
import org.recsec.km.pfkey.PfKey;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapTlsKeys;
import org.recsec.kmp.eap.Usrk;
import org.recsec.kmp.eap.aps.PullMessages;
import org.recsec.kmp.eap.aps.UeKeyPull;
import org.recsec.kmp.eap.as.EapSession;
import org.recsec.kmp.eap.coapeap.CoapEapPeer;
import org.recsec.record.base.CipherSuite;

/** UE, AA, AS and ApS on loopback: CoAP-EAP authentication, the pull key, a protected request; and refusals. */
class EapWorldTest {
    private final List<String> trace = new ArrayList<>();

    @Test
    void ueAuthenticatesPullsTheKeyAndTalksToTheApsUnderTheNewSaPair() throws Exception {
        try (EapWorld w = EapWorld.start(new SecureRandom(), Clock.systemUTC(), 600, trace::add)) {
            CoapEapPeer.Result r = w.authenticateUe(EapWorld.UE_ID);
            assertEquals(600, r.sessionLifetimeSeconds());
            EapSession s = w.sessions.snapshot().get(EapWorld.UE_ID);
            assertArrayEquals(s.sessionId(), r.keys().sessionId());
            assertTrue(s.emsk().equalsSecret(r.keys().emsk()));
            int apsBefore = w.apsSad.size();
            UeKeyPull.Installed i = w.pull(r.keys(), CipherSuite.AES_128_CCM_8);
            assertEquals(2, w.ueSad.size());
            assertEquals(apsBefore + 2, w.apsSad.size());
            assertTrue(i.lifetimeSeconds() > 0 && i.lifetimeSeconds() <= 600);
            CoapResponse resp = w.protectedGet();
            assertNotNull(resp);
            assertEquals(CoAP.ResponseCode.CONTENT, resp.getCode());
            assertEquals("hello, " + EapWorld.UE_ID + ", from " + EapWorld.APS_ID, resp.getResponseText());
        }
    }

    @Test
    void theFirstProtectedRequestTriggersThePullThroughAcquire() throws Exception {
        try (EapWorld w = EapWorld.start(new SecureRandom(), Clock.systemUTC(), 600, trace::add)) {
            CoapEapPeer.Result r = w.authenticateUe();
            w.armAcquire(r.keys(), CipherSuite.AES_128_GCM, PfKey.RECSEC_PROFILE_DTLS12);
            assertEquals(0, w.ueSad.size());
            CoapResponse resp = w.protectedGet();
            assertNotNull(resp);
            assertEquals(CoAP.ResponseCode.CONTENT, resp.getCode());
            assertEquals(2, w.ueSad.size());
            // the second request uses the installed pair, no second pull
            assertEquals(CoAP.ResponseCode.CONTENT, w.protectedGet().getCode());
            assertEquals(2, w.ueSad.size());
        }
    }

    @Test
    void aRefusedPullAnswersTheAcquireAndTheRequestFailsWithoutAnSa() throws Exception {
        try (EapWorld w = EapWorld.start(new SecureRandom(), Clock.systemUTC(), 600, trace::add)) {
            CoapEapPeer.Result r = w.authenticateUe();
            var kmp = w.armAcquire(r.keys(), CipherSuite.AES_128_CCM_8, PfKey.RECSEC_PROFILE_DTLS12);
            int apsBefore = w.apsSad.size();
            w.sessions.revoke(EapWorld.UE_ID);
            Exception e = assertThrows(Exception.class, w::protectedGet);
            assertTrue(String.valueOf(e.getMessage()).contains("KEY_MANAGEMENT")
                    || String.valueOf(e.getCause()).contains("KEY_MANAGEMENT"), String.valueOf(e));
            assertEquals(EapException.Reason.UNKNOWN_SESSION, kmp.lastFailure().reason());
            assertEquals(0, w.ueSad.size());
            assertEquals(apsBefore, w.apsSad.size());
        }
    }

    @Test
    void refusalsLeaveBothSadsUnchanged() throws Exception {
        try (EapWorld w = EapWorld.start(new SecureRandom(), Clock.systemUTC(), 600, trace::add)) {
            CoapEapPeer.Result r = w.authenticateUe(EapWorld.UE_ID);
            int apsBefore = w.apsSad.size();
            // another Session-Id (a UE replaying an old session): the AS refuses through the ApS
            byte[] otherSid = r.keys().sessionId();
            otherSid[5] ^= 1;
            EapTlsKeys forged = EapTlsKeys.fromKeyMaterial(concat(r.keys().msk().toByteArray(),
                    r.keys().emsk().toByteArray()), java.util.Arrays.copyOfRange(otherSid, 1, 33),
                    java.util.Arrays.copyOfRange(otherSid, 33, 65));
            EapException e = assertThrows(EapException.class, () -> w.pull(forged, CipherSuite.AES_128_CCM_8));
            assertEquals(EapException.Reason.UNKNOWN_SESSION, e.reason());
            assertTrue(e.getMessage().contains("4.03"), e.getMessage());
            assertEquals(0, w.ueSad.size());
            assertEquals(apsBefore, w.apsSad.size());
            // a revoked session
            assertTrue(w.sessions.revoke(EapWorld.UE_ID));
            assertEquals(EapException.Reason.UNKNOWN_SESSION,
                    assertThrows(EapException.class, () -> w.pull(r.keys(), CipherSuite.AES_128_CCM_8)).reason());
            assertEquals(0, w.ueSad.size());
            assertEquals(apsBefore, w.apsSad.size());
        }
    }

    @Test
    void anAsThatDoesNotAnswerIsATimeoutAndChangesNothing() throws Exception {
        try (EapWorld w = EapWorld.start(new SecureRandom(), Clock.systemUTC(), 600, trace::add)) {
            CoapEapPeer.Result r = w.authenticateUe(EapWorld.UE_ID);
            int apsBefore = w.apsSad.size();
            w.stopKeyService();
            EapException e = assertThrows(EapException.class, () -> w.pull(r.keys(), CipherSuite.AES_128_CCM_8));
            assertEquals(EapException.Reason.TIMEOUT, e.reason(), e.getMessage());
            assertEquals(0, w.ueSad.size());
            assertEquals(apsBefore, w.apsSad.size());
        }
    }

    @Test
    void theUsrkOfOneApsIsNotAnothers() throws Exception {
        try (EapWorld w = EapWorld.start(new SecureRandom(), Clock.systemUTC(), 600, trace::add)) {
            CoapEapPeer.Result r = w.authenticateUe(EapWorld.UE_ID);
            assertTrue(!Usrk.forApplicationServer(r.keys().emsk(), "aps.recsec.test")
                    .equalsSecret(Usrk.forApplicationServer(r.keys().emsk(), "aps2.recsec.test")));
        }
    }

    @Test
    void theAsHandsAnApsUsrkOnlyToThatApsAuthenticatedPeer() throws Exception {
        try (EapWorld w = EapWorld.start(new SecureRandom(), Clock.systemUTC(), 600, trace::add)) {
            CoapEapPeer.Result r = w.authenticateUe(EapWorld.UE_ID);
            byte[] sid = r.keys().sessionId();
            String other = "aps2.recsec.test";
            EapWorld.KeyPuller aps2 = w.otherApplicationServer(other);

            // aps2 holds its own SA pair with the AS and is served by it, but names the first ApS: refused
            CoapResponse stolen = aps2.pull(new PullMessages.KeyRequest(EapWorld.APS_ID, EapWorld.UE_ID, sid));
            assertNotNull(stolen);
            assertEquals(CoAP.ResponseCode.FORBIDDEN, stolen.getCode());
            assertTrue(stolen.getResponseText().contains("authenticated peer"), stolen.getResponseText());

            // under its own name it gets its own USRK, not the first ApS's
            CoapResponse own = aps2.pull(new PullMessages.KeyRequest(other, EapWorld.UE_ID, sid));
            assertNotNull(own);
            assertEquals(CoAP.ResponseCode.CONTENT, own.getCode());
            PullMessages.KeyResponse k = PullMessages.KeyResponse.decode(own.getPayload());
            assertTrue(k.usrk().equalsSecret(Usrk.forApplicationServer(r.keys().emsk(), other)));
            assertTrue(!k.usrk().equalsSecret(Usrk.forApplicationServer(r.keys().emsk(), EapWorld.APS_ID)));

            // the first ApS still pulls its own key: the UE's pull through it installs the pair
            int before = w.apsSad.size();
            w.pull(r.keys(), CipherSuite.AES_128_CCM_8);
            assertEquals(before + 2, w.apsSad.size());
            assertEquals(CoAP.ResponseCode.CONTENT, w.protectedGet().getCode());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
