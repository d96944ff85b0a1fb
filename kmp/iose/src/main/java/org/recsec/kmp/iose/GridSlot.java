package org.recsec.kmp.iose;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** One SE of an {@link IoseGrid}: its card and whether a connection holds it (one session at a time, §8.5). */
final class GridSlot {
    final IoseCard card;
    /** Guarded by this. */
    private boolean busy;

    GridSlot(IoseCard card) {
        this.card = card;
    }

    /**
     * Takes the SE for one session; while another holds it, waits up to {@code graceNanos} (measured on
     * {@code nanoTime}) for that session to end: a client that just closed its session may open the next one
     * before this grid has seen the close.
     */
    synchronized boolean acquire(long graceNanos, LongSupplier nanoTime) throws InterruptedException {
        long deadline = nanoTime.getAsLong() + graceNanos;
        while (busy) {
            long left = deadline - nanoTime.getAsLong();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
        }
        busy = true;
        return true;
    }

    synchronized void release() {
        busy = false;
        notifyAll();
    }

    synchronized boolean busy() {
        return busy;
    }
}
