package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import javax.smartcardio.ResponseAPDU;
import org.junit.jupiter.api.BeforeEach;

/** Every JUnit test of the applet starts from a freshly installed and selected applet in jcardsim. */
abstract class CardTestBase {

    static final byte[] IDENTITY = "device-42@recsec".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PSK = Hex.bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final byte[] SEN = "lock-7.se.example".getBytes(StandardCharsets.US_ASCII);

    SimulatedCard card;

    @BeforeEach
    void freshCard() {
        card = new SimulatedCard();
    }

    void personalise(int policy) {
        assertSw(0x9000, card.personalise(policy, IDENTITY, PSK, SEN));
    }

    /** RESET mode bits (RESET P2). */
    static final int TLS = 1;
    static final int CERT = 2;
    static final int RESUME = 4;

    /**
     * The host as provider: the card makes its key pair, the CA issues a certificate for the public key READ-PUBLIC-KEY
     * gives, and that certificate and the CA's (the trust anchor) are written to the card.
     */
    void provision(TestPki pki) throws Exception {
        card.generateKeyPair();
        byte[][] pub = card.publicKey();
        assertEquals(256, pub[0].length, "RSA-2048 modulus");
        byte[] der = pki.issueCard(pub[0], pub[1]).getEncoded();
        assertEquals(0x9000, card.writeCert(0, der), "card certificate");
        assertEquals(0x9000, card.writeCert(1, pki.ca.getEncoded()), "trust anchor");
    }

    static void assertSw(int expected, ResponseAPDU r) {
        assertEquals(String.format("%04X", expected), String.format("%04X", r.getSW()));
    }
}
