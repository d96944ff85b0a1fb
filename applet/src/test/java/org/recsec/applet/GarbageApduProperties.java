package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random APDUs (random CLA/INS/P1/P2/data, biased towards the applet's own commands and EAP-shaped data) in
 * three starting states yield only status words - never 6F00, the sign of an exception other than ISOException -
 * and afterwards RESET and a full handshake against Bouncy Castle still work.
 */
class GarbageApduProperties {

    enum Start { IDLE, HANDSHAKE_STARTED, ESTABLISHED }

    @Property(tries = 80)
    void garbageYieldsStatusWordsAndTheCardRecovers(@ForAll Start start,
            @ForAll("commands") List<CommandAPDU> commands) throws Exception {
        SimulatedCard card = new SimulatedCard();
        assertEquals(0x9000, card.personalise(1, CardTestBase.IDENTITY, CardTestBase.PSK, CardTestBase.SEN).getSW());
        DtlsSession before = null;
        if (start == Start.HANDSHAKE_STARTED) {
            new EapHost(card).start();
        } else if (start == Start.ESTABLISHED) {
            before = DtlsSession.open(card, CardTestBase.IDENTITY, CardTestBase.PSK, true, null);
        }
        try {
            for (CommandAPDU c : commands) {
                ResponseAPDU r = card.transmit(c); // throws on 6F00
                assertNotEquals(0x6F00, r.getSW());
                assertEquals(0, r.getSW() & 0xFFFF0000);
            }
        } finally {
            if (before != null) {
                before.close();
            }
        }
        assertEquals(0x9000, card.reset().getSW());
        try (DtlsSession s = DtlsSession.open(card, CardTestBase.IDENTITY, CardTestBase.PSK, true, null)) {
            assertEquals(5, card.state());
            assertArrayEquals(new byte[] {1, 2, 3}, s.cardToServer(new byte[] {1, 2, 3}));
            assertArrayEquals(new byte[] {4, 5}, s.eap.exchange(0, s.serverRecord(new byte[] {4, 5})));
        }
    }

    @Provide
    Arbitrary<List<CommandAPDU>> commands() {
        Arbitrary<Integer> cla = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(0x80, 0xA0)),
                Tuple.of(1, Arbitraries.integers().between(0, 255)));
        Arbitrary<Integer> ins = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(0x19, 0x80, 0x80, 0x80, 0x30, 0x32, 0x34, 0x36, 0x38, 0x3A)),
                Tuple.of(1, Arbitraries.integers().between(0, 255)));
        Arbitrary<Integer> p1 = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(0, 0x10, 1)),
                Tuple.of(1, Arbitraries.integers().between(0, 255)));
        Arbitrary<Integer> p2 = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(0, 0x97, 0x95)),
                Tuple.of(1, Arbitraries.integers().between(0, 255)));
        Arbitrary<byte[]> data = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(255),
                eapShaped());
        Arbitrary<Boolean> withLe = Arbitraries.of(true, false);
        Arbitrary<CommandAPDU> one = Combinators.combine(cla, ins, p1, p2, data, withLe)
                // SELECT belongs to the JCRE, not to the applet; Lc = 255 with Le makes a 261-byte command that
                // overflows jcardsim's 260-byte APDU buffer, and jcardsim itself answers 6F00 before the applet runs
                .filter((c, i, a, b, d, le) -> !(i == 0xA4 && (c & 0xFC) == 0) && !(le && d.length == 255))
                .as((c, i, a, b, d, le) -> d.length == 0
                        ? (le ? new CommandAPDU(c, i, a, b, 256) : new CommandAPDU(c, i, a, b))
                        : (le ? new CommandAPDU(c, i, a, b, d, 256) : new CommandAPDU(c, i, a, b, d)));
        return one.list().ofMinSize(1).ofMaxSize(12);
    }

    /** EAP-TLS packets with plausible and implausible codes, lengths, flags and TLS lengths. */
    private Arbitrary<byte[]> eapShaped() {
        Arbitrary<Integer> code = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(1)),
                Tuple.of(1, Arbitraries.integers().between(0, 255)));
        Arbitrary<Integer> type = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(13)),
                Tuple.of(1, Arbitraries.integers().between(0, 255)));
        Arbitrary<Integer> flags = Arbitraries.of(0x00, 0x80, 0xC0, 0x40, 0x20, 0xA0, 0x01, 0xFF);
        Arbitrary<Integer> tlsLen = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(0, 1200)),
                Tuple.of(1, Arbitraries.integers()));
        Arbitrary<byte[]> payload = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(240),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200).map(GarbageApduProperties::recordLike));
        Arbitrary<Integer> lengthSkew = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(-3, 3)));
        return Combinators.combine(code, type, flags, tlsLen, payload, lengthSkew).as((c, t, f, l, p, skew) -> {
            boolean hasL = (f & 0x80) != 0;
            int n = Math.min(p.length, 255 - 10);
            byte[] eap = EapHost.packet(c, 7, f, hasL ? l : -1, p, 0, n);
            int declared = eap.length + skew;
            eap[2] = (byte) (declared >> 8);
            eap[3] = (byte) declared;
            eap[4] = (byte) (int) t;
            return eap;
        });
    }

    /** Prefixes a DTLS record header (epoch 0 or 1) whose length may or may not fit. */
    private static byte[] recordLike(byte[] body) {
        byte[] r = new byte[13 + body.length];
        r[0] = (byte) (20 + (body.length % 4));
        r[1] = (byte) 0xFE;
        r[2] = (byte) 0xFD;
        r[4] = (byte) (body.length % 2);
        int len = body.length + (body.length % 3) - 1;
        r[11] = (byte) (len >> 8);
        r[12] = (byte) len;
        System.arraycopy(body, 0, r, 13, body.length);
        if (body.length > 12 && r[0] == 22) {
            // a handshake header with a random type but a consistent length now and then
            r[14] = 0;
            r[15] = (byte) ((body.length - 12) >> 8);
            r[16] = (byte) (body.length - 12);
        }
        return r;
    }
}
