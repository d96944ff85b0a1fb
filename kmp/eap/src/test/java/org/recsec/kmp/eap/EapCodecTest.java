package org.recsec.kmp.eap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.recsec.kmp.eap.tls.EapTlsFrame;

class EapCodecTest {
    @Test
    void requestRoundTripsAndTrailingBytesArePadding() throws Exception {
        EapPacket p = EapPacket.of(EapPacket.CODE_REQUEST, 200, EapPacket.TYPE_TLS, new byte[] {0x20});
        byte[] wire = p.encode();
        assertArrayEquals(Hex.decode("01c800060d20"), wire);
        assertArrayEquals(wire, EapPacket.decode(wire).encode());
        byte[] padded = java.util.Arrays.copyOf(wire, wire.length + 3);
        assertArrayEquals(wire, EapPacket.decode(padded).encode());
        assertArrayEquals(Hex.decode("03070004"), EapPacket.result(true, 7).encode());
    }

    @Test
    void lengthMismatchesAndUnknownCodesAreMalformed() {
        for (String bad : new String[] {"", "01", "010100", "01010005", "0101000a0d", "01010004", "03010005ff",
                "04010003", "05010004", "00010004", "0201ffff0d00"}) {
            byte[] b = Hex.decode(bad);
            assertEquals(EapException.Reason.MALFORMED,
                    assertThrows(EapException.class, () -> EapPacket.decode(b), bad).reason(), bad);
        }
    }

    @Test
    void everyTruncationOfARequestIsRefused() {
        byte[] wire = EapPacket.of(EapPacket.CODE_RESPONSE, 1, EapPacket.TYPE_IDENTITY, new byte[40]).encode();
        for (int len = 0; len < wire.length; len++) {
            int l = len;
            assertThrows(EapException.class, () -> EapPacket.decode(wire, 0, l), "len " + l);
        }
    }

    @Test
    void eapTlsFramesParseTheirFlagsAndLength() throws Exception {
        EapTlsFrame f = EapTlsFrame.decode(Hex.decode("c000000002aabb"));
        assertEquals(true, f.lengthIncluded());
        assertEquals(true, f.moreFragments());
        assertEquals(2, f.messageLength());
        assertArrayEquals(Hex.decode("aabb"), f.data());
        assertArrayEquals(Hex.decode("c000000002aabb"), f.encode());
        assertEquals(true, EapTlsFrame.decode(Hex.decode("00")).isAck());
        assertEquals(true, EapTlsFrame.decode(Hex.decode("20")).start());
        for (String bad : new String[] {"", "80", "80000000"}) {
            assertEquals(EapException.Reason.MALFORMED, assertThrows(EapException.class,
                    () -> EapTlsFrame.decode(Hex.decode(bad))).reason(), bad);
        }
    }
}
