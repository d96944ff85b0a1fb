package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Records after the handshake: chunked 1024-byte records, the replay window, forgeries, refused parameters. */
class RecordsTest extends CardTestBase {

    private DtlsSession s;
    private final Random random = new Random(7);

    @BeforeEach
    void establish() throws Exception {
        personalise(0);
        s = DtlsSession.open(card, IDENTITY, PSK, true, null);
    }

    @AfterEach
    void close() throws Exception {
        s.close();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Test
    void kilobyteRecordsTravelBothWaysInChunks() throws Exception {
        byte[] up = randomBytes(1024);
        long before = card.apdus;
        assertArrayEquals(up, s.cardToServer(up));
        // 1024 bytes in 200-byte EAP fragments: 6 requests in, then the 1053-byte record in 6 fragments out
        assertEquals(11, card.apdus - before);
        byte[] down = randomBytes(1024);
        assertArrayEquals(down, s.eap.exchange(0, s.serverRecord(down)));
        // the largest plaintext the card's buffer takes: 1088 - 29 = 1059 bytes
        byte[] max = randomBytes(1059);
        assertArrayEquals(max, s.cardToServer(max));
        EapHost.CardError tooLong = assertThrows(EapHost.CardError.class, () -> s.eap.exchange(0x97, new byte[1060]));
        assertEquals(0x6A84, tooLong.sw);
        assertEquals(5, card.state());
    }

    @Test
    void sequenceNumbersAdvanceAndAlertsCanBeSealed() throws Exception {
        byte[] r1 = s.eap.exchange(0x97, new byte[] {1});
        byte[] r2 = s.eap.exchange(0x95, new byte[] {1, 0}); // warning close_notify
        assertEquals(1, r1[10]);
        assertEquals(2, r2[10]);
        assertEquals(21, r2[0]);
        assertEquals(23, r1[0]);
    }

    @Test
    void windowAcceptsReorderingRefusesReplaysAndOldRecords() throws Exception {
        List<byte[]> recs = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            recs.add(s.serverRecord(new byte[] {(byte) i}));
        }
        // newest first, then two older ones inside the window
        assertArrayEquals(new byte[] {69}, s.eap.exchange(0, recs.get(69)));
        assertArrayEquals(new byte[] {10}, s.eap.exchange(0, recs.get(10)));
        assertArrayEquals(new byte[] {68}, s.eap.exchange(0, recs.get(68)));
        for (int i : new int[] {69, 10, 68}) {
            final int k = i;
            assertEquals(0x6984, assertThrows(EapHost.CardError.class, () -> s.eap.exchange(0, recs.get(k))).sw);
        }
        // record 5 has sequence number 6, 64 or more behind the highest (70): left of the window
        assertEquals(0x6984, assertThrows(EapHost.CardError.class, () -> s.eap.exchange(0, recs.get(5))).sw);
        // 6 (seq 7) is the oldest still inside
        assertArrayEquals(new byte[] {6}, s.eap.exchange(0, recs.get(6)));
    }

    @Test
    void forgedRecordsAreRefusedAndTheSessionGoesOn() throws Exception {
        byte[] good = s.serverRecord("genuine".getBytes());
        for (int pos : new int[] {0 + 11, 13, 25, good.length - 1}) {
            byte[] bad = good.clone();
            bad[pos] ^= 1;
            int sw = assertThrows(EapHost.CardError.class, () -> s.eap.exchange(0, bad)).sw;
            assertEquals(pos == 11 ? 0x6A80 : 0x6988, sw, "flip at " + pos);
        }
        // header changes covered by the AAD: type 23 -> 21, sequence number
        byte[] typed = good.clone();
        typed[0] = 21;
        assertEquals(0x6988, assertThrows(EapHost.CardError.class, () -> s.eap.exchange(0, typed)).sw);
        byte[] seq = good.clone();
        seq[10] ^= 0x40;
        assertEquals(0x6988, assertThrows(EapHost.CardError.class, () -> s.eap.exchange(0, seq)).sw);
        // a failed record does not enter the window: the genuine one still opens
        assertArrayEquals("genuine".getBytes(), s.eap.exchange(0, good));
        assertEquals(5, card.state());
    }

    @Test
    void malformedRecordsAndParametersAreRefused() throws Exception {
        byte[] good = s.serverRecord("x".getBytes());
        byte[] epoch0 = good.clone();
        epoch0[4] = 0;
        byte[] handshakeType = good.clone();
        handshakeType[0] = 22;
        byte[] version = good.clone();
        version[2] = (byte) 0xFF;
        byte[] shortRec = java.util.Arrays.copyOf(good, 13 + 15);
        for (byte[] bad : new byte[][] {epoch0, handshakeType, version, shortRec}) {
            assertEquals(0x6A80, assertThrows(EapHost.CardError.class, () -> s.eap.exchange(0, bad)).sw);
        }
        for (int p2 : new int[] {0x01, 0x17, 0x80, 0x94, 0x96, 0xFF}) {
            assertEquals(0x6B00, assertThrows(EapHost.CardError.class, () -> s.eap.exchange(p2, new byte[] {1})).sw,
                    "P2 " + p2);
        }
        assertArrayEquals("x".getBytes(), s.eap.exchange(0, good));
    }
}
