package org.recsec.applet.iose;

import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacard.security.AESKey;
import javacard.security.HMACKey;
import javacard.security.KeyBuilder;

/**
 * All RAM of the IoSE applet, allocated once at install. The arrays are CLEAR_ON_RESET rather than
 * CLEAR_ON_DESELECT: a grid that hosts several IoSE instances behind one reader (or one simulator) selects them in
 * turn, and a session must survive that; a power cycle still erases everything. {@link #ramBytes()} is the budget
 * checked by the tests.
 */
final class IoseRam {

    final byte[] io;
    final byte[] vars;
    final byte[] sec;
    final byte[] ccm;
    /** Opens the client's records. */
    final AESKey readKey;
    /** Seals the card's records. */
    final AESKey writeKey;
    /** HMAC-SHA-256 key slot of HKDF (RFC 5869 on RFC 2104). */
    final HMACKey hmacKey;
    /** The record SA ({@link RecordSa}): outlives sessions, not touched by {@link #wipe} or {@link #close}. */
    final byte[] sa;
    /** The record SA's client-to-card key (the card opens). */
    final AESKey saOpenKey;
    /** The record SA's card-to-client key (the card seals). */
    final AESKey saSealKey;

    IoseRam() {
        io = JCSystem.makeTransientByteArray(IoseConsts.IO_SIZE, JCSystem.CLEAR_ON_RESET);
        vars = JCSystem.makeTransientByteArray(IoseConsts.VARS_SIZE, JCSystem.CLEAR_ON_RESET);
        sec = JCSystem.makeTransientByteArray(IoseConsts.SEC_SIZE, JCSystem.CLEAR_ON_RESET);
        ccm = JCSystem.makeTransientByteArray(IoseConsts.CCM_SIZE, JCSystem.CLEAR_ON_RESET);
        readKey = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES_TRANSIENT_RESET, KeyBuilder.LENGTH_AES_128, false);
        writeKey = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES_TRANSIENT_RESET, KeyBuilder.LENGTH_AES_128, false);
        hmacKey = (HMACKey) KeyBuilder.buildKey(KeyBuilder.TYPE_HMAC_TRANSIENT_RESET,
                KeyBuilder.LENGTH_HMAC_SHA_256_BLOCK_64, false);
        sa = JCSystem.makeTransientByteArray(IoseConsts.SA_SIZE, JCSystem.CLEAR_ON_RESET);
        saOpenKey = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES_TRANSIENT_RESET, KeyBuilder.LENGTH_AES_128,
                false);
        saSealKey = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES_TRANSIENT_RESET, KeyBuilder.LENGTH_AES_128,
                false);
    }

    /**
     * RAM bytes allocated here: the session's arrays, two AES-128 keys and one 64-byte HMAC key slot; the record
     * SA's array and two AES-128 keys.
     */
    static short ramBytes() {
        return (short) (IoseConsts.IO_SIZE + IoseConsts.VARS_SIZE + IoseConsts.SEC_SIZE + IoseConsts.CCM_SIZE
                + 16 + 16 + 64 + IoseConsts.SA_SIZE + 16 + 16);
    }

    /** Forgets the record SA (its keys, salts, SPIs and sequence mark). */
    void wipeSa() {
        Util.arrayFillNonAtomic(sa, (short) 0, IoseConsts.SA_SIZE, (byte) 0);
        saOpenKey.clearKey();
        saSealKey.clearKey();
    }

    byte state() {
        return vars[IoseConsts.V_STATE];
    }

    void setState(byte s) {
        vars[IoseConsts.V_STATE] = s;
    }

    short getShort(short off) {
        return Util.getShort(vars, off);
    }

    void setShort(short off, short v) {
        Util.setShort(vars, off, v);
    }

    /** Forgets the session (secrets, keys, buffers); the state becomes {@code state}. */
    void wipe(byte state) {
        Util.arrayFillNonAtomic(io, (short) 0, IoseConsts.IO_SIZE, (byte) 0);
        Util.arrayFillNonAtomic(vars, (short) 0, IoseConsts.VARS_SIZE, (byte) 0);
        Util.arrayFillNonAtomic(sec, (short) 0, IoseConsts.SEC_SIZE, (byte) 0);
        Util.arrayFillNonAtomic(ccm, (short) 0, IoseConsts.CCM_SIZE, (byte) 0);
        readKey.clearKey();
        writeKey.clearKey();
        hmacKey.clearKey();
        vars[IoseConsts.V_STATE] = state;
        Util.setShort(vars, IoseConsts.V_IN_EXPECTED, (short) -1);
    }

    /** Ends the session but keeps the I/O buffer (it may hold the alert being sent). */
    void close() {
        Util.arrayFillNonAtomic(sec, (short) 0, IoseConsts.SEC_SIZE, (byte) 0);
        readKey.clearKey();
        writeKey.clearKey();
        hmacKey.clearKey();
        vars[IoseConsts.V_STATE] = IoseConsts.ST_CLOSED;
    }
}
