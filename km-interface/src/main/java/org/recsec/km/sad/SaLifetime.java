package org.recsec.km.sad;

import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyExtension;

/**
 * The lifetime accounting of one SA (RFC 2367 §2.3.2): its state (LARVAL, MATURE, DYING, DEAD), the current
 * counters (records as {@code sadb_lifetime_allocations}, plaintext bytes, add time, first use) and the soft and hard
 * limits, and the transitions they cause. The superclass of {@link SadEntry}, so that an entry stays one object
 * (the SAD holds a million of them); every field is guarded by the entry's monitor.
 */
abstract class SaLifetime {
    /** No transition happened. */
    static final int NONE = 0;
    /** MATURE became DYING: EXPIRE(soft). */
    static final int SOFT = 1;
    /** The SA became DEAD: EXPIRE(hard). */
    static final int HARD = 2;

    /** Written under this entry's monitor; volatile so the SAD's lookups read it without taking the monitor. */
    volatile int state;
    // Guarded by this.
    boolean removed;
    /** Seconds when the SA became DEAD (or was loaded DEAD); 0 while alive. */
    private long deadSince;
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

    SaLifetime(int state, long addTimeSeconds) {
        this.state = state;
        this.addTime = addTimeSeconds;
    }

    /** The state; a lookup by route asks it of every SA of the route, without the entry's monitor. */
    int state() {
        return state;
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

    /** Restores the state and the current counters saved with the SA; only while the entry is not yet shared. */
    synchronized void restoreLifetime(int savedState, PfKeyExtension.Lifetime current, long nowSeconds) {
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

    /**
     * Counts one record of {@code plaintextBytes} used at {@code now} (saturating) and applies the lifetimes; returns
     * the transition to announce.
     */
    synchronized int countRecord(long plaintextBytes, long now) {
        if (allocations < 0xffffffffL) {
            allocations++;
        }
        bytes = bytes > Long.MAX_VALUE - plaintextBytes ? Long.MAX_VALUE : bytes + plaintextBytes;
        if (useTime == 0) {
            useTime = now;
        }
        return evaluate(now);
    }

    /** The CURRENT lifetime extension: the counters now. */
    synchronized PfKeyExtension.Lifetime currentLifetime() {
        return new PfKeyExtension.Lifetime(PfKey.SADB_EXT_LIFETIME_CURRENT, Math.min(allocations, 0xffffffffL), bytes,
                addTime, useTime);
    }

    /** The SOFT lifetime extension, null without soft limits. */
    synchronized PfKeyExtension.Lifetime softLimits() {
        return limits(PfKey.SADB_EXT_LIFETIME_SOFT, softAllocations, softBytes, softAddTime, softUseTime);
    }

    /** The HARD lifetime extension, null without hard limits. */
    synchronized PfKeyExtension.Lifetime hardLimits() {
        return limits(PfKey.SADB_EXT_LIFETIME_HARD, hardAllocations, hardBytes, hardAddTime, hardUseTime);
    }

    private static PfKeyExtension.Lifetime limits(int type, long a, long b, long add, long use) {
        return a == 0 && b == 0 && add == 0 && use == 0 ? null : new PfKeyExtension.Lifetime(type, a, b, add, use);
    }
}
