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
 * One SA in the SAD: fixed parameters, and the mutable state (sequence numbers, replay window; the lifetime state
 * and counters in the superclass {@link SaLifetime}) guarded by the entry's own monitor, so the data path never takes
 * the SAD lock. Kept lean for a million entries: one object, limits are primitive fields, the cipher, replay window
 * and views are created on first use.
 */
final class SadEntry extends SaLifetime {
    static final long MAX_SEQUENCE = PfKeyExtension.Profile.MAX_SEQUENCE;

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
    private long nextSeq;
    private long reservedSeq;
    private ReplayWindow replay;
    // Built once, read without the entry's lock (a lookup per record must not take it).
    private volatile SadSa.In inView;
    private volatile SadSa.Out outView;
    private volatile RecordCipher cipher;

    // Guarded by the SAD lock.
    int allIndex = -1;
    SadEntry nextSameSpi;
    SadEntry olderSameRoute;
    /** The next older inbound SA of the same (source, destination), for {@link SaIndex#inboundRoute}. */
    SadEntry olderSameInboundRoute;

    /** A larval SA reserved by GETSPI. */
    SadEntry(SecurityAssociationDatabase db, long spi, String src, String dst, long creatorSession,
             long deadlineMillis, long nowSeconds) {
        super(PfKey.SADB_SASTATE_LARVAL, nowSeconds);
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
    }

    /** A mature SA from ADD or UPDATE, or loaded from the state directory. */
    SadEntry(SecurityAssociationDatabase db, SaSpec spec, boolean inboundOk, boolean outboundOk, long fileId,
             long nowSeconds) {
        super(PfKey.SADB_SASTATE_MATURE, nowSeconds);
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
        this.nextSeq = spec.firstSequence();
        this.reservedSeq = spec.firstSequence();
        setLimits(spec.soft(), spec.hard());
    }

    long spi() {
        return spi & 0xffffffffL;
    }

    boolean isLarval() {
        return suite == null;
    }

    /** Restores counters and state saved by {@link SaStore}; only while the entry is not yet shared. */
    synchronized void restore(int savedState, PfKeyExtension.Lifetime current, long nextSequence, long nowSeconds) {
        restoreLifetime(savedState, current, nowSeconds);
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
            if (!db.entries().persist(this)) {
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
                    if (!db.entries().persist(this)) {
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
        db.announce(this, countRecord(plaintextBytes, db.nowSeconds()));
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
        return new Snapshot(state, currentLifetime(), softLimits(), hardLimits(), nextSeq, reservedSeq);
    }

    record Snapshot(int state, PfKeyExtension.Lifetime current, PfKeyExtension.Lifetime soft,
                    PfKeyExtension.Lifetime hard, long nextSequence, long reservedSequence) {
    }

    @Override
    public String toString() {
        return "SadEntry[spi=0x" + Long.toHexString(spi()) + ", " + src + " -> " + dst + ", " + suite + "]";
    }
}
