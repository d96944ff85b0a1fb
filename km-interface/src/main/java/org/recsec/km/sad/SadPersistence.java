package org.recsec.km.sad;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.SaSpec;

/**
 * Saving and loading SAD entries through a {@link SaStore}. Every failed write is counted ({@link #failures()}) and
 * logged (WARNING, at most one line per 10 s of the injected clock, with the SPI and the I/O error, never key bytes);
 * callers refuse what they could not save: an ADD or UPDATE gets EIO, an outbound sequence reservation and an inbound
 * replay mark give {@code KEY_MANAGEMENT}.
 */
final class SadPersistence {
    private static final System.Logger LOG = System.getLogger("org.recsec.km.sad");
    private static final long LOG_INTERVAL_MILLIS = 10_000;

    private final SaStore store;
    private final Clock clock;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastLogMillis = new AtomicLong(Long.MIN_VALUE);

    /** With {@code dir == null} nothing is saved and every save succeeds. */
    SadPersistence(Path dir, Clock clock, int expectedUid) throws IOException {
        this.store = dir == null ? null : new SaStore(dir, expectedUid);
        this.clock = clock;
    }

    boolean enabled() {
        return store != null;
    }

    SaStore store() {
        return store;
    }

    long failures() {
        return failures.get();
    }

    /**
     * Saves an entry with its current snapshot; false (counted and logged) when the write failed. Takes the entry
     * monitor, so a caller that changed the entry under it writes exactly what it changed.
     */
    boolean persist(SadEntry e) {
        if (store == null || e.isLarval()) {
            return true;
        }
        synchronized (e) {
            if (e.removed()) {
                return true;
            }
            try {
                store.write(e.fileId, SaStore.toMessage(e, e.snapshot(), SadMessages.describe(e, true,
                        PfKey.SADB_ADD, 0, 0)));
                return true;
            } catch (IOException | RuntimeException io) {
                failed("cannot save SA 0x" + Long.toHexString(e.spi()), io);
                return false;
            }
        }
    }

    /** The file action that removes an entry's file, for {@link SadEntry#markRemoved}. */
    SaLifetime.FileAction deleter(SadEntry e) {
        return () -> {
            if (store != null && !e.isLarval()) {
                try {
                    store.delete(e.fileId);
                } catch (IOException io) {
                    failed("cannot remove the file of SA 0x" + Long.toHexString(e.spi()), io);
                    throw io;
                }
            }
        };
    }

    private void failed(String what, Exception cause) {
        long n = failures.incrementAndGet();
        long now = clock.millis();
        long last = lastLogMillis.get();
        if ((last == Long.MIN_VALUE || now - last >= LOG_INTERVAL_MILLIS) && lastLogMillis.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.WARNING, what + ": " + cause + " (" + n + " failed saves so far; records that"
                    + " need the save are refused)");
        }
    }

    /** An entry read back from disk, with the state to restore. */
    record Loaded(SadEntry entry, long fileId) {
    }

    /**
     * Reads every saved SA and builds its entry.
     *
     * @throws IOException naming the file for any saved SA that does not check
     */
    List<Loaded> load(SecurityAssociationDatabase db, long nowSeconds, int sequenceReserve) throws IOException {
        List<Loaded> out = new ArrayList<>();
        for (SaStore.Saved saved : store.loadAll()) {
            out.add(new Loaded(entryFrom(db, saved.fileName(), saved.fileId(), saved.message(), nowSeconds,
                    sequenceReserve), saved.fileId()));
        }
        return out;
    }

    /**
     * One saved message as an entry.
     *
     * @throws SaStore.CorruptSaFileException when the message is not a complete saved SA
     */
    static SadEntry entryFrom(SecurityAssociationDatabase db, String fileName, long fileId, PfKeyMessage m,
                              long nowSeconds, int sequenceReserve) throws SaStore.CorruptSaFileException {
        if (m.type() != PfKey.SADB_ADD || m.satype() != PfKey.SADB_X_SATYPE_RECSEC) {
            throw new SaStore.CorruptSaFileException(fileName, "not a saved record SA");
        }
        PfKeyExtension.Sa sa = m.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class)
                .orElseThrow(() -> new SaStore.CorruptSaFileException(fileName, "no SA extension"));
        PfKeyExtension.Profile profile = m.ext(PfKey.SADB_X_EXT_RECSEC_PROFILE, PfKeyExtension.Profile.class)
                .orElseThrow(() -> new SaStore.CorruptSaFileException(fileName, "no profile extension"));
        if (sa.state() > PfKey.SADB_SASTATE_DEAD || sa.state() == PfKey.SADB_SASTATE_LARVAL) {
            throw new SaStore.CorruptSaFileException(fileName, "state " + sa.state());
        }
        SaSpec spec;
        try {
            spec = SaSpec.fromMessage(m.toBuilder().add(new PfKeyExtension.Sa(sa.spi(), sa.replay(),
                    PfKey.SADB_SASTATE_MATURE, sa.auth(), sa.encrypt(), sa.flags())).build());
        } catch (PfKeyException | RuntimeException e) {
            throw new SaStore.CorruptSaFileException(fileName, "SA 0x" + Long.toHexString(sa.spi()) + " invalid: "
                    + e.getMessage());
        }
        boolean in = db.isLocal(spec.dst());
        boolean out = db.isLocal(spec.src());
        if (!in && !out) {
            throw new SaStore.CorruptSaFileException(fileName, "neither end of SA 0x" + Long.toHexString(sa.spi())
                    + " is a local identity");
        }
        SadEntry e = new SadEntry(db, spec, in, out, fileId, nowSeconds);
        // Records sent since the last save were not counted on disk; at most one reserve of them went out.
        PfKeyExtension.Lifetime cur = m.ext(PfKey.SADB_EXT_LIFETIME_CURRENT, PfKeyExtension.Lifetime.class)
                .map(c -> !e.outboundOk ? c : new PfKeyExtension.Lifetime(c.type(),
                        Math.min(0xffffffffL, c.allocations() + sequenceReserve), c.bytes(), c.addTime(), c.useTime()))
                .orElse(null); // none saved: restore keeps the fresh entry's counters
        try {
            e.restore(sa.state(), cur, profile.nextSequence(), nowSeconds);
        } catch (RuntimeException ex) {
            throw new SaStore.CorruptSaFileException(fileName, "SA 0x" + Long.toHexString(sa.spi()) + " state: "
                    + ex.getMessage());
        }
        return e;
    }
}
