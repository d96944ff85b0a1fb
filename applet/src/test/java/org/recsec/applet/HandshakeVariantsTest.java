package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Handshake paths: without cookie or hint, a forged server Finished, recovery by RESET, the card's own bytes. */
class HandshakeVariantsTest extends CardTestBase {

    @Test
    void withoutCookieAndWithoutHint() throws Exception {
        personalise(0);
        try (DtlsSession s = DtlsSession.open(card, IDENTITY, PSK, false, null)) {
            assertEquals(5, card.state());
            assertArrayEquals("ping".getBytes(), s.cardToServer("ping".getBytes()));
        }
    }

    @Test
    void clientHelloIsWhatRfc6347Asks() throws Exception {
        personalise(0);
        try (DtlsSession s = DtlsSession.open(card, IDENTITY, PSK, true, "hint".getBytes())) {
            byte[] ch1 = s.bridge.cardRecords.get(0);
            byte[] ch2 = s.bridge.cardRecords.get(1);
            // record: handshake, DTLS 1.2, epoch 0, sequence numbers 0 and 1
            assertArrayEquals(Hex.bytes("16 FEFD 0000 000000000000"), java.util.Arrays.copyOf(ch1, 11));
            assertArrayEquals(Hex.bytes("16 FEFD 0000 000000000001"), java.util.Arrays.copyOf(ch2, 11));
            // message_seq 0 then 1; the same random in both (RFC 6347 §4.2.1)
            assertEquals(0, ch1[18]);
            assertEquals(1, ch2[18]);
            assertArrayEquals(java.util.Arrays.copyOfRange(ch1, 27, 59), java.util.Arrays.copyOfRange(ch2, 27, 59));
            assertArrayEquals(s.server.clientRandom, java.util.Arrays.copyOfRange(ch2, 27, 59));
            // empty session id, empty cookie first, then the server's cookie; suites C0A8 + SCSV; null compression
            assertEquals(0, ch1[59]);
            assertEquals(0, ch1[60]);
            assertArrayEquals(Hex.bytes("0004 C0A8 00FF 01 00"), java.util.Arrays.copyOfRange(ch1, 61, 69));
            int cookie = ch2[60] & 0xFF;
            assertEquals(true, cookie > 0);
            assertEquals(69 + cookie, ch2.length);
            // flight 5: ClientKeyExchange with the identity, CCS, Finished at epoch 1 seq 0
            byte[] cke = s.bridge.cardRecords.get(2);
            assertEquals(16, cke[13]);
            assertArrayEquals(IDENTITY, java.util.Arrays.copyOfRange(cke, 27, 27 + IDENTITY.length));
            assertArrayEquals(Hex.bytes("14 FEFD 0000 000000000003 0001 01"), s.bridge.cardRecords.get(3));
            assertArrayEquals(Hex.bytes("16 FEFD 0001 000000000000 0028"),
                    java.util.Arrays.copyOf(s.bridge.cardRecords.get(4), 13));
        }
    }

    @Test
    void forgedServerFinishedIsRefusedAndResetRecovers() throws Exception {
        personalise(0);
        EapHost eap = new EapHost(card);
        AtomicInteger flips = new AtomicInteger();
        EapHost.CardError e = assertThrows(EapHost.CardError.class,
                () -> DtlsSession.open(eap, IDENTITY, PSK, true, null, payload -> {
                    byte[] p = payload.clone();
                    // the last record of the server's last flight is its Finished at epoch 1
                    int last = lastRecord(p);
                    if (p[last + 4] == 1) {
                        p[p.length - 1] ^= 1;
                        flips.incrementAndGet();
                    }
                    return p;
                }));
        assertEquals(1, flips.get());
        assertEquals(0x6988, e.sw);
        assertEquals(7, card.state(), "ERROR");
        // in the error state only RESET helps
        assertEquals(0x6985, assertThrows(EapHost.CardError.class, eap::start).sw);
        assertEquals(0x6985, assertThrows(EapHost.CardError.class, () -> eap.exchange(0, new byte[] {1})).sw);
        assertSw(0x9000, card.reset());
        try (DtlsSession s = DtlsSession.open(eap, IDENTITY, PSK, true, null, p -> p)) {
            assertArrayEquals("recovered".getBytes(), s.cardToServer("recovered".getBytes()));
        }
    }

    @Test
    void startTwiceIsRefused() {
        personalise(0);
        EapHost eap = new EapHost(card);
        byte[] ch = eap.start();
        assertEquals(22, ch[0]);
        assertEquals(0x6985, assertThrows(EapHost.CardError.class, eap::start).sw);
        assertEquals(7, card.state());
    }

    @Test
    void serverRecordsInTheWrongOrderAreRefused() {
        personalise(0);
        EapHost eap = new EapHost(card);
        eap.start();
        // a ServerHelloDone where a ServerHello or HelloVerifyRequest is expected
        byte[] shd = Hex.bytes("16 FEFD 0000 000000000001 000C 0E 000000 0001 000000 000000");
        assertEquals(0x6A80, assertThrows(EapHost.CardError.class, () -> eap.exchange(0, shd)).sw);
        assertEquals(7, card.state());
        // an alert during the handshake
        assertSw(0x9000, card.reset());
        eap.start();
        byte[] alert = Hex.bytes("15 FEFD 0000 000000000001 0002 02 28");
        assertEquals(0x6A80, assertThrows(EapHost.CardError.class, () -> eap.exchange(0, alert)).sw);
        // a fragmented handshake message (the bridge must reassemble)
        assertSw(0x9000, card.reset());
        eap.start();
        byte[] frag = Hex.bytes("16 FEFD 0000 000000000001 000E 03 000003 0000 000000 000002 FEFF");
        assertEquals(0x6A80, assertThrows(EapHost.CardError.class, () -> eap.exchange(0, frag)).sw);
        // a record length beyond the payload
        assertSw(0x9000, card.reset());
        eap.start();
        byte[] overrun = Hex.bytes("16 FEFD 0000 000000000001 0040 03 000003 0000 000000 000003 FEFF00");
        assertEquals(0x6A80, assertThrows(EapHost.CardError.class, () -> eap.exchange(0, overrun)).sw);
    }

    private static int lastRecord(byte[] p) {
        int o = 0;
        int last = 0;
        while (o < p.length) {
            last = o;
            o += 13 + (((p[o + 11] & 0xFF) << 8) | (p[o + 12] & 0xFF));
        }
        return last;
    }
}
