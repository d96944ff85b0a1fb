package org.recsec.km.sad;

import org.recsec.record.Direction;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.pfkey.Endpoints;
import org.recsec.record.RecSecException;
import org.recsec.record.RecordCipher;
import org.recsec.record.SaRegistry;
import org.recsec.record.SecurityAssociation;

/**
 * The SA database (SAD): the single owner of record SA state, changed only through PF_KEY v2 messages (RFC 2367
 * §3) sent on a {@link SadSession}, and read by record-sec through {@link SaRegistry}.
 *
 * <p><b>Direction.</b> An SA goes from its {@code src} (the sender) to its {@code dst} (the receiver). Built with a
 * set of local identities, the SAD serves an SA as inbound when its dst is local and as outbound when its src is
 * local; an ADD naming neither end local is refused with EINVAL. Built without one ({@link
 * Builder#everyIdentityLocal()}), every identity counts as local, so one SAD can hold both ends of a loopback
 * demo; then SPIs must be unique across all SAs. Inbound SPIs are always unique among the SAs served inbound.
 *
 * <p><b>Lifetimes.</b> Counted from what record-sec reports ({@link SecurityAssociation#recordUsed}): records as
 * {@code sadb_lifetime_allocations}, plaintext bytes, and seconds since adding and since first use, read from the
 * injected clock. A soft limit makes the SA DYING and sends EXPIRE(soft) to every registered session, the hint to
 * rekey; a hard limit makes it DEAD and sends EXPIRE(hard); a dead SA refuses use with {@code SA_EXPIRED} and stays
 * listed until deleted or flushed. Time limits are also applied at each lookup and by {@link #expireDue()}.
 *
 * <p><b>ACQUIRE.</b> {@link #outbound} with no SA for the route sends ACQUIRE (fresh seq, from 0x80000001 on) to
 * the registered sessions and waits at most the acquire timeout for an ADD or UPDATE that installs the route; a KMP
 * answering with the ACQUIRE's seq and an errno ends the wait at once with {@code KEY_MANAGEMENT}; a timeout or no
 * registered KMP gives {@code UNKNOWN_SA}.
 *
 * <p><b>Crash safety.</b> With a state directory every SA is saved as it is added or changes state, and outbound
 * sequence numbers are reserved ahead on disk (see {@link SaStore}); after a restart no number is handed out twice.
 * The replay windows of inbound SAs are not saved: after a restart they start empty.
 *
 * <p>Thread-safe. Lookups take one uncontended lock and allocate nothing once an SA's view exists; use accounting
 * locks only the SA.
 */
public final class SecurityAssociationDatabase implements SaRegistry, AutoCloseable {
    private final Clock clock;
    private final RandomGenerator random;
    private final Set<String> localIds;
    private final RecordCipherFactory cipherFactory;
    private final SeCipherProvider seCiphers;
    private final SaStore store;
    private final Duration acquireTimeout;
    private final Duration larvalTimeout;
    private final int sequenceReserve;
    private final int replayCheckpoint;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final IntObjectMap<SadEntry> bySpi = new IntObjectMap<>();
    private final RouteTable routes = new RouteTable();
    private final Map<Long, SadSession> sessions = new LinkedHashMap<>();
    private final Map<String, Pending> acquires = new HashMap<>();
    private final List<Runnable> outbox = new ArrayList<>();
    private int count;
    private long nextFileId = 1;
    private long nextSessionId = 1;
    private long nextAcquireSeq = 0x80000000L;

    private static final class Pending {
        final long seq;
        int failedErrno;

        Pending(long seq) {
            this.seq = seq;
        }
    }

    private SecurityAssociationDatabase(Builder b) throws IOException {
        this.clock = b.clock;
        this.random = b.random;
        this.localIds = b.localIds;
        this.cipherFactory = b.cipherFactory;
        this.seCiphers = b.seCiphers;
        this.acquireTimeout = b.acquireTimeout;
        this.larvalTimeout = b.larvalTimeout;
        this.sequenceReserve = b.sequenceReserve;
        this.replayCheckpoint = b.replayCheckpoint;
        this.store = b.stateDir == null ? null : new SaStore(b.stateDir);
        if (store != null) {
            load();
        }
    }

    /**
     * A builder; the clock gives lifetimes their seconds, {@code random} picks SPIs for GETSPI.
     */
    public static Builder builder(Clock clock, RandomGenerator random) {
        return new Builder(clock, random);
    }

    // ---- SaRegistry -------------------------------------------------------------------------------------------

    /**
     * {@inheritDoc} Also refuses a larval SA ({@code UNKNOWN_SA}) and applies time lifetimes first.
     */
    @Override
    public SecurityAssociation inbound(long spi) throws RecSecException {
        SadEntry found = null;
        if (spi >= 0 && spi <= 0xffffffffL) {
            lock.lock();
            try {
                for (SadEntry e = bySpi.get((int) spi); e != null; e = e.nextSameSpi) {
                    if (e.inboundOk && !e.isLarval()) {
                        found = e;
                        break;
                    }
                }
            } finally {
                unlockAndDeliver();
            }
        }
        if (found == null) {
            throw new RecSecException(RecSecException.Reason.UNKNOWN_SA, "no inbound SA with SPI 0x"
                    + Long.toHexString(spi));
        }
        found.checkUsable();
        return found.view(true);
    }

    /**
     * {@inheritDoc} Prefers the newest MATURE SA of the route, then a DYING one. With no SA at all, asks the
     * registered KMPs by ACQUIRE and waits at most the acquire timeout.
     *
     * @throws RecSecException {@code KEY_MANAGEMENT} when a KMP answered the ACQUIRE with an errno
     */
    @Override
    public SecurityAssociation outbound(String localId, String peerId) throws RecSecException {
        Objects.requireNonNull(localId, "localId");
        Objects.requireNonNull(peerId, "peerId");
        SadEntry e;
        lock.lock();
        try {
            e = bestRoute(localId, peerId);
            if (e == null) {
                e = acquire(localId, peerId);
            }
        } finally {
            unlockAndDeliver();
        }
        e.checkUsable();
        return e.view(false);
    }

    private SadEntry bestRoute(String src, String dst) {
        SadEntry dying = null;
        SadEntry any = null;
        for (SadEntry e = routes.get(src, dst); e != null; e = e.olderSameRoute) {
            int s = e.state();
            if (s == PfKey.SADB_SASTATE_MATURE) {
                return e;
            }
            if (s == PfKey.SADB_SASTATE_DYING && dying == null) {
                dying = e;
            }
            if (any == null) {
                any = e;
            }
        }
        return dying != null ? dying : any;
    }

    /** Called with the lock held; returns with it held. */
    private SadEntry acquire(String src, String dst) throws RecSecException {
        if (sessions.values().stream().noneMatch(SadSession::registered)) {
            throw new RecSecException(RecSecException.Reason.UNKNOWN_SA, "no SA from " + src + " to " + dst
                    + " and no key manager registered");
        }
        String key = src + '\n' + dst;
        Pending p = acquires.get(key);
        if (p == null) {
            p = new Pending(nextAcquireSeq = nextAcquireSeq == 0xffffffffL ? 0x80000001L : nextAcquireSeq + 1);
            acquires.put(key, p);
            PfKeyMessage.Builder b = PfKeyMessage.builder(PfKey.SADB_ACQUIRE, PfKey.SADB_X_SATYPE_RECSEC)
                    .seq(p.seq);
            Endpoints.extensionsFor(src, true).forEach(b::add);
            Endpoints.extensionsFor(dst, false).forEach(b::add);
            b.add(PfKeyRequests.defaultProposal(64));
            pushToRegistered(b.build().encode(), null);
            // Let the KMPs see the ACQUIRE now: an in-process KMP may answer from its callback.
            deliverWhileLocked();
        }
        long left = acquireTimeout.toNanos();
        try {
            while (true) {
                SadEntry e = bestRoute(src, dst);
                if (e != null) {
                    acquires.remove(key, p);
                    return e;
                }
                if (p.failedErrno != 0) {
                    acquires.remove(key, p);
                    throw new RecSecException(RecSecException.Reason.KEY_MANAGEMENT, "key manager refused ACQUIRE "
                            + p.seq + ": " + PfKey.errnoName(p.failedErrno));
                }
                if (left <= 0) {
                    acquires.remove(key, p);
                    throw new RecSecException(RecSecException.Reason.UNKNOWN_SA, "no SA from " + src + " to " + dst
                            + ": no key manager answered ACQUIRE " + p.seq + " within " + acquireTimeout.toMillis()
                            + " ms");
                }
                left = changed.awaitNanos(left);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            acquires.remove(key, p);
            throw new RecSecException(RecSecException.Reason.UNKNOWN_SA, "interrupted while waiting for ACQUIRE");
        }
    }

    // ---- sessions ----------------------------------------------------------------------------------------------

    /**
     * Opens a PF_KEY session, the in-process equivalent of a PF_KEY socket. {@code pushed} receives the messages
     * the SAD sends on its own: ACQUIRE and EXPIRE once the session has REGISTERed, and the ADD/UPDATE/DELETE/FLUSH
     * replies of other sessions (without keys). It is called on the thread that caused the message, never with a
     * SAD lock held; it must not block. A callback that throws gets its session closed.
     */
    public SadSession openSession(Consumer<byte[]> pushed) {
        Objects.requireNonNull(pushed, "pushed");
        lock.lock();
        try {
            SadSession s = new SadSession(this, nextSessionId++, pushed);
            sessions.put(s.id(), s);
            return s;
        } finally {
            lock.unlock();
        }
    }

    void closeSession(SadSession s) {
        lock.lock();
        try {
            sessions.remove(s.id());
        } finally {
            lock.unlock();
        }
    }

    /** Handles one message from {@code session}; never throws for bad input: the errno goes in the reply. */
    List<byte[]> handle(SadSession session, byte[] b, int off, int len) {
        PfKeyMessage m;
        try {
            m = PfKeyMessage.decode(b, off, len);
        } catch (PfKeyException e) {
            return List.of(PfKeyMessage.errorReplyFor(b, off, len, e.errno()).encode());
        }
        lock.lock();
        try {
            return SadMessages.handle(this, session, m);
        } finally {
            unlockAndDeliver();
        }
    }

    // ---- time --------------------------------------------------------------------------------------------------

    /**
     * Applies time lifetimes to every SA (sending EXPIREs) and removes larval SAs whose UPDATE did not come within
     * the larval timeout (RFC 2367 §3.1.1). The key daemon calls it every second; in-process owners call it as
     * often as their lifetime resolution needs.
     */
    public void expireDue() {
        lock.lock();
        try {
            long nowMillis = clock.millis();
            long now = nowMillis / 1000;
            List<SadEntry> all = new ArrayList<>(count);
            bySpi.forEachValue(head -> {
                for (SadEntry e = head; e != null; e = e.nextSameSpi) {
                    all.add(e);
                }
            });
            for (SadEntry e : all) {
                if (e.isLarval()) {
                    if (nowMillis >= e.larvalDeadlineMillis) {
                        unlink(e);
                    }
                } else {
                    announce(e, e.evaluate(now));
                }
            }
        } finally {
            unlockAndDeliver();
        }
    }

    /** Number of SAs, larval ones included. */
    public int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            sessions.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- package-private helpers for SadMessages and SadEntry --------------------------------------------------

    long nowSeconds() {
        return clock.millis() / 1000;
    }

    long nowMillis() {
        return clock.millis();
    }

    RandomGenerator random() {
        return random;
    }

    Duration larvalTimeout() {
        return larvalTimeout;
    }

    int sequenceReserve() {
        return sequenceReserve;
    }

    int replayCheckpoint() {
        return replayCheckpoint;
    }

    boolean isLocal(String identity) {
        return localIds == null || localIds.contains(identity);
    }

    /** Requires the lock. The entry {@code (spi, dst)}, larval included, or null. */
    SadEntry find(long spi, String dst) {
        for (SadEntry e = bySpi.get((int) spi); e != null; e = e.nextSameSpi) {
            if (e.dst.equals(dst)) {
                return e;
            }
        }
        return null;
    }

    /** Requires the lock. Whether an SA served inbound (or a larval one) already holds {@code spi}. */
    boolean inboundSpiTaken(long spi) {
        for (SadEntry e = bySpi.get((int) spi); e != null; e = e.nextSameSpi) {
            if (e.inboundOk || e.isLarval()) {
                return true;
            }
        }
        return false;
    }

    long newFileId() {
        return nextFileId++;
    }

    /** Requires the lock. Adds a new entry to the indexes. */
    void link(SadEntry e) {
        e.nextSameSpi = bySpi.get(e.spi);
        bySpi.put(e.spi, e);
        if (e.outboundOk) {
            e.olderSameRoute = routes.get(e.src, e.dst);
            routes.put(e);
        }
        count++;
        changed.signalAll();
    }

    /**
     * Requires the lock. Removes an entry's file, then the entry from the indexes; false (nothing changed) when
     * the file could not be removed.
     */
    boolean unlink(SadEntry e) {
        if (!e.markRemoved(() -> {
            if (store != null && !e.isLarval()) {
                store.delete(e.fileId);
            }
        })) {
            return false;
        }
        SadEntry head = bySpi.get(e.spi);
        if (head == e) {
            if (e.nextSameSpi == null) {
                bySpi.remove(e.spi);
            } else {
                bySpi.put(e.spi, e.nextSameSpi);
            }
        } else {
            for (SadEntry p = head; p != null; p = p.nextSameSpi) {
                if (p.nextSameSpi == e) {
                    p.nextSameSpi = e.nextSameSpi;
                    break;
                }
            }
        }
        if (e.outboundOk) {
            SadEntry r = routes.get(e.src, e.dst);
            if (r == e) {
                if (e.olderSameRoute == null) {
                    routes.remove(e.src, e.dst);
                } else {
                    routes.put(e.olderSameRoute);
                }
            } else {
                for (SadEntry p = r; p != null; p = p.olderSameRoute) {
                    if (p.olderSameRoute == e) {
                        p.olderSameRoute = e.olderSameRoute;
                        break;
                    }
                }
            }
        }
        count--;
        return true;
    }

    /** Requires the lock. Replaces a larval entry by the mature one completing it. */
    void replace(SadEntry larval, SadEntry mature) {
        unlink(larval);
        link(mature);
    }

    /** Requires the lock. Every entry, ordered by SPI then destination, for DUMP and FLUSH. */
    List<SadEntry> allEntries() {
        List<SadEntry> out = new ArrayList<>(count);
        bySpi.forEachValue(head -> {
            for (SadEntry e = head; e != null; e = e.nextSameSpi) {
                out.add(e);
            }
        });
        out.sort(Comparator.comparingLong(SadEntry::spi).thenComparing(e -> e.dst));
        return out;
    }

    /** Saves an entry; false when the write failed. Never called with the SAD lock required. */
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
            } catch (IOException io) {
                return false;
            }
        }
    }

    RecordCipher makeCipher(SadEntry e) {
        if (e.seHandle != null) {
            return seCiphers != null ? seCiphers.cipherFor(e.seHandle)
                    : RefusingCipher.of(e.suite, "no secure element bridge configured");
        }
        byte[] iv = e.iv.toByteArray();
        try {
            return cipherFactory.create(e.suite, e.key, iv);
        } catch (RecSecException ex) {
            return RefusingCipher.of(e.suite, ex.getMessage());
        } catch (IllegalArgumentException ex) {
            // SaSpec checked the lengths; a factory refusing them anyway must not break the data path.
            return RefusingCipher.of(e.suite, "cipher refused the SA parameters");
        } finally {
            java.util.Arrays.fill(iv, (byte) 0);
        }
    }

    /** Announces a lifetime transition: persists the new state and sends EXPIRE to every registered session. */
    void announce(SadEntry e, int transition) {
        if (transition == SadEntry.NONE) {
            return;
        }
        persist(e);
        SadEntry.Snapshot s = e.snapshot();
        PfKeyMessage.Builder b = PfKeyMessage.builder(PfKey.SADB_EXPIRE, PfKey.SADB_X_SATYPE_RECSEC)
                .add(new PfKeyExtension.Sa(e.spi(), Math.min(e.replaySize, 255), s.state(), PfKey.SADB_AALG_NONE,
                        PfKey.ealgForSuite(e.suite), 0))
                .add(s.current());
        PfKeyExtension.Lifetime which = transition == SadEntry.HARD ? s.hard() : s.soft();
        if (which != null) {
            b.add(which);
        }
        Endpoints.extensionsFor(e.src, true).forEach(b::add);
        Endpoints.extensionsFor(e.dst, false).forEach(b::add);
        byte[] bytes = b.build().encode();
        if (lock.isHeldByCurrentThread()) {
            pushToRegistered(bytes, null);
        } else {
            lock.lock();
            try {
                pushToRegistered(bytes, null);
            } finally {
                unlockAndDeliver();
            }
        }
    }

    /** Requires the lock. Queues {@code bytes} for every registered session except {@code except}. */
    void pushToRegistered(byte[] bytes, SadSession except) {
        for (SadSession s : sessions.values()) {
            if (s != except && s.registered()) {
                outbox.add(() -> deliverTo(s, bytes));
            }
        }
    }

    /** Requires the lock. An ADD/UPDATE carrying {@code seq} arrived: wake ACQUIRE waiters. */
    void signalChange() {
        changed.signalAll();
    }

    /** Requires the lock. A KMP answered ACQUIRE {@code seq} with an errno. */
    void acquireFailed(long seq, int errno) {
        for (Pending p : acquires.values()) {
            if (p.seq == seq) {
                p.failedErrno = errno;
            }
        }
        changed.signalAll();
    }

    private void deliverTo(SadSession s, byte[] bytes) {
        try {
            s.pushed().accept(bytes);
        } catch (RuntimeException e) {
            s.close();
        }
    }

    private void unlockAndDeliver() {
        List<Runnable> todo = null;
        if (!outbox.isEmpty() && lock.getHoldCount() == 1) {
            todo = new ArrayList<>(outbox);
            outbox.clear();
        }
        lock.unlock();
        if (todo != null) {
            todo.forEach(Runnable::run);
        }
    }

    /** Delivers queued pushes while the caller holds the lock once; re-takes it as often as it held it. */
    private void deliverWhileLocked() {
        if (outbox.isEmpty()) {
            return;
        }
        List<Runnable> todo = new ArrayList<>(outbox);
        outbox.clear();
        int holds = lock.getHoldCount();
        for (int i = 0; i < holds; i++) {
            lock.unlock();
        }
        try {
            todo.forEach(Runnable::run);
        } finally {
            for (int i = 0; i < holds; i++) {
                lock.lock();
            }
        }
    }

    private void load() throws IOException {
        long now = nowSeconds();
        for (SaStore.Saved saved : store.loadAll()) {
            PfKeyMessage m = saved.message();
            PfKeyExtension.Sa sa = m.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class);
            PfKeyExtension.Profile profile = m.ext(PfKey.SADB_X_EXT_RECSEC_PROFILE, PfKeyExtension.Profile.class);
            SaSpec spec;
            try {
                spec = SaSpec.fromMessage(m.toBuilder().add(new PfKeyExtension.Sa(sa.spi(), sa.replay(),
                        PfKey.SADB_SASTATE_MATURE, sa.auth(), sa.encrypt(), sa.flags())).build());
            } catch (PfKeyException e) {
                throw new IOException("saved SA 0x" + Long.toHexString(sa.spi()) + " invalid: " + e.getMessage());
            }
            SadEntry e = new SadEntry(this, spec, isLocal(spec.dst()), isLocal(spec.src()), saved.fileId(), now);
            PfKeyExtension.Lifetime cur = m.ext(PfKey.SADB_EXT_LIFETIME_CURRENT, PfKeyExtension.Lifetime.class);
            if (cur != null && e.outboundOk) {
                // Records sent since the last save were not counted on disk; at most one reserve of them went out.
                cur = new PfKeyExtension.Lifetime(cur.type(), Math.min(0xffffffffL, cur.allocations()
                        + sequenceReserve), cur.bytes(), cur.addTime(), cur.useTime());
            }
            e.restore(sa.state(), cur, profile.nextSequence());
            lock.lock();
            try {
                if (find(spec.spi(), spec.dst()) != null) {
                    throw new IOException("two saved SAs for SPI 0x" + Long.toHexString(spec.spi()));
                }
                link(e);
                nextFileId = Math.max(nextFileId, saved.fileId() + 1);
            } finally {
                lock.unlock();
            }
        }
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
        private Duration acquireTimeout = Duration.ofSeconds(2);
        private Duration larvalTimeout = Duration.ofSeconds(30);
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

        /** Persist SAs in {@code dir} (created 0700 if missing) and load the ones saved there. */
        public Builder stateDirectory(Path dir) {
            this.stateDir = Objects.requireNonNull(dir);
            return this;
        }

        /** How long {@link #outbound} waits for a KMP after ACQUIRE (default 2 s). */
        public Builder acquireTimeout(Duration d) {
            this.acquireTimeout = requirePositive(d);
            return this;
        }

        /** How long a larval SA from GETSPI waits for its UPDATE (default 30 s). */
        public Builder larvalTimeout(Duration d) {
            this.larvalTimeout = requirePositive(d);
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
         * @throws IOException when the state directory cannot be created or holds a corrupt SA file
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
