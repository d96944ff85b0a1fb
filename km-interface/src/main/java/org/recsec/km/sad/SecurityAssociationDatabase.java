package org.recsec.km.sad;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.recsec.record.SaRegistry;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.spi.InboundSa;
import org.recsec.record.spi.OutboundSa;
import org.recsec.record.spi.RecordCipher;

/**
 * The SA database (SAD): the single owner of record SA state, changed only through PF_KEY v2 messages (RFC 2367
 * §3) sent on a {@link SadSession}, and read by record-sec through {@link SaRegistry}. This class is the facade; the
 * jobs live in {@code SaIndex} (indexes), {@code SadEntries} (the entry set as messages change it),
 * {@code SessionHub} (sessions, the SAD lock and delivery),
 * {@code AcquireBroker} (ACQUIRE), {@code LifetimeSweeper} (lifetimes, EXPIRE, removals) and {@code SadPersistence}
 * (the state directory); {@code SadMessages} gives each message type its RFC 2367 meaning.
 *
 * <p><b>Direction.</b> An SA goes from its {@code src} (the sender) to its {@code dst} (the receiver). Built with a
 * set of local identities, the SAD serves an SA as inbound when its dst is local and as outbound when its src is
 * local; an ADD naming neither end local is refused with EINVAL. Built without one ({@link
 * Builder#everyIdentityLocal()}), every identity counts as local, so one SAD can hold both ends of a loopback
 * demo; then SPIs must be unique across all SAs. Inbound SPIs are always unique among the SAs served inbound.
 *
 * <p><b>Lifetimes.</b> Counted from what record-sec reports ({@link OutboundSa#reportSealed} and {@link InboundSa#reportAuthenticated}): records as
 * {@code sadb_lifetime_allocations}, plaintext bytes, and seconds since adding and since first use, read from the
 * injected clock. A soft limit makes the SA DYING and sends EXPIRE(soft) to every registered session, the hint to
 * rekey; a hard limit makes it DEAD and sends EXPIRE(hard); a dead SA refuses use with {@code SA_EXPIRED}, and is
 * removed (pushed as a DELETE) by the first {@link #expireDue()} after the dead grace period. Time limits are also
 * applied at each lookup.
 *
 * <p><b>ACQUIRE.</b> {@link #outbound} with no SA for the route sends ACQUIRE (fresh seq, from 0x80000001 on) to
 * the registered sessions and waits at most the acquire timeout, measured on the injected clock, for an ADD or
 * UPDATE that installs the route; a KMP answering with the ACQUIRE's seq and an errno ends the wait at once with
 * {@code KEY_MANAGEMENT}; a timeout or no registered KMP gives {@code UNKNOWN_SA}. KMPs in other processes take
 * part through {@code KeyDaemon}, which serves this SAD on a socket.
 *
 * <p><b>Crash safety.</b> With a state directory (see {@code SaStore}) every SA is saved, with its keys, state and
 * lifetime counters, as it is added or changes state. Outbound sequence numbers are reserved ahead on disk: no number
 * is handed out twice, also across kill -9. For inbound SAs a replay mark above every accepted sequence number is
 * saved before the record is accepted; after a restart the replay window refuses everything below the mark (the
 * window's bitmap itself is not saved). A save that fails refuses what needed it ({@code KEY_MANAGEMENT} for records,
 * EIO for ADD/UPDATE), is counted ({@link #persistFailures()}) and logged.
 *
 * <p>Thread-safe. Lookups read the indexes optimistically without the lock (taking it only when a change overlapped
 * the read, or for ACQUIRE) and allocate nothing once an SA's view exists; DUMP and the
 * lifetime sweep copy the entry set under it and do their work without it; use accounting locks only the SA.
 */
public final class SecurityAssociationDatabase implements SaRegistry, AutoCloseable {
    private final Clock clock;
    private final RandomGenerator random;
    private final Set<String> localIds;
    private final SaCiphers ciphers;
    private final Duration larvalTimeout;
    private final int sequenceReserve;
    private final int replayCheckpoint;

    private final SessionHub hub = new SessionHub();
    private final SaIndex index = new SaIndex();
    private final SadPersistence persistence;
    private final AcquireBroker acquires;
    private final SadEntries entries;
    private final LifetimeSweeper sweeper;
    private final AtomicLong unsavedTransitions = new AtomicLong();

    private SecurityAssociationDatabase(Builder b) throws IOException {
        this.clock = b.clock;
        this.random = b.random;
        this.localIds = b.localIds;
        this.ciphers = new SaCiphers(b.cipherFactory, b.seCiphers);
        this.larvalTimeout = b.larvalTimeout;
        this.sequenceReserve = b.sequenceReserve;
        this.replayCheckpoint = b.replayCheckpoint;
        this.persistence = new SadPersistence(b.stateDir, clock, b.stateDir == null ? 0
                : b.expectedUid != null ? b.expectedUid : SaStore.processUid());
        this.acquires = new AcquireBroker(hub, index, clock, b.acquireTimeout);
        this.entries = new SadEntries(index, persistence, acquires);
        this.sweeper = new LifetimeSweeper(this, hub, index, persistence, clock, b.deadGrace.toSeconds());
        if (persistence.enabled()) {
            entries.load(this, hub, nowSeconds(), sequenceReserve);
        }
    }

    /** A builder; the clock gives lifetimes their seconds, {@code random} picks SPIs for GETSPI. */
    public static Builder builder(Clock clock, RandomGenerator random) {
        return new Builder(clock, random);
    }

    // ---- SaRegistry -------------------------------------------------------------------------------------------

    /** {@inheritDoc} Also refuses a larval SA ({@code UNKNOWN_SA}) and applies time lifetimes first. */
    @Override
    public InboundSa inbound(long spi) throws RecSecException {
        SadEntry found = null;
        if (spi >= 0 && spi <= 0xffffffffL && (found = index.inboundWithoutLock((int) spi)) == null) {
            hub.lock.lock();
            try {
                found = index.inbound((int) spi);
            } finally {
                hub.unlockAndDeliver();
            }
        }
        if (found == null) {
            throw new RecSecException(RecSecException.Reason.UNKNOWN_SA, "no inbound SA with SPI 0x"
                    + Long.toHexString(spi));
        }
        found.checkUsable();
        return found.inboundView();
    }

    /** {@inheritDoc} Larval and dead SAs are left out; time lifetimes are applied first. */
    @Override
    public List<InboundSa> inbound(LocalId local, PeerId peer) {
        List<SadEntry> found = new ArrayList<>(2);
        if (!index.inboundRoute(peer.value(), local.value(), found, false)) {
            hub.lock.lock();
            try {
                index.inboundRoute(peer.value(), local.value(), found, true);
            } finally {
                hub.unlockAndDeliver();
            }
        }
        List<InboundSa> usable = new ArrayList<>(found.size());
        for (SadEntry e : found) {
            try {
                e.checkUsable();
                usable.add(e.inboundView());
            } catch (RecSecException dead) {
                // expired since: not a candidate
            }
        }
        return usable;
    }

    /**
     * {@inheritDoc} Prefers the newest MATURE SA of the route, then a DYING one. With no SA at all, asks the
     * registered KMPs by ACQUIRE and waits at most the acquire timeout.
     *
     * @throws RecSecException {@code KEY_MANAGEMENT} when a KMP answered the ACQUIRE with an errno
     */
    @Override
    public OutboundSa outbound(LocalId local, PeerId peer) throws RecSecException {
        String localId = local.value();
        String peerId = peer.value();
        SadEntry e = index.bestRouteWithoutLock(localId, peerId);
        if (e == null) {
            hub.lock.lock();
            try {
                e = index.bestRoute(localId, peerId);
                if (e == null) {
                    e = acquires.acquire(localId, peerId);
                }
            } finally {
                hub.unlockAndDeliver();
            }
        }
        e.checkUsable();
        return e.outboundView();
    }

    // ---- sessions ----------------------------------------------------------------------------------------------

    /**
     * Opens a PF_KEY session, the in-process equivalent of a PF_KEY socket. {@code pushed} receives the messages
     * the SAD sends on its own: ACQUIRE, EXPIRE and the DELETE of an SA removed after its hard expiry once the
     * session has REGISTERed, and the ADD/UPDATE/DELETE/FLUSH replies of other sessions (without keys). It is called
     * on the thread that caused the message, never with a SAD lock held; it must not block. A callback that throws
     * gets its session closed.
     */
    public SadSession openSession(Consumer<byte[]> pushed) {
        return hub.open(this, Objects.requireNonNull(pushed, "pushed"));
    }

    void closeSession(SadSession s) {
        hub.close(s);
    }

    /** Handles one message from {@code session}; never throws for bad input: the errno goes in the reply. */
    List<byte[]> handle(SadSession session, byte[] b, int off, int len) {
        return SadMessages.receive(this, hub, session, b, off, len);
    }

    // ---- time and counters -------------------------------------------------------------------------------------

    /**
     * Applies time lifetimes to every SA (sending EXPIREs), removes larval SAs whose UPDATE did not come within the
     * larval timeout (RFC 2367 §3.1.1) and DEAD SAs past the dead grace period. The key daemon calls it every second;
     * in-process owners call it as often as their lifetime resolution needs. Lookups do not wait for it.
     */
    public void expireDue() {
        sweeper.sweep();
    }

    /** Number of SAs, larval ones included. */
    public int size() {
        hub.lock.lock();
        try {
            return index.size();
        } finally {
            hub.lock.unlock();
        }
    }

    /** How many saves to the state directory failed since start (each one refused what needed it, and was logged). */
    public long persistFailures() {
        return persistence.failures();
    }

    @Override
    public void close() {
        hub.lock.lock();
        try {
            hub.clear();
            acquires.signalChange();
        } finally {
            hub.lock.unlock();
        }
    }

    // ---- package-private helpers for SadMessages, SadEntry and the jobs ----------------------------------------

    long nowSeconds() { return clock.millis() / 1000; }

    long nowMillis() { return clock.millis(); }

    RandomGenerator random() { return random; }

    Duration larvalTimeout() { return larvalTimeout; }

    int sequenceReserve() { return sequenceReserve; }

    int replayCheckpoint() { return replayCheckpoint; }

    boolean isLocal(String identity) {
        return localIds == null || localIds.contains(identity);
    }

    /** Whether the SAD lock is held by anyone (tests: DUMP and sweeps must work without it). */
    boolean lockedByAnyone() {
        return hub.lock.isLocked();
    }

    /** Tests: runs {@code action} holding the SAD lock (lookups of existing SAs must not wait for it). */
    void whileLocked(Runnable action) {
        hub.lock.lock();
        try {
            action.run();
        } finally {
            hub.lock.unlock();
        }
    }

    /** Test seam: the store of the state directory, null without one. */
    SaStore store() {
        return persistence.store();
    }

    void transitionUnsaved() {
        unsavedTransitions.incrementAndGet();
    }

    /** Requires the lock. Test seam: the entry of {@code (spi, dst)}, null when none. */
    SadEntry find(long spi, String dst) {
        return entries.find(spi, dst);
    }

    /** The entry set that SAD messages change (indexes, files, ACQUIRE wake-ups). */
    SadEntries entries() {
        return entries;
    }

    RecordCipher makeCipher(SadEntry e) {
        return ciphers.make(e);
    }

    /** Announces a lifetime transition (see LifetimeSweeper). */
    void announce(SadEntry e, int transition) {
        sweeper.announce(e, transition);
    }

    /** Requires the lock. Queues {@code bytes} for every registered session except {@code except}. */
    void pushToRegistered(byte[] bytes, SadSession except) {
        hub.pushToRegistered(bytes, except);
    }

    /** Requires the lock. An ADD/UPDATE arrived: wake ACQUIRE waiters. */
    void signalChange() {
        acquires.signalChange();
    }

    /** Requires the lock. A KMP answered ACQUIRE {@code seq} with an errno. */
    void acquireFailed(long seq, int errno) {
        acquires.failed(seq, errno);
    }

    /** Builds a {@link SecurityAssociationDatabase}. */
    public static final class Builder {
        private final Clock clock;
        private final RandomGenerator random;
        private Set<String> localIds;
        private boolean localChosen;
        private RecordCipherFactory cipherFactory = RecordCipherFactory.DTLS12;
        private SeCipherProvider seCiphers;
        private Path stateDir;
        private Integer expectedUid;
        private Duration acquireTimeout = Duration.ofSeconds(2);
        private Duration larvalTimeout = Duration.ofSeconds(30);
        private Duration deadGrace = Duration.ofSeconds(60);
        private int sequenceReserve = 1024;
        private int replayCheckpoint = 32;

        private Builder(Clock clock, RandomGenerator random) {
            this.clock = Objects.requireNonNull(clock, "clock");
            this.random = Objects.requireNonNull(random, "random");
        }

        /** The identities of this end; SAs to them are inbound, SAs from them outbound. */
        public Builder localIdentities(Set<String> ids) {
            this.localIds = Set.copyOf(ids);
            this.localChosen = true;
            return this;
        }

        /** Treat every identity as local (one SAD for both ends, or a daemon that only stores SAs). */
        public Builder everyIdentityLocal() {
            this.localIds = null;
            this.localChosen = true;
            return this;
        }

        /** How SAs with keys get their record cipher; default {@link RecordCipherFactory#DTLS12}. */
        public Builder cipherFactory(RecordCipherFactory f) {
            this.cipherFactory = Objects.requireNonNull(f);
            return this;
        }

        /** How SAs with an SE handle get their record cipher. */
        public Builder seCipherProvider(SeCipherProvider p) {
            this.seCiphers = Objects.requireNonNull(p);
            return this;
        }

        /**
         * Persist SAs in {@code dir} and load the ones saved there. A missing directory is created with mode 0700;
         * an existing one must be owned by this process's user and closed to group and others, and so must every
         * file in it, or {@link #build()} refuses with a message saying how to fix it.
         */
        public Builder stateDirectory(Path dir) {
            this.stateDir = Objects.requireNonNull(dir);
            return this;
        }

        /** Test seam: the uid that must own the state directory (default: this process's). */
        Builder expectedOwner(int uid) {
            this.expectedUid = uid;
            return this;
        }

        /** How long {@link #outbound} waits for a KMP after ACQUIRE, on the injected clock (default 2 s). */
        public Builder acquireTimeout(Duration d) {
            this.acquireTimeout = requirePositive(d);
            return this;
        }

        /** How long a larval SA from GETSPI waits for its UPDATE (default 30 s). */
        public Builder larvalTimeout(Duration d) {
            this.larvalTimeout = requirePositive(d);
            return this;
        }

        /** How long a DEAD SA stays listed before {@link #expireDue()} removes it (default 60 s; zero: at once). */
        public Builder deadGrace(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("grace must not be negative");
            }
            this.deadGrace = d;
            return this;
        }

        /** How many sequence numbers are reserved on disk ahead of use (default 1024). */
        public Builder sequenceReserve(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("reserve must be positive");
            }
            this.sequenceReserve = n;
            return this;
        }

        /**
         * How far ahead of the highest accepted inbound sequence number the saved replay mark runs (default 32).
         * After a restart every record below the mark is refused, so nothing accepted before the crash is accepted
         * again; up to this many genuine records sent meanwhile are refused too. Smaller means more writes.
         */
        public Builder replayCheckpoint(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("replay checkpoint must be positive");
            }
            this.replayCheckpoint = n;
            return this;
        }

        /**
         * @throws IOException when the state directory cannot be created, is unsafe (owner, mode) or holds an SA
         *                     file that does not check; the message names the file and the fix
         */
        public SecurityAssociationDatabase build() throws IOException {
            if (!localChosen) {
                throw new IllegalStateException("choose localIdentities(...) or everyIdentityLocal()");
            }
            return new SecurityAssociationDatabase(this);
        }

        private static Duration requirePositive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration must be positive");
            }
            return d;
        }
    }
}
