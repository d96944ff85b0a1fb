package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.smartcardio.ResponseAPDU;
import org.junit.jupiter.api.Test;

/** EXPORT-SA: the keys match an independent key schedule and let the host continue the card's session. */
class ExportTest extends CardTestBase {

    @Test
    void exportedKeysOpenTheCardsRecordsAndContinueTheSession() throws Exception {
        personalise(1);
        try (DtlsSession s = DtlsSession.open(card, IDENTITY, PSK, true, null)) {
            byte[] msg = "sealed on the card".getBytes(StandardCharsets.US_ASCII);
            byte[] cardRecord = s.eap.exchange(0x97, msg);
            byte[] serverRecord = s.serverRecord("from the server".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("from the server".getBytes(), s.eap.exchange(0, serverRecord));

            ResponseAPDU r = card.send(SimulatedCard.INS_EXPORT_SA, 0, 0, null);
            assertSw(0x9000, r);
            byte[] sa = r.getData();
            assertEquals(66, sa.length);
            assertArrayEquals(Hex.bytes("C0A8"), Arrays.copyOfRange(sa, 0, 2));
            // independent key schedule from the randoms Bouncy Castle's server saw and the PSK
            byte[] kb = HostCrypto.keyBlock(PSK, s.server.clientRandom, s.server.serverRandom);
            assertArrayEquals(kb, Arrays.copyOfRange(sa, 2, 42), "client/server keys and IVs");
            assertArrayEquals(Hex.bytes("0001 000000000002"), Arrays.copyOfRange(sa, 42, 50), "next write");
            assertArrayEquals(Hex.bytes("0001 000000000001"), Arrays.copyOfRange(sa, 50, 58), "highest read");
            assertArrayEquals(Hex.bytes("0000000000000003"), Arrays.copyOfRange(sa, 58, 66), "seq 0 and 1 seen");

            byte[] clientKey = Arrays.copyOfRange(sa, 2, 18);
            byte[] serverKey = Arrays.copyOfRange(sa, 18, 34);
            byte[] clientIv = Arrays.copyOfRange(sa, 34, 38);
            byte[] serverIv = Arrays.copyOfRange(sa, 38, 42);
            // the host (BC CCM) opens the record the card sealed before the export
            assertArrayEquals(msg, HostCrypto.openRecord(clientKey, clientIv, cardRecord));
            assertArrayEquals("from the server".getBytes(), HostCrypto.openRecord(serverKey, serverIv, serverRecord));
            // and continues the card's session: the server accepts the host's record at the next sequence number
            byte[] hostMsg = "continued on the host".getBytes(StandardCharsets.US_ASCII);
            s.server.clientEnd.send(HostCrypto.sealRecord(clientKey, clientIv, 23, 1, 2, hostMsg));
            byte[] buf = new byte[256];
            int n = s.transport.receive(buf, 0, buf.length, 5000);
            assertArrayEquals(hostMsg, Arrays.copyOf(buf, n));

            // the card forgot the session: no second export, no records
            assertEquals(6, card.state(), "EXPORTED");
            assertSw(0x6985, card.send(SimulatedCard.INS_EXPORT_SA, 0, 0, null));
            assertEquals(0x6985, assertThrows(EapHost.CardError.class, () -> s.eap.exchange(0x97, msg)).sw);
            assertEquals(0x6985, assertThrows(EapHost.CardError.class, () -> s.eap.exchange(0, serverRecord)).sw);
            // RESET starts over
            assertSw(0x9000, card.reset());
            assertEquals(0, card.state());
        }
    }

    @Test
    void exportRefusedWhenThePolicyDisallowsIt() throws Exception {
        personalise(0);
        try (DtlsSession s = DtlsSession.open(card, IDENTITY, PSK, true, null)) {
            assertSw(0x6986, card.send(SimulatedCard.INS_EXPORT_SA, 0, 0, null));
            assertEquals(5, card.state());
            assertArrayEquals("still usable".getBytes(), s.cardToServer("still usable".getBytes()));
        }
    }

    @Test
    void exportRefusesDataAndWrongParameters() throws Exception {
        personalise(1);
        try (DtlsSession s = DtlsSession.open(card, IDENTITY, PSK, true, null)) {
            assertSw(0x6B00, card.send(SimulatedCard.INS_EXPORT_SA, 1, 0, null));
            assertSw(0x6700, card.send(SimulatedCard.INS_EXPORT_SA, 0, 0, new byte[] {0}));
            assertEquals(5, card.state());
        }
    }
}
