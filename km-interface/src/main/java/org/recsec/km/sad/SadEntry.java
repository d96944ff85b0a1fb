package org.recsec.km.sad;

import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.spi.RecordCipher;

/**
 * One SA in the SAD: fixed parameters, and the mutable state (lifetime counters, state, sequence numbers) guarded
 * by the entry's own monitor, so the data path never takes the SAD lock. Kept lean for a million entries: limits
 * are primitive fields, the cipher, replay window and views are created on first use.
 */
final class SadEntry {
    static final long MAX_SEQUENCE = PfKeyExtension.Profile.MAX_SEQUENCE;
    static final int NONE = 0;
    static final int SOFT = 1;
    static final int HARD = 2;

    final SecurityAssociationDatabase db;
    final int spi;
    final String src;
    final String dst;
    /** {@link RouteTable#hash} of (src, dst): a probe that misses compares this, not the two Strings. */
    final int routeHash;
    /** {@code null} while larval. */
    final CipherSuite suite;
    final SecretBytes key;
    final SecretBytes iv;
    final String seHandle;
    final short replaySize;
    final char epoch;
    /** The record profile id of {@link PfKey} ({@code RECSEC_PROFILE_*}); 0 while larval. */
    final byte profile;
    /** dst is a local identity: the SA may open records here. */
    final boolean inboundOk;
    /** src is a local identity: the SA may seal records here. */
    final boolean outboundOk;
    final long fileId;
    final long creatorSession;
    final long larvalDeadlineMillis;

    // Guarded by this.
    private int state;
    private long allocations;
    private long bytes;
    private long addTime;
    private long useTime;
    private long softAllocations;
    private long hardAllocations;
    private long softBytes;
    private long hardBytes;
    private long softAddTime;
    private long hardAddTime;
    private long softUseTime;
    private long hardUseTime;
    private long nextSeq;
    private long reservedSeq;
    private ReplayWindow replay;
    // Built once, read without the entry's lock (a lookup per record must not take it).
    private volatile SadSa.In inView;
    private volatile SadSa.Out outView;
    private volatile RecordCipher cipher;
    private boolean removed;
    /** Seconds when the SA became DEAD (or was loaded DEAD); 0 while alive. */
    private long deadSince;

    // Guarded by the SAD lock.
    int allIndex = -1;
    SadEntry nextSameSpi;
    SadEntry olderSameRoute;

    /** A larval SA reserved by GETSPI. */
    SadEntry(SecurityAssociationDatabase db, long spi, String src, String dst, long creatorSession,
             long deadlineMillis, long nowSeconds) {
        this.db = db;
        this.spi = (int) spi;
        this.src = src;
        this.dst = dst;
        this.routeHash = RouteTable.hash(src, dst);
        this.suite = null;
        this.key = null;
        this.iv = null;
        this.seHandle = null;
        this.replaySize = 0;
        this.epoch = 0;
        this.profile = 0;
        this.inboundOk = false;
        this.outboundOk = false;
        this.fileId = 0;
        this.creatorSession = creatorSession;
        this.larvalDeadlineMillis = deadlineMillis;
        this.state = PfKey.SADB_SASTATE_LARVAL;
        this.addTime = nowSeconds;
    }

    /** A mature SA from ADD or UPDATE, or loaded from the state directory. */
    SadEntry(SecurityAssociationDatabase db, SaSpec spec, boolean inboundOk, boolean outboundOk, long fileId,
             long nowSeconds) {
        this.db = db;
        this.spi = (int) spec.spi();
        this.src = spec.src();
        this.dst = spec.dst();
        this.routeHash = RouteTable.hash(src, dst);
        this.suite = spec.suite();
        this.key = spec.key();
        this.iv = spec.iv();
        this.seHandle = spec.seHandle();
        this.replaySize = (short) spec.replayWindow();
        this.epoch = (char) spec.epoch();
        this.profile = (byte) spec.profile();
        this.inboundOk = inboundOk;
        this.outboundOk = outboundOk;
        this.fileId = fileId;
        this.creatorSession = 0;
        this.larvalDeadlineMillis = 0;
        this.state = PfKey.SADB_SASTATE_MATURE;
        this.addTime = nowSeconds;
        this.nextSeq = spec.firstSequence();
        this.reservedSeq = spec.firstSequence();
        setLimits(spec.soft(), spec.hard());
    }

    long spi() {
        return spi & 0xffffffffL;
    }

    synchronized int state() {
        return state;
    }

    boolean isLarval() {
        return suite == null;
    }

    synchronized void setLimits(PfKeyExtension.Lifetime soft, PfKeyExtension.Lifetime hard) {
        if (soft != null) {
            softAllocations = soft.allocations();
            softBytes = soft.bytes();
            softAddTime = soft.addTime();
            softUseTime = soft.useTime();
        }
        if (hard != null) {
            hardAllocations = hard.allocations();
            hardBytes = hard.bytes();
            hardAddTime = hard.addTime();
            hardUseTime = hard.useTime();
        }
    }

    /** Restores counters and state saved by {@link SaStore}; only while the entry is not yet shared. */
    synchronized void restore(int savedState, PfKeyExtension.Lifetime current, long nextSequence, long nowSeconds) {
        state = savedState;
        if (savedState == PfKey.SADB_SASTATE_DEAD) {
            deadSince = nowSeconds;
        }
        if (current != null) {
            allocations = current.allocations();
            bytes = current.bytes();
            addTime = current.addTime();
            useTime = current.useTime();
        }
        nextSeq = nextSequence;
        reservedSeq = nextSequence;
        if (inboundOk) {
            // The saved mark lies above every sequence number accepted before the restart (see inboundAccepted).
            replay = new ReplayWindow(replaySize, nextSequence);
        }
    }

    /**
     * After the replay window accepted inbound record {@code seq}: returns only once a saved mark above {@code seq}
     * is on disk, so a record accepted before a crash is refused after the restart. The mark runs a checkpoint
     * interval ahead (records the sender sends between the last accepted one and the mark are refused after a restart
     * too: the interval bounds that loss).
     *
     * <p>Correct by construction: {@code reservedSeq} holds, whenever the entry monitor is free, a value already on
     * disk, because it is raised and written under the monitor and put back when the write fails. A thread whose
     * {@code seq} lies below it returns at once; any other waits for the monitor, so for the write in progress.
     *
     * @throws RecSecException {@code KEY_MANAGEMENT} when the mark cannot be saved: the record is refused (it is
     *                         already marked seen in the window, so a retransmission is refused too, never accepted
     *                         unprotected by the store)
     */
    void inboundAccepted(long seq) throws RecSecException {
        synchronized (this) {
            if (seq < reservedSeq) {
                return;
            }
            long before = reservedSeq;
            reservedSeq = Math.min(seq + 1 + db.replayCheckpoint(), MAX_SEQUENCE + 1);
            if (!db.persist(this)) {
                reservedSeq = before;
                throw new RecSecException(RecSecException.Reason.KEY_MANAGEMENT, "cannot save the replay mark of SA 0x"
                        + Long.toHexString(spi()) + "; record refused");
            }
        }
    }

    /** The highest sequence number the inbound window accepted, -1 before any. */
    synchronized long inboundHighest() {
        return replay == null ? -1 : replay.highest();
    }

    /** The saved (reserved) sequence mark; test and DUMP use. */
    synchronized long reservedSequence() {
        return reservedSeq;
    }

    /**
     * Runs {@code dropFile} and then marks the entry deleted, both under the entry lock, so a concurrent sequence
     * reservation cannot write the file back after it was removed. False (and not removed) when the file stays.
     */
    synchronized boolean markRemoved(FileAction dropFile) {
        try {
            dropFile.run();
        } catch (java.io.IOException e) {
            return false;
        }
        removed = true;
        return true;
    }

    /** A file operation run under the entry lock. */
    interface FileAction {
        void run() throws java.io.IOException;
    }

    /** Whether the SA is DEAD since at least {@code graceSeconds} at {@code now}. */
    synchronized boolean deadLongerThan(long graceSeconds, long now) {
        return state == PfKey.SADB_SASTATE_DEAD && !removed && now - deadSince >= graceSeconds;
    }

    synchronized boolean removed() {
        return removed;
    }

    /** Sets the state by an UPDATE; returns the transition to announce. */
    synchronized int forceState(int newState, long nowSeconds) {
        int before = state;
        state = newState;
        if (newState == PfKey.SADB_SASTATE_DEAD && before != newState) {
            deadSince = nowSeconds;
        }
        int t = evaluate(nowSeconds);
        if (t != NONE) {
            return t;
        }
        if (newState == PfKey.SADB_SASTATE_DEAD && before != newState) {
            return HARD;
        }
        if (newState == PfKey.SADB_SASTATE_DYING && before == PfKey.SADB_SASTATE_MATURE) {
            return SOFT;
        }
        return NONE;
    }

    /**
     * Applies the lifetimes (RFC 2367 §2.3.2: first limit reached wins, HARD before SOFT): MATURE → DYING on a soft
     * limit, anything → DEAD on a hard one. Returns the transition that happened now, if any.
     */
    synchronized int evaluate(long now) {
        if (state == PfKey.SADB_SASTATE_DEAD || state == PfKey.SADB_SASTATE_LARVAL) {
            return NONE;
        }
        if (reached(hardAllocations, hardBytes, hardAddTime, hardUseTime, now)) {
            state = PfKey.SADB_SASTATE_DEAD;
            deadSince = now;
            return HARD;
        }
        if (state == PfKey.SADB_SASTATE_MATURE
                && reached(softAllocations, softBytes, softAddTime, softUseTime, now)) {
            state = PfKey.SADB_SASTATE_DYING;
            return SOFT;
        }
        return NONE;
    }

    private boolean reached(long maxAlloc, long maxBytes, long maxAdd, long maxUse, long now) {
        return maxAlloc > 0 && allocations >= maxAlloc
                || maxBytes > 0 && bytes >= maxBytes
                || maxAdd > 0 && now - addTime >= maxAdd
                || maxUse > 0 && useTime > 0 && now - useTime >= maxUse;
    }

    void checkUsable() throws RecSecException {
        int t;
        int s;
        synchronized (this) {
            t = evaluate(db.nowSeconds());
            s = removed ? PfKey.SADB_SASTATE_DEAD : state;
        }
        db.announce(this, t);
        if (s == PfKey.SADB_SASTATE_DEAD) {
            throw new RecSecException(RecSecException.Reason.SA_EXPIRED, "SA 0x" + Long.toHexString(spi())
                    + " reached its hard lifetime");
        }
        if (s == PfKey.SADB_SASTATE_LARVAL) {
            throw new RecSecException(RecSecException.Reason.UNKNOWN_SA, "SA 0x" + Long.toHexString(spi())
                    + " is still larval");
        }
    }

    long nextSequence() throws RecSecException {
        int t;
        long seq;
        synchronized (this) {
            t = evaluate(db.nowSeconds());
            if (state == PfKey.SADB_SASTATE_DEAD || removed) {
                seq = -1;
            } else if (nextSeq > MAX_SEQUENCE) {
                seq = -2;
            } else {
                if (nextSeq >= reservedSeq) {
                    // Reserve ahead and make it durable before handing out any number beyond the old mark.
                    long mark = Math.min(nextSeq + db.sequenceReserve(), MAX_SEQUENCE + 1);
                    reservedSeq = mark;
                    if (!db.persist(this)) {
                        reservedSeq = nextSeq;
                        throw new RecSecException(RecSecException.Reason.KEY_MANAGEMENT,
                                "cannot persist the sequence reservation");
                    }
                }
                seq = nextSeq++;
            }
        }
        db.announce(this, t);
        if (seq == -1) {
            throw new RecSecException(RecSecException.Reason.SA_EXPIRED, "SA 0x" + Long.toHexString(spi())
                    + " reached its hard lifetime or was deleted");
        }
        if (seq == -2) {
            throw new RecSecException(RecSecException.Reason.SEQUENCE_EXHAUSTED, "SA 0x"
                    + Long.toHexString(spi()) + " used every sequence number");
        }
        return seq;
    }

    void recordUsed(long plaintextBytes) {
        if (plaintextBytes < 0) {
            throw new IllegalArgumentException("negative byte count");
        }
        int t;
        synchronized (this) {
            long now = db.nowSeconds();
            if (allocations < 0xffffffffL) {
                allocations++;
            }
            bytes = bytes > Long.MAX_VALUE - plaintextBytes ? Long.MAX_VALUE : bytes + plaintextBytes;
            if (useTime == 0) {
                useTime = now;
            }
            t = evaluate(now);
        }
        db.announce(this, t);
    }

    synchronized ReplayWindow replayWindow() {
        if (replay == null) {
            replay = new ReplayWindow(replaySize);
        }
        return replay;
    }

    SadSa.In inboundView() {
        SadSa.In v = inView;
        if (v == null) {
            synchronized (this) {
                v = inView;
                if (v == null) {
                    v = new SadSa.In(this);
                    inView = v;
                }
            }
        }
        return v;
    }

    SadSa.Out outboundView() {
        SadSa.Out v = outView;
        if (v == null) {
            synchronized (this) {
                v = outView;
                if (v == null) {
                    v = new SadSa.Out(this);
                    outView = v;
                }
            }
        }
        return v;
    }

    RecordCipher cipher() {
        RecordCipher c = cipher;
        if (c == null) {
            synchronized (this) {
                c = cipher;
                if (c == null) {
                    c = db.makeCipher(this);
                    cipher = c;
                }
            }
        }
        return c;
    }

    /** A consistent copy of the mutable state for messages and persistence. */
    synchronized Snapshot snapshot() {
        return new Snapshot(state, new PfKeyExtension.Lifetime(PfKey.SADB_EXT_LIFETIME_CURRENT,
                Math.min(allocations, 0xffffffffL), bytes, addTime, useTime),
                limits(PfKey.SADB_EXT_LIFETIME_SOFT, softAllocations, softBytes, softAddTime, softUseTime),
                limits(PfKey.SADB_EXT_LIFETIME_HARD, hardAllocations, hardBytes, hardAddTime, hardUseTime),
                nextSeq, reservedSeq);
    }

    private static PfKeyExtension.Lifetime limits(int type, long a, long b, long add, long use) {
        return a == 0 && b == 0 && add == 0 && use == 0 ? null : new PfKeyExtension.Lifetime(type, a, b, add, use);
    }

    record Snapshot(int state, PfKeyExtension.Lifetime current, PfKeyExtension.Lifetime soft,
                    PfKeyExtension.Lifetime hard, long nextSequence, long reservedSequence) {
    }

    @Override
    public String toString() {
        return "SadEntry[spi=0x" + Long.toHexString(spi()) + ", " + src + " -> " + dst + ", " + suite + "]";
    }
}
