package org.recsec.kmp.eap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.recsec.kmp.eap.radius.RadiusAttribute;
import org.recsec.kmp.eap.radius.RadiusAuth;
import org.recsec.kmp.eap.radius.RadiusPacket;
import org.recsec.kmp.eap.tls.EapTlsFrame;

/**
 * Fuzz-style properties of the decoders: any bytes give a packet or a typed {@link EapException}, nothing else;
 * what decodes re-encodes to the bytes it came from; mutations of signed packets never verify.
 */
class DecoderProperties {
    private static final byte[] SECRET = "prop-secret".getBytes(StandardCharsets.US_ASCII);

    @Provide
    Arbitrary<byte[]> anyBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(600);
    }

    /** Bytes that start like a RADIUS packet with a consistent length, so the attribute parser gets exercised. */
    @Provide
    Arbitrary<byte[]> radiusLike() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(20).ofMaxSize(600).map(b -> {
            b[2] = (byte) (b.length >> 8);
            b[3] = (byte) b.length;
            return b;
        });
    }

    @Property(tries = 2000)
    void radiusDecodeGivesAPacketOrATypedRefusal(@ForAll("radiusLike") byte[] b) {
        try {
            RadiusPacket p = RadiusPacket.decode(b);
            assertArrayEquals(b, p.encode());
        } catch (EapException e) {
            assertEquals(EapException.Reason.MALFORMED, e.reason());
        }
    }

    @Property(tries = 1000)
    void radiusVerifyOfRandomBytesNeverSucceedsWithEapMessage(@ForAll("anyBytes") byte[] b) {
        try {
            RadiusPacket p = RadiusAuth.verifyRequest(b, 0, b.length, SECRET);
            // only a packet without EAP-Message and without Message-Authenticator gets through unauthenticated
            assertEquals(0, p.count(RadiusPacket.ATTR_EAP_MESSAGE));
            assertEquals(0, p.count(RadiusPacket.ATTR_MESSAGE_AUTHENTICATOR));
        } catch (EapException e) {
            // typed refusal
        }
    }

    @Property(tries = 2000)
    void eapDecodeGivesAPacketOrATypedRefusal(@ForAll("anyBytes") byte[] b) {
        try {
            EapPacket p = EapPacket.decode(b);
            int length = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            assertArrayEquals(java.util.Arrays.copyOf(b, length), p.encode());
        } catch (EapException e) {
            assertEquals(EapException.Reason.MALFORMED, e.reason());
        }
    }

    @Property(tries = 2000)
    void eapTlsFrameDecodeGivesAFrameOrATypedRefusal(@ForAll("anyBytes") byte[] b) {
        try {
            assertArrayEquals(b, EapTlsFrame.decode(b).encode());
        } catch (EapException e) {
            assertEquals(EapException.Reason.MALFORMED, e.reason());
        }
    }

    @Property(tries = 300)
    void everyBitFlipOfASignedResponseIsRefused(@ForAll @Size(min = 1, max = 900) byte[] eap,
                                                @ForAll @IntRange(min = 0, max = 100_000) int bitSeed) {
        byte[] reqAuth = new byte[16];
        byte[] wire = RadiusAuth.signResponse(RadiusPacket.ACCESS_CHALLENGE, 3,
                RadiusPacket.eapMessageAttributes(eap), reqAuth, SECRET);
        int bit = bitSeed % (wire.length * 8);
        wire[bit / 8] ^= (byte) (1 << (bit % 8));
        try {
            RadiusAuth.verifyResponse(wire, 0, wire.length, reqAuth, SECRET);
            throw new AssertionError("bit " + bit + " flipped and still verified");
        } catch (EapException e) {
            // refused
        }
    }

    @Property(tries = 300)
    void eapMessagesSplitAndJoin(@ForAll @Size(min = 1, max = 3800) byte[] eap) {
        List<RadiusAttribute> attrs = RadiusPacket.eapMessageAttributes(eap);
        RadiusPacket p = new RadiusPacket(RadiusPacket.ACCESS_REQUEST, 1, new byte[16], attrs);
        assertArrayEquals(eap, p.eapMessage().orElseThrow());
    }
}
