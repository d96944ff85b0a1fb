package org.recsec.km.sad;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The SAD's entry set as {@link SadMessages} changes it: the indexes ({@link SaIndex}), each entry's file in the
 * state directory ({@link SadPersistence}) and the ACQUIRE waiters ({@link AcquireBroker}) that a new entry wakes.
 * Methods that say so require the SAD lock ({@link SessionHub#lock}); saving takes only the entry's monitor.
 */
final class SadEntries {
    private final SaIndex index;
    private final SadPersistence persistence;
    private final AcquireBroker acquires;
    private long nextFileId = 1;

    SadEntries(SaIndex index, SadPersistence persistence, AcquireBroker acquires) {
        this.index = index;
        this.persistence = persistence;
        this.acquires = acquires;
    }

    /** Requires the lock. */
    SadEntry find(long spi, String dst) {
        return index.find(spi, dst);
    }

    /** Requires the lock. */
    boolean inboundSpiTaken(long spi) {
        return index.inboundSpiTaken(spi);
    }

    /** Requires the lock. The file id of a new entry. */
    long newFileId() {
        return nextFileId++;
    }

    /** Requires the lock. Adds a new entry to the indexes and wakes ACQUIRE waiters. */
    void link(SadEntry e) {
        index.link(e);
        acquires.signalChange();
    }

    /**
     * Requires the lock. Removes an entry's file, then the entry from the indexes; false (nothing changed) when the
     * file could not be removed.
     */
    boolean unlink(SadEntry e) {
        if (!e.markRemoved(persistence.deleter(e))) {
            return false;
        }
        index.unlink(e);
        return true;
    }

    /** Requires the lock. Replaces a larval entry by the mature one completing it. */
    void replace(SadEntry larval, SadEntry mature) {
        unlink(larval);
        link(mature);
    }

    /** Requires the lock. Every entry, unordered: a copy that DUMP describes without the lock. */
    SadEntry[] snapshot() {
        return index.snapshot();
    }

    /** Requires the lock. Every entry, ordered by SPI then destination, for FLUSH. */
    List<SadEntry> allEntries() {
        return new ArrayList<>(Arrays.asList(sorted(index.snapshot())));
    }

    /** Orders {@code all} by SPI then destination, as DUMP and FLUSH list them; returns it. */
    static SadEntry[] sorted(SadEntry[] all) {
        Arrays.sort(all, Comparator.comparingLong(SadEntry::spi).thenComparing(e -> e.dst));
        return all;
    }

    /** Saves an entry; false when the write failed (counted and logged). */
    boolean persist(SadEntry e) {
        return persistence.persist(e);
    }

    /**
     * Loads the saved SAs into the indexes at start-up, each under the SAD lock of {@code hub}.
     *
     * @throws IOException when a file does not load or two files claim one SPI; the message names the file
     */
    void load(SecurityAssociationDatabase db, SessionHub hub, long nowSeconds, int sequenceReserve)
            throws IOException {
        for (SadPersistence.Loaded l : persistence.load(db, nowSeconds, sequenceReserve)) {
            SadEntry e = l.entry();
            hub.lock.lock();
            try {
                if (index.find(e.spi(), e.dst) != null || e.inboundOk && index.inboundSpiTaken(e.spi())) {
                    throw new IOException("two saved SAs for SPI 0x" + Long.toHexString(e.spi()) + " (file "
                            + SaStore.name(l.fileId()) + ")");
                }
                index.link(e);
                nextFileId = Math.max(nextFileId, l.fileId() + 1);
            } finally {
                hub.lock.unlock();
            }
        }
    }
}
