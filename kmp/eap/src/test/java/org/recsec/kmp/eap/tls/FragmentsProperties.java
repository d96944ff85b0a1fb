package org.recsec.kmp.eap.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.recsec.kmp.eap.EapException;

class FragmentsProperties {
    @Property(tries = 300)
    void aFlightCutIntoFragmentsIsReassembledWhole(@ForAll @Size(min = 1, max = 20000) byte[] flight,
                                                   @ForAll @IntRange(min = 64, max = 4000) int fragmentBytes)
            throws Exception {
        Fragments sender = new Fragments(fragmentBytes);
        Fragments receiver = new Fragments(fragmentBytes);
        sender.send(flight);
        byte[] whole = null;
        int n = 0;
        while (sender.hasOutput()) {
            EapTlsFrame f = EapTlsFrame.decode(sender.nextFragment().encode());
            n++;
            whole = receiver.receive(f);
            if (sender.hasOutput()) {
                assertNull(whole);
            }
        }
        assertArrayEquals(flight, whole);
        assertEquals((flight.length + fragmentBytes - 1) / fragmentBytes, n);
    }

    @Property(tries = 300)
    void anOverlongFragmentIsRefusedAndTheReassemblyGoesOn(@ForAll @Size(min = 200, max = 3000) byte[] flight)
            throws Exception {
        Fragments sender = new Fragments(100);
        Fragments receiver = new Fragments(100);
        sender.send(flight);
        EapTlsFrame first = sender.nextFragment();
        assertNull(receiver.receive(first));
        // a last fragment that would overrun the announced TLS length: refused, state unchanged
        EapTlsFrame bogus = new EapTlsFrame(0, -1, new byte[flight.length]);
        try {
            receiver.receive(bogus);
            throw new AssertionError("accepted");
        } catch (EapException e) {
            assertEquals(EapException.Reason.MALFORMED, e.reason());
        }
        byte[] whole = null;
        while (sender.hasOutput()) {
            whole = receiver.receive(sender.nextFragment());
        }
        assertArrayEquals(flight, whole);
    }

    @Property(tries = 100)
    void anAnnouncedLengthAboveTheLimitIsRefusedBeforeBuffering(@ForAll @IntRange(min = 65537) int announced)
            throws Exception {
        Fragments receiver = new Fragments(1000);
        EapTlsFrame f = new EapTlsFrame(EapTlsFrame.FLAG_L | EapTlsFrame.FLAG_M, announced & 0xffffffffL,
                new byte[10]);
        try {
            receiver.receive(f);
            throw new AssertionError("accepted");
        } catch (EapException e) {
            assertEquals(EapException.Reason.TOO_LARGE, e.reason());
        }
        assertEquals(false, receiver.receiving());
    }
}
