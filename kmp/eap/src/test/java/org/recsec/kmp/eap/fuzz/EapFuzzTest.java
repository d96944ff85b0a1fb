package org.recsec.kmp.eap.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapPacket;
import org.recsec.kmp.eap.aps.PullMessages;
import org.recsec.kmp.eap.as.AuthenticationServer;
import org.recsec.kmp.eap.as.SessionStore;
import org.recsec.kmp.eap.coapeap.CoapEapPayload;
import org.recsec.kmp.eap.demo.DemoPki;
import org.recsec.kmp.eap.radius.RadiusAttribute;
import org.recsec.kmp.eap.radius.RadiusAuth;
import org.recsec.kmp.eap.radius.RadiusPacket;
import org.recsec.kmp.eap.tls.EapTlsFrame;
import org.recsec.testsupport.FuzzSupport;

/**
 * Coverage-guided fuzz targets (FUZZING.md) for the EAP KMP's decoders: each is total (a value or an
 * {@link EapException} with a documented reason, nothing else) and, where it accepts, re-encodes exactly.
 * {@link #asHandle} goes past the authenticators: it signs the input as the EAP-Message of a genuine
 * Access-Request, so the AS's EAP and EAP-TLS parsing and its conversation table see arbitrary EAP.
 */
class EapFuzzTest {
    private static final byte[] SECRET = "fuzz-secret".getBytes(StandardCharsets.US_ASCII);
    private static final InetSocketAddress FROM = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1812);
    private static AuthenticationServer as;

    private static synchronized AuthenticationServer as() throws Exception {
        if (as == null) {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(1);
            Clock clock = Clock.fixed(Instant.ofEpochSecond(1_760_000_000L), ZoneOffset.UTC);
            as = new AuthenticationServer(new DemoPki(random, "fuzz").serverCredentials(), SECRET, random, clock,
                    600, 300, new SessionStore(clock, 4));
        }
        return as;
    }

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void radius(byte[] input) {
        try {
            RadiusPacket p = RadiusPacket.decode(input);
            int length = ((input[2] & 0xff) << 8) | (input[3] & 0xff);
            assertArrayEquals(Arrays.copyOf(input, length), p.encode());
        } catch (EapException e) {
            assertEquals(EapException.Reason.MALFORMED, e.reason());
        }
        try {
            RadiusPacket p = RadiusAuth.verifyRequest(input, 0, input.length, SECRET);
            if (p.count(RadiusPacket.ATTR_EAP_MESSAGE) > 0) {
                assertTrue(independentMessageAuthenticatorOk(p), "EAP-Message accepted without a valid MA");
            }
        } catch (EapException e) {
            assertTrue(e.reason() == EapException.Reason.MALFORMED
                    || e.reason() == EapException.Reason.BAD_AUTHENTICATOR, e.reason()::toString);
        }
    }

    /** RFC 3579 §3.2 recomputed with Bouncy Castle's HMac over the re-encoded packet, MA value zeroed. */
    private static boolean independentMessageAuthenticatorOk(RadiusPacket p) {
        byte[] wire = p.encode();
        int pos = RadiusPacket.HEADER_BYTES;
        int at = -1;
        while (pos < wire.length) {
            if ((wire[pos] & 0xff) == RadiusPacket.ATTR_MESSAGE_AUTHENTICATOR && (wire[pos + 1] & 0xff) == 18) {
                at = pos + 2;
            }
            pos += wire[pos + 1] & 0xff;
        }
        if (at < 0) {
            return false;
        }
        byte[] received = Arrays.copyOfRange(wire, at, at + 16);
        Arrays.fill(wire, at, at + 16, (byte) 0);
        org.bouncycastle.crypto.macs.HMac mac = new org.bouncycastle.crypto.macs.HMac(
                new org.bouncycastle.crypto.digests.MD5Digest());
        mac.init(new org.bouncycastle.crypto.params.KeyParameter(SECRET));
        mac.update(wire, 0, wire.length);
        byte[] out = new byte[16];
        mac.doFinal(out, 0);
        return Arrays.equals(out, received);
    }

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void eap(byte[] input) {
        try {
            EapPacket p = EapPacket.decode(input);
            int length = ((input[2] & 0xff) << 8) | (input[3] & 0xff);
            assertArrayEquals(Arrays.copyOf(input, length), p.encode());
        } catch (EapException e) {
            assertEquals(EapException.Reason.MALFORMED, e.reason());
        }
        try {
            assertArrayEquals(input, EapTlsFrame.decode(input).encode());
        } catch (EapException e) {
            assertEquals(EapException.Reason.MALFORMED, e.reason());
        }
        try {
            CoapEapPayload p = CoapEapPayload.decode(input);
            assertArrayEquals(input, p.encode(), "CoAP-EAP payloads re-encode exactly");
        } catch (EapException e) {
            assertEquals(EapException.Reason.MALFORMED, e.reason());
        }
    }

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void pullMessages(byte[] input) {
        try {
            assertArrayEquals(input, PullMessages.PullRequest.decode(input).encode());
        } catch (EapException e) {
            assertEquals(EapException.Reason.MALFORMED, e.reason());
        }
        try {
            assertArrayEquals(input, PullMessages.KeyRequest.decode(input).encode());
        } catch (EapException e) {
            assertEquals(EapException.Reason.MALFORMED, e.reason());
        }
        try {
            assertArrayEquals(input, PullMessages.PullResponse.decode(input).encode());
        } catch (EapException e) {
            assertEquals(EapException.Reason.MALFORMED, e.reason());
        }
        try {
            assertArrayEquals(input, PullMessages.KeyResponse.decode(input).encode());
        } catch (EapException e) {
            assertEquals(EapException.Reason.MALFORMED, e.reason());
        }
    }

    /** Input: 1 byte flags (bit 0: carry a State of 16 zero bytes) ‖ the EAP-Message bytes (at most 3800). */
    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void asHandle(byte[] input) throws Exception {
        if (input.length < 1 || input.length > 3801) {
            return;
        }
        AuthenticationServer server = as();
        byte[] eap = Arrays.copyOfRange(input, 1, input.length);
        List<RadiusAttribute> attrs = new ArrayList<>(RadiusPacket.eapMessageAttributes(eap));
        if ((input[0] & 1) != 0) {
            attrs.add(new RadiusAttribute(RadiusPacket.ATTR_STATE, new byte[16]));
        }
        byte[] auth = Arrays.copyOf(input, 16);
        auth[15] ^= (byte) input.length;
        byte[] wire = RadiusAuth.signRequest(new RadiusPacket(RadiusPacket.ACCESS_REQUEST, input.length & 0xff, auth,
                attrs), SECRET);
        long acceptedBefore = server.accepted();
        byte[] answer = server.handle(wire, 0, wire.length, FROM).orElse(null);
        assertEquals(acceptedBefore, server.accepted(), "no EAP-TLS without a handshake");
        assertEquals(0, server.sessions().size());
        if (answer != null) {
            RadiusPacket p = RadiusAuth.verifyResponse(answer, 0, answer.length, auth, SECRET);
            assertTrue(p.code() == RadiusPacket.ACCESS_CHALLENGE || p.code() == RadiusPacket.ACCESS_REJECT);
        } else {
            assertNull(answer);
        }
    }
}
