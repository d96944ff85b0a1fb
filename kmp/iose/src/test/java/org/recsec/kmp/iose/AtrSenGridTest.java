package org.recsec.kmp.iose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsec.se.host.Atr;
import org.recsec.se.host.VpcdClient;

/**
 * The grid's cross-check of the SEN in a card's ATR against READ-SEN (issue 18 item 2), on simulated SEs behind a
 * link that reports an ATR as a PC/SC reader does (PcscGridTest runs the same through pcscd and vpcd).
 */
class AtrSenGridTest {

    /** A simulated SE's link that reports the given ATR. */
    private record AtrLink(SeLink inner, byte[] atrBytes) implements SeLink {
        @Override
        public byte[] transmit(byte[] command) throws IOException {
            return inner.transmit(command);
        }

        @Override
        public Optional<byte[]> atr() {
            return Optional.of(atrBytes.clone());
        }

        @Override
        public String describe() {
            return inner.describe() + " with ATR";
        }
    }

    private static IoseCard withAtr(String sen, byte[] atr) throws IOException {
        return new IoseCard(new AtrLink(TestSes.card(sen).link(), atr));
    }

    private static byte[] senAtr(String sen) {
        return Atr.t1(Atr.senHistoricalBytes(sen).orElseThrow());
    }

    @Test
    void atrSenThatMatchesReadSenIsAccepted() throws Exception {
        IoseCard card = withAtr("atr-match", senAtr("ATR-Match"));
        assertEquals(Optional.of("ATR-Match"), card.atrSen());
        try (IoseGrid grid = new IoseGrid(List.of(card, withAtr("atr-plain", VpcdClient.ATR)),
                IoseGrid.Config.defaults(), System::nanoTime)) {
            assertEquals(Set.of("atr-match", "atr-plain"), grid.names(), "ASCII case ignored; no SEN in the ATR: "
                    + "READ-SEN alone");
        }
    }

    @Test
    void atrSenThatDisagreesWithReadSenIsRefused() throws Exception {
        IOException e = assertThrows(IOException.class, () -> new IoseGrid(List.of(withAtr("atr-real",
                senAtr("atr-claimed"))), IoseGrid.Config.defaults(), System::nanoTime));
        assertTrue(e.getMessage().contains("ATR names it atr-claimed but READ-SEN answers atr-real"), e.getMessage());
    }

    @Test
    void malformedAtrIsRefused() throws Exception {
        byte[] bad = senAtr("atr-bad");
        bad[bad.length - 1] ^= 1;
        Atr.MalformedAtrException e = assertThrows(Atr.MalformedAtrException.class, () -> new IoseGrid(
                List.of(withAtr("atr-bad", bad)), IoseGrid.Config.defaults(), System::nanoTime));
        assertTrue(e.getMessage().contains("TCK"), e.getMessage() + " " + HexFormat.of().formatHex(bad));
    }
}
