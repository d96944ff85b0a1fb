package org.recsec.kmp.eap.radius;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.Hex;
import org.recsec.record.base.SecretBytes;

class RadiusCodecTest {
    private static final byte[] SECRET = "s3cr3t".getBytes(StandardCharsets.US_ASCII);

    /** RFC 2865 §7.1: the Access-Accept to the example request, secret "xyzzy5461". */
    @Test
    void responseAuthenticatorOfTheRfc2865Example() throws Exception {
        byte[] requestAuth = Hex.decode("0f403f9473978057bd83d5cb98f4227a");
        byte[] accept = Hex.decode("02000026" + "86fe220e7624ba2a1005f6bf9b55e0b2"
                + "0606000000010f06000000000e06c0a80103");
        RadiusPacket p = RadiusAuth.verifyResponse(accept, 0, accept.length, requestAuth,
                "xyzzy5461".getBytes(StandardCharsets.US_ASCII));
        assertEquals(RadiusPacket.ACCESS_ACCEPT, p.code());
        assertEquals(3, p.attributes().size());
        accept[25] ^= 1;
        assertEquals(EapException.Reason.BAD_AUTHENTICATOR, assertThrows(EapException.class,
                () -> RadiusAuth.verifyResponse(accept, 0, accept.length, requestAuth,
                        "xyzzy5461".getBytes(StandardCharsets.US_ASCII))).reason());
    }

    private static byte[] eap(int n, Random r) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        b[0] = 2;
        b[2] = (byte) (n >> 8);
        b[3] = (byte) n;
        return b;
    }

    private static byte[] signedRequest(byte[] eap, byte[] auth) {
        List<RadiusAttribute> attrs = new ArrayList<>();
        attrs.add(new RadiusAttribute(RadiusPacket.ATTR_USER_NAME, "ue1".getBytes(StandardCharsets.UTF_8)));
        attrs.addAll(RadiusPacket.eapMessageAttributes(eap));
        return RadiusAuth.signRequest(new RadiusPacket(RadiusPacket.ACCESS_REQUEST, 9, auth, attrs), SECRET);
    }

    @Test
    void eapMessagesAreSplitAt253BytesAndJoinedAgain() throws Exception {
        Random r = new Random(1);
        for (int n : new int[] {4, 252, 253, 254, 506, 507, 1400}) {
            byte[] e = eap(n, r);
            byte[] wire = signedRequest(e, new byte[16]);
            RadiusPacket p = RadiusAuth.verifyRequest(wire, 0, wire.length, SECRET);
            assertArrayEquals(e, p.eapMessage().orElseThrow(), "n=" + n);
            assertEquals((n + 252) / 253, p.count(RadiusPacket.ATTR_EAP_MESSAGE), "n=" + n);
            assertArrayEquals(wire, p.encode(), "n=" + n);
        }
    }

    @Test
    void everySingleBitFlipOfASignedRequestIsRefused() {
        byte[] wire = signedRequest(eap(40, new Random(2)), new byte[16]);
        for (int i = 0; i < wire.length * 8; i++) {
            byte[] m = wire.clone();
            m[i / 8] ^= (byte) (1 << (i % 8));
            int bit = i;
            EapException e = assertThrows(EapException.class, () -> RadiusAuth.verifyRequest(m, 0, m.length, SECRET),
                    () -> "bit " + bit);
            assertTrue(e.reason() == EapException.Reason.MALFORMED
                    || e.reason() == EapException.Reason.BAD_AUTHENTICATOR, "bit " + bit);
        }
    }

    @Test
    void everySingleBitFlipOfASignedResponseIsRefused() {
        byte[] reqAuth = new byte[16];
        new Random(3).nextBytes(reqAuth);
        byte[] wire = RadiusAuth.signResponse(RadiusPacket.ACCESS_CHALLENGE, 9,
                RadiusPacket.eapMessageAttributes(eap(300, new Random(4))), reqAuth, SECRET);
        for (int i = 0; i < wire.length * 8; i++) {
            byte[] m = wire.clone();
            m[i / 8] ^= (byte) (1 << (i % 8));
            int bit = i;
            assertThrows(EapException.class, () -> RadiusAuth.verifyResponse(m, 0, m.length, reqAuth, SECRET),
                    () -> "bit " + bit);
        }
        assertThrows(EapException.class, () -> RadiusAuth.verifyResponse(wire, 0, wire.length, reqAuth,
                "other".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] wire = signedRequest(eap(600, new Random(5)), new byte[16]);
        for (int len = 0; len < wire.length; len++) {
            int l = len;
            assertEquals(EapException.Reason.MALFORMED, assertThrows(EapException.class,
                    () -> RadiusPacket.decode(wire, 0, l), () -> "len " + l).reason());
        }
    }

    @Test
    void bytesAfterTheLengthFieldAreIgnored() throws Exception {
        byte[] wire = signedRequest(eap(20, new Random(6)), new byte[16]);
        byte[] padded = java.util.Arrays.copyOf(wire, wire.length + 7);
        assertArrayEquals(wire, RadiusAuth.verifyRequest(padded, 0, padded.length, SECRET).encode());
    }

    @Test
    void eapMessageWithoutMessageAuthenticatorIsRefused() {
        RadiusPacket p = new RadiusPacket(RadiusPacket.ACCESS_REQUEST, 1, new byte[16],
                RadiusPacket.eapMessageAttributes(eap(10, new Random(7))));
        byte[] wire = p.encode();
        assertEquals(EapException.Reason.BAD_AUTHENTICATOR, assertThrows(EapException.class,
                () -> RadiusAuth.verifyRequest(wire, 0, wire.length, SECRET)).reason());
    }

    @Test
    void badAttributeLengthsAreRefused() {
        for (String attrs : new String[] {"01", "0101", "0100", "0104ab", "00026162", "011a" + "00".repeat(10)}) {
            byte[] head = Hex.decode("010100" + String.format("%02x", 20 + attrs.length() / 2) + "00".repeat(16));
            byte[] wire = java.util.Arrays.copyOf(head, head.length + attrs.length() / 2);
            System.arraycopy(Hex.decode(attrs), 0, wire, 20, attrs.length() / 2);
            assertEquals(EapException.Reason.MALFORMED, assertThrows(EapException.class,
                    () -> RadiusPacket.decode(wire), attrs).reason(), attrs);
        }
    }

    @Test
    void mppeKeysRoundTripAndDecryptOnlyWithTheRightSecretAndAuthenticator() throws Exception {
        Random r = new Random(8);
        byte[] key = new byte[32];
        r.nextBytes(key);
        byte[] reqAuth = new byte[16];
        r.nextBytes(reqAuth);
        RadiusAttribute a = RadiusAuth.mppeKeyAttribute(RadiusAuth.MS_MPPE_RECV_KEY, SecretBytes.copyOf(key), SECRET,
                reqAuth, new byte[] {1, 2});
        // vendor 311, type 17, salt with the high bit, 48 bytes of ciphertext (1 + 32 padded to 48)
        assertEquals(4 + 2 + 2 + 48, a.value().length);
        assertEquals((byte) 0x81, a.value()[6]);
        RadiusPacket p = new RadiusPacket(RadiusPacket.ACCESS_ACCEPT, 1, reqAuth, List.of(a));
        assertArrayEquals(key, RadiusAuth.mppeKey(p, RadiusAuth.MS_MPPE_RECV_KEY, SECRET, reqAuth).orElseThrow()
                .toByteArray());
        assertTrue(RadiusAuth.mppeKey(p, RadiusAuth.MS_MPPE_SEND_KEY, SECRET, reqAuth).isEmpty());
        // with the wrong Request Authenticator the plaintext is garbage: a refused length or another key
        try {
            SecretBytes wrong = RadiusAuth.mppeKey(p, RadiusAuth.MS_MPPE_RECV_KEY, SECRET, new byte[16])
                    .orElseThrow();
            assertTrue(!wrong.equalsSecret(SecretBytes.copyOf(key)));
        } catch (EapException e) {
            assertEquals(EapException.Reason.MALFORMED, e.reason());
        }
    }
}
