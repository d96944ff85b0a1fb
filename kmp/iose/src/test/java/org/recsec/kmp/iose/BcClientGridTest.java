package org.recsec.kmp.iose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bouncy Castle's TLS 1.3 client through the grid: shell keystore, the alert for an unknown SEN, HS. */
class BcClientGridTest {
    static IoseGrid grid;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        grid = new IoseGrid(List.of(TestSes.card("bc-se-one"), TestSes.card("bc-se-two")),
                IoseGrid.Config.defaults(), System::nanoTime);
        port = grid.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterAll
    static void stop() {
        grid.close();
    }

    static IoseClient open(String sen) throws Exception {
        return IoseClient.connect("127.0.0.1", port, sen, TestSes.IDENTITY.getBytes(StandardCharsets.US_ASCII),
                TestSes.PSK, "shell", new SecureRandom(), Duration.ofSeconds(30));
    }

    @Test
    void signatureVerifiesAndAlpnIsAgreed() throws Exception {
        byte[] data = "data to sign".getBytes(StandardCharsets.US_ASCII);
        try (IoseClient c = open("bc-se-one")) {
            assertTrue(c.alpnAgreed());
            assertEquals(32, c.handshakeSecret().length);
            PublicKey k = KeyFactory.getInstance("RSA").generatePublic(
                    new X509EncodedKeySpec(HexFormat.of().parseHex(c.call("p00"))));
            String sig = c.call("s00" + HexFormat.of().formatHex(data));
            Signature v = Signature.getInstance("SHA256withRSA");
            v.initVerify(k);
            v.update(data);
            assertTrue(v.verify(HexFormat.of().parseHex(sig)));
            assertEquals("E key", c.call("s02AA"));
            assertEquals("E syntax", c.call("s0"));
            assertEquals("E syntax", c.call("zzz"));
            assertEquals("E range", c.call("s00"));
        }
    }

    @Test
    void eachSessionHasItsOwnHandshakeSecret() throws Exception {
        byte[] a;
        byte[] b;
        try (IoseClient c = open("bc-se-two")) {
            a = c.handshakeSecret();
        }
        try (IoseClient c = open("bc-se-two")) {
            b = c.handshakeSecret();
        }
        assertFalse(java.util.Arrays.equals(a, b));
        assertArrayEquals(a, a.clone());
    }

    @Test
    void unknownSenIsRefusedWithUnrecognizedName() {
        IoseClient.IoseTlsException e = assertThrows(IoseClient.IoseTlsException.class, () -> open("no-such-se"));
        assertEquals(112, e.alert());
    }
}
