package org.recsec.kmp.eap.card;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.junit.jupiter.api.Test;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.Usrk;
import org.recsec.kmp.eap.as.EapSession;
import org.recsec.kmp.eap.coapeap.CoapEapPeer;
import org.recsec.kmp.eap.demo.EapWorld;
import org.recsec.kmp.eap.demo.UePeer;
import org.recsec.kmp.eap.testutil.Rfc5295Reference;
import org.recsec.record.base.CipherSuite;
import org.recsec.se.host.ApduCounter;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.SeCard;

/**
 * The UE's EAP-TLS peer on the secure element (the applet in jcardsim, TLS certificate mode) against our AS through
 * the AA: CoAP-EAP, RADIUS, EAP-TLS with TLS_DHE_RSA_WITH_AES_128_CCM_8 and mutual certificates; the Session-Id the
 * card answers equals the AS's, the card's USRK equals the one from the AS's EMSK (production KDF and the RFC text
 * reference); the pull key installs the pair and a protected GET is answered. No APDU response ever carries the
 * EMSK (every 16-byte window of it is searched in every response).
 */
class CardUeWorldTest {
    private final List<String> trace = new ArrayList<>();

    @Test
    void theCardAuthenticatesAndOnlyTheUsrkLeavesIt() throws Exception {
        RecordingLink link = new RecordingLink(JCardSimLink.open());
        SeCard card = new SeCard(link);
        try (EapWorld w = EapWorld.start(new SecureRandom(), Clock.systemUTC(), 600, trace::add, UePeer.CARD, card)) {
            ApduCounter.Snapshot before = link.counter().snapshot();
            CoapEapPeer.Result r = w.authenticateUe();
            ApduCounter.Snapshot eap = link.counter().snapshot().minus(before);
            assertNull(r.keys(), "no MSK/EMSK on the host");
            EapSession s = w.sessions.snapshot().get(EapWorld.UE_ID);
            assertNotNull(s, "the AS kept the session");
            assertArrayEquals(s.sessionId(), r.ueKeys().sessionId(), "the card's Session-Id is the AS's");
            byte[] emsk = s.emsk().toByteArray();

            ApduCounter.Snapshot beforeUsrk = link.counter().snapshot();
            byte[] cardUsrk = r.ueKeys().usrk(EapWorld.APS_ID).toByteArray();
            ApduCounter.Snapshot usrkCost = link.counter().snapshot().minus(beforeUsrk);
            assertArrayEquals(Usrk.forApplicationServer(s.emsk(), EapWorld.APS_ID).toByteArray(), cardUsrk);
            assertArrayEquals(Rfc5295Reference.kdf(emsk, Usrk.RECSEC_LABEL,
                    EapWorld.APS_ID.getBytes(StandardCharsets.UTF_8), 64), cardUsrk, "RFC 5295 text reference");
            assertFalse(Arrays.equals(cardUsrk, r.ueKeys().usrk("aps2.recsec.test").toByteArray()),
                    "every ApS its own USRK");

            w.pull(r.ueKeys(), CipherSuite.AES_128_CCM_8);
            assertEquals(2, w.ueSad.size());
            CoapResponse resp = w.protectedGet();
            assertNotNull(resp);
            assertEquals(CoAP.ResponseCode.CONTENT, resp.getCode());
            assertEquals("hello, " + EapWorld.UE_ID + ", from " + EapWorld.APS_ID, resp.getResponseText());

            List<byte[]> responses = link.responses();
            assertTrue(responses.size() > 10, "the handshake ran through the link");
            for (int i = 0; i + 16 <= emsk.length; i++) {
                byte[] window = Arrays.copyOfRange(emsk, i, i + 16);
                for (byte[] apdu : responses) {
                    assertFalse(contains(apdu, window), "an APDU response carries EMSK bytes " + i + "..");
                }
            }
            System.out.println("card as EAP-TLS peer, RESET .. server Finished + EAP-KEYS: " + eap
                    + "; one USRK: " + usrkCost);
            assertTrue(trace.stream().anyMatch(l -> l.contains("stayed on its card")), String.join("\n", trace));

            // a card RESET for another use forgets the keys: a typed refusal, not a crash
            card.reset(SeCard.MODE_TLS);
            EapException e = assertThrows(EapException.class, () -> r.ueKeys().usrk(EapWorld.APS_ID));
            assertEquals(EapException.Reason.TLS_FAILED, e.reason());
            assertEquals(EapException.Reason.TOO_LARGE,
                    assertThrows(EapException.class, () -> r.ueKeys().usrk("x".repeat(121))).reason());
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
