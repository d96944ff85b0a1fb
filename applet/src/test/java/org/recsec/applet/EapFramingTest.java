package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Bad EAP-TLS framing is refused with a status word, in the handshake (error state) and after it (kept). */
class EapFramingTest extends CardTestBase {

    private int sw(int p1, int p2, String eapHex) {
        return card.send(SimulatedCard.INS_PROCESS_EAP, p1, p2, Hex.bytes(eapHex)).getSW();
    }

    private void startHandshake() {
        personalise(0);
        new EapHost(card).start();
        assertEquals(1, card.state());
    }

    @Test
    void framingErrorsDuringTheHandshakeAnswerASwAndNeedReset() {
        String[][] cases = {
            {"6A80", "01 01 0006 0E 00"},               // EAP type 14, not EAP-TLS
            {"6A80", "02 01 0006 0D 00"},               // a Response where a Request is expected
            {"6700", "01 01 0007 0D 00"},               // EAP Length 7 but 6 bytes
            {"6700", "01 01 0006 0D"},                  // shorter than an EAP-TLS header
            {"6A80", "01 01 0006 0D 01"},               // reserved flag bit
            {"6A80", "01 01 0008 0D 80 0000"},          // L without the four length bytes
            {"6A80", "01 01 000B 0D 80 00000002 16"},   // L says 2, but this unfragmented message has 1
            {"6A80", "01 01 000B 0D 80 00010000 16"},   // L with a length over 65535
            {"6A84", "01 01 000B 0D C0 00001000 16"},   // L: 4096 bytes do not fit the card
            {"6A80", "01 01 0007 0D 40 16"},            // M on a first fragment without L
            {"6A80", "01 01 0007 0D 20 16"},            // Start with data
        };
        personalise(0);
        for (String[] c : cases) {
            assertEquals(0x9000, card.reset().getSW());
            new EapHost(card).start();
            assertEquals(c[0], String.format("%04X", sw(0, 0, c[1])), c[1]);
            assertEquals(7, card.state(), "error state after " + c[1]);
        }
        assertEquals(0x6B00, card.send(SimulatedCard.INS_PROCESS_EAP, 1, 0, Hex.bytes("01 01 0006 0D 00")).getSW());
    }

    @Test
    void fragmentsMustAddUpToTheAnnouncedLength() {
        startHandshake();
        assertEquals(0x9000, sw(0, 0, "01 02 000C 0D C0 00000004 1616"));
        // the next fragment carries more than announced
        assertEquals(0x6A84, sw(0, 0, "01 03 0009 0D 00 161616"));
        assertEquals(7, card.state());

        assertEquals(0x9000, card.reset().getSW());
        new EapHost(card).start();
        assertEquals(0x9000, sw(0, 0, "01 02 000C 0D C0 00000004 1616"));
        // the last fragment leaves the message short
        assertEquals(0x6A80, sw(0, 0, "01 03 0007 0D 00 16"));

        assertEquals(0x9000, card.reset().getSW());
        new EapHost(card).start();
        assertEquals(0x9000, sw(0, 0, "01 02 000C 0D C0 00000004 1616"));
        // a later fragment changes P2 (the operation)
        assertEquals(0x6A80, sw(0, 0x97, "01 03 0008 0D 00 1616"));
    }

    @Test
    void fragmentAckIsTheEmptyResponse() {
        startHandshake();
        var r = card.send(SimulatedCard.INS_PROCESS_EAP, 0, 0, Hex.bytes("01 2A 000C 0D C0 00000004 1616"));
        assertEquals(0x9000, r.getSW());
        assertArrayEquals(Hex.bytes("02 2A 0006 0D 00"), r.getData());
        assertEquals(1, card.status()[1], "receiving");
    }

    @Test
    void whileTheCardSendsOnlyAnAckIsAccepted() throws Exception {
        personalise(0);
        try (DtlsSession s = DtlsSession.open(card, IDENTITY, PSK, true, null)) {
            // 200 bytes to seal: the 229-byte record leaves the card in two fragments
            var first = s.eap.request(0x97, 0, -1, new byte[200], 0, 200);
            assertEquals(0x9000, first.getSW());
            byte[] d = first.getData();
            assertEquals((byte) 0xC0, d[5], "L and M");
            // instead of the ACK, a new message: refused, the half-sent record dropped, the session kept
            assertEquals(0x6985, sw(0, 0x97, "01 07 0007 0D 00 41"));
            assertEquals(5, card.state());
            assertEquals(0, card.status()[1]);
            // the bad framing in the established state drops the message but keeps the session
            assertEquals(0x6A80, sw(0, 0, "01 01 0006 0E 00"));
            assertEquals(5, card.state());
            assertArrayEquals("after".getBytes(), s.cardToServer("after".getBytes()));
        }
    }
}
