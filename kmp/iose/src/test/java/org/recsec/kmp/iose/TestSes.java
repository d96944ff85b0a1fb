package org.recsec.kmp.iose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Personalised simulated secure elements for the tests. */
final class TestSes {
    static final String IDENTITY = "client1";
    static final byte[] PSK = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    private TestSes() {
    }

    static IoseCard card(String sen) throws IOException {
        return card(sen, IDENTITY, PSK);
    }

    static IoseCard card(String sen, String identity, byte[] psk) throws IOException {
        IoseCard c = new IoseCard(SimulatedSes.newCard());
        c.personalise(identity.getBytes(StandardCharsets.US_ASCII), psk, sen);
        return c;
    }
}
