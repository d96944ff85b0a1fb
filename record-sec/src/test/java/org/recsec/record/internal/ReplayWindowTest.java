package org.recsec.record.internal;

import org.recsec.record.base.RecSecException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    private static RecSecException.Reason reasonOf(ThrowingRunnable r) {
        RecSecException e = assertThrows(RecSecException.class, r::run);
        return e.reason();
    }

    interface ThrowingRunnable {
        void run() throws RecSecException;
    }

    @Test
    void duplicateIsRefused() throws RecSecException {
        ReplayWindow w = new ReplayWindow(64);
        w.check(5);
        w.accept(5);
        assertEquals(RecSecException.Reason.REPLAY, reasonOf(() -> w.check(5)));
        assertEquals(RecSecException.Reason.REPLAY, reasonOf(() -> w.accept(5)));
    }

    @Test
    void reorderedInsideWindowAcceptedExactlyOnce() throws RecSecException {
        ReplayWindow w = new ReplayWindow(64);
        w.accept(100);
        w.check(40); // 100 - 40 = 60 < 64
        w.accept(40);
        assertEquals(RecSecException.Reason.REPLAY, reasonOf(() -> w.accept(40)));
        w.accept(99);
        assertEquals(100, w.highest());
    }

    @Test
    void leftOfWindowIsRefused() throws RecSecException {
        ReplayWindow w = new ReplayWindow(64);
        w.accept(100);
        assertEquals(RecSecException.Reason.REPLAY, reasonOf(() -> w.check(36))); // 100 - 36 = 64
        w.check(37);
    }

    @Test
    void checkAloneNeverMovesTheWindow() throws RecSecException {
        // A forged record with a huge sequence number passes check() but fails its tag: accept() is never called,
        // so genuine records right after it are still accepted.
        ReplayWindow w = new ReplayWindow(64);
        w.accept(1);
        w.check((1L << 48) - 1);
        w.check(2);
        w.accept(2);
        assertEquals(2, w.highest());
    }

    @Test
    void sequenceNumbersBeyond48BitsAreMalformed() {
        ReplayWindow w = new ReplayWindow(64);
        assertEquals(RecSecException.Reason.MALFORMED, reasonOf(() -> w.check(1L << 48)));
        assertEquals(RecSecException.Reason.MALFORMED, reasonOf(() -> w.check(-1)));
    }

    @Test
    void restoredWindowRefusesEverythingBelowItsMark() throws RecSecException {
        ReplayWindow w = new ReplayWindow(64, 100);
        for (long s : new long[] {0, 36, 37, 98, 99}) {
            assertEquals(RecSecException.Reason.REPLAY, reasonOf(() -> w.check(s)), "seq " + s);
        }
        w.accept(100);
        w.accept(102);
        w.accept(101);
        assertEquals(RecSecException.Reason.REPLAY, reasonOf(() -> w.check(99)));
        assertEquals(102, w.highest());
    }

    @Test
    void sizeIsBounded() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(0));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(1025));
        assertEquals(1024, new ReplayWindow(1024).size());
    }

    @Test
    void largeWindowKeepsOldBits() throws RecSecException {
        ReplayWindow w = new ReplayWindow(1024);
        w.accept(0);
        w.accept(1023);
        assertEquals(RecSecException.Reason.REPLAY, reasonOf(() -> w.check(0)));
        w.accept(1);
        w.accept(1024); // 0 falls out of the window now: refused as too old
        assertEquals(RecSecException.Reason.REPLAY, reasonOf(() -> w.check(0)));
        assertEquals(RecSecException.Reason.REPLAY, reasonOf(() -> w.check(1)));
        w.accept(2);
    }

    /** The window against a naive model: accepted iff never accepted before and within size of the highest. */
    @Property(tries = 300)
    void behavesLikeTheModel(@ForAll @IntRange(min = 1, max = 1024) int size,
                             @ForAll @Size(max = 300) List<@LongRange(min = 0, max = 3000) Long> seqs) {
        ReplayWindow w = new ReplayWindow(size);
        Set<Long> seen = new HashSet<>();
        long highest = -1;
        for (long s : seqs) {
            boolean modelAccepts = !seen.contains(s) && (s > highest || highest - s < size);
            boolean accepted;
            try {
                w.check(s);
                w.accept(s);
                accepted = true;
            } catch (RecSecException e) {
                assertEquals(RecSecException.Reason.REPLAY, e.reason());
                accepted = false;
            }
            assertEquals(modelAccepts, accepted, "seq " + s + " size " + size + " highest " + highest);
            if (accepted) {
                seen.add(s);
                highest = Math.max(highest, s);
            }
        }
    }
}
