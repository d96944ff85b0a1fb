package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** SELECT, PERSONALISE, READ-SEN, RESET, FACTORY-RESET, GET-STATUS and the refusals around them. */
class BasicCommandsTest extends CardTestBase {

    @Test
    void selectAnswers9000AndFreshCardIsIdleAndUnpersonalised() {
        assertArrayEquals(new byte[] {0, 0, 0, 0}, card.status());
    }

    @Test
    void personaliseStoresSenAndPolicyButNeverTheSecrets() {
        personalise(1);
        assertArrayEquals(new byte[] {0, 0, 1, 1}, card.status());
        var r = card.send(SimulatedCard.INS_READ_SEN, 0, 0, null);
        assertSw(0x9000, r);
        assertArrayEquals(SEN, r.getData());
    }

    @Test
    void personaliseTwiceIsRefusedUntilFactoryReset() {
        personalise(0);
        assertSw(0x6985, card.personalise(1, IDENTITY, PSK, "other".getBytes()));
        // the first personalisation is untouched
        assertArrayEquals(SEN, card.send(SimulatedCard.INS_READ_SEN, 0, 0, null).getData());
        assertEquals(0, card.status()[3]);
        assertSw(0x9000, card.send(SimulatedCard.INS_FACTORY_RESET, 0, 0, "WIPE".getBytes()));
        assertArrayEquals(new byte[] {0, 0, 0, 0}, card.status());
        assertSw(0x6985, card.send(SimulatedCard.INS_READ_SEN, 0, 0, null));
        assertSw(0x9000, card.personalise(1, IDENTITY, PSK, "other".getBytes()));
        assertArrayEquals("other".getBytes(), card.send(SimulatedCard.INS_READ_SEN, 0, 0, null).getData());
    }

    @Test
    void factoryResetNeedsItsConfirmation() {
        personalise(0);
        assertSw(0x6A80, card.send(SimulatedCard.INS_FACTORY_RESET, 0, 0, null));
        assertSw(0x6A80, card.send(SimulatedCard.INS_FACTORY_RESET, 0, 0, "WIPF".getBytes()));
        assertSw(0x6B00, card.send(SimulatedCard.INS_FACTORY_RESET, 1, 0, "WIPE".getBytes()));
        assertEquals(1, card.status()[2]);
    }

    @Test
    void readSenBeforePersonalisationIsRefused() {
        assertSw(0x6985, card.send(SimulatedCard.INS_READ_SEN, 0, 0, null));
    }

    @Test
    void emptySenIsAllowed() {
        assertSw(0x9000, card.personalise(0, IDENTITY, PSK, new byte[0]));
        var r = card.send(SimulatedCard.INS_READ_SEN, 0, 0, null);
        assertSw(0x9000, r);
        assertEquals(0, r.getData().length);
    }

    @Test
    void malformedPersonalisationIsRefusedAndStoresNothing() {
        byte[] big = new byte[65];
        assertSw(0x6A80, card.personalise(0, new byte[0], PSK, SEN));
        assertSw(0x6A80, card.personalise(0, big, PSK, SEN));
        assertSw(0x6A80, card.personalise(0, IDENTITY, new byte[0], SEN));
        assertSw(0x6A80, card.personalise(0, IDENTITY, big, SEN));
        assertSw(0x6A80, card.personalise(0, IDENTITY, PSK, big));
        assertSw(0x6A80, card.personalise(2, IDENTITY, PSK, SEN));
        // trailing byte after the SEN
        byte[] d = {0, 1, 'a', 1, 7, 1, 's', 9};
        assertSw(0x6A80, card.send(SimulatedCard.INS_PERSONALISE, 0, 0, d));
        // truncated: the SEN length says 5
        assertSw(0x6A80, card.send(SimulatedCard.INS_PERSONALISE, 0, 0, new byte[] {0, 1, 'a', 1, 7, 5, 's'}));
        assertSw(0x6700, card.send(SimulatedCard.INS_PERSONALISE, 0, 0, new byte[] {0, 1, 'a'}));
        assertSw(0x6B00, card.send(SimulatedCard.INS_PERSONALISE, 0, 1, new byte[] {0, 1, 'a', 1, 7, 0}));
        assertEquals(0, card.status()[2]);
    }

    @Test
    void resetNeedsP1x10AndIsAllowedInAnyState() {
        assertSw(0x9000, card.reset());
        assertSw(0x6B00, card.send(SimulatedCard.INS_RESET, 0x00, 0x00, null));
        // P2 bits 0-2 choose TLS, certificate mode and resumption; the others are refused
        assertSw(0x6B00, card.send(SimulatedCard.INS_RESET, 0x10, 0x08, null));
        assertSw(0x6B00, card.send(SimulatedCard.INS_RESET, 0x10, 0x80, null));
        assertSw(0x9000, card.send(SimulatedCard.INS_RESET, 0x10, 0x07, null));
        assertSw(0x6700, card.send(SimulatedCard.INS_RESET, 0x10, 0x00, new byte[] {1}));
        // Urien's class byte A0 is accepted too
        assertSw(0x9000, card.send(0xA0, SimulatedCard.INS_RESET, 0x10, 0x00, null));
    }

    @Test
    void unknownClassAndInstructionAreRefused() {
        assertSw(0x6E00, card.send(0x00, SimulatedCard.INS_RESET, 0x10, 0x00, null));
        assertSw(0x6D00, card.send(0x80, 0x5E, 0, 0, null));
    }

    @Test
    void handshakeBeforePersonalisationIsRefused() {
        var host = new EapHost(card);
        EapHost.CardError e = org.junit.jupiter.api.Assertions.assertThrows(EapHost.CardError.class, host::start);
        assertEquals(0x6985, e.sw);
    }

    @Test
    void exportAndRecordsBeforeTheHandshakeAreRefused() {
        personalise(1);
        assertSw(0x6985, card.send(SimulatedCard.INS_EXPORT_SA, 0, 0, null));
        var host = new EapHost(card);
        EapHost.CardError e = org.junit.jupiter.api.Assertions.assertThrows(EapHost.CardError.class,
                () -> host.exchange(0x97, new byte[] {1, 2, 3}));
        assertEquals(0x6985, e.sw);
        e = org.junit.jupiter.api.Assertions.assertThrows(EapHost.CardError.class,
                () -> host.exchange(0x00, new byte[] {1, 2, 3}));
        assertEquals(0x6985, e.sw);
    }

    @Test
    void exportIsRefusedByPolicyWhateverTheState() {
        personalise(0);
        assertSw(0x6986, card.send(SimulatedCard.INS_EXPORT_SA, 0, 0, null));
    }
}
