package org.recsec.applet;



import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacard.security.AESKey;
import javacard.security.KeyBuilder;

/**
 * All RAM of the applet: CLEAR_ON_DESELECT arrays addressed through the named offsets of {@link Consts}, and the two
 * transient AES keys. Allocated once in the applet's constructor; {@link #ramBytes()} says how much RAM this takes
 * so that a real card's few KB can be checked.
 */
final class Transients {

    /** Reassembled incoming EAP payload, then the outgoing payload built in place. */
    final byte[] io;
    /** Session variables at the V_* offsets. */
    final byte[] vars;
    /** Randoms, master secret, expected server verify_data, transcript hash, premaster / key block (H_*). */
    final byte[] hs;
    /** HMAC working storage (M_*). */
    final byte[] hmac;
    /** CCM working blocks (C_*). */
    final byte[] ccm;
    /**
     * One RSA/DH block (256 bytes): a padded signature, Ys then Z, then the card's Yc until its ClientKeyExchange
     * is written (certificate mode only).
     */
    final byte[] big;
    /**
     * EAP-TLS key material kept after the handshake (RFC 5216 §2.3): the randoms and the master secret, then MSK
     * and EMSK derived from them by EAP-KEYS (E_* offsets). Never sent: only the Session-Id and USRKs leave.
     */
    final byte[] eap;
    /** client_write_key: seals the card's records. */
    final AESKey clientKey;
    /** server_write_key: opens the server's records. */
    final AESKey serverKey;

    Transients() {
        io = JCSystem.makeTransientByteArray(Consts.IO_SIZE, JCSystem.CLEAR_ON_DESELECT);
        vars = JCSystem.makeTransientByteArray(Consts.VARS_SIZE, JCSystem.CLEAR_ON_DESELECT);
        hs = JCSystem.makeTransientByteArray(Consts.HS_SIZE, JCSystem.CLEAR_ON_DESELECT);
        hmac = JCSystem.makeTransientByteArray(Consts.HMAC_SIZE, JCSystem.CLEAR_ON_DESELECT);
        ccm = JCSystem.makeTransientByteArray(Consts.CCM_SIZE, JCSystem.CLEAR_ON_DESELECT);
        big = JCSystem.makeTransientByteArray(Consts.RSA_BYTES, JCSystem.CLEAR_ON_DESELECT);
        eap = JCSystem.makeTransientByteArray(Consts.EAP_SIZE, JCSystem.CLEAR_ON_DESELECT);
        clientKey = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES_TRANSIENT_DESELECT, KeyBuilder.LENGTH_AES_128,
                false);
        serverKey = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES_TRANSIENT_DESELECT, KeyBuilder.LENGTH_AES_128,
                false);
    }

    /** Bytes of RAM allocated here: the arrays plus the key material of the two transient keys. */
    static short ramBytes() {
        return (short) (Consts.IO_SIZE + Consts.VARS_SIZE + Consts.HS_SIZE + Consts.HMAC_SIZE + Consts.CCM_SIZE
                + Consts.RSA_BYTES + Consts.EAP_SIZE + 2 * Consts.AES_KEY);
    }

    byte state() {
        return vars[Consts.V_STATE];
    }

    void setState(byte s) {
        vars[Consts.V_STATE] = s;
    }

    /** True when this session uses TLS records (RESET P2 bit 0), false for DTLS. */
    boolean tls() {
        return (vars[Consts.V_MODE] & Consts.MODE_TLS) != 0;
    }

    /** True in certificate mode (RESET P2 bit 1), false in PSK mode. */
    boolean cert() {
        return (vars[Consts.V_MODE] & Consts.MODE_CERT) != 0;
    }

    /** Record header length: 5 (TLS) or 13 (DTLS). */
    short recordHeader() {
        return tls() ? Consts.TLS_RECORD_HEADER : Consts.RECORD_HEADER;
    }

    /** Handshake message header length: 4 (TLS) or 12 (DTLS). */
    short hsHeader() {
        return tls() ? Consts.TLS_HS_HEADER : Consts.HS_HEADER;
    }

    /** Offset of the plaintext in a protected record: header and the 8-byte explicit nonce precede it. */
    short recordPlaintext() {
        return (short) (recordHeader() + Consts.EXPLICIT_NONCE);
    }

    /** The suite of this session's mode. */
    short suite() {
        return cert() ? Consts.SUITE_DHE_RSA_AES_128_CCM_8 : Consts.SUITE_PSK_AES_128_CCM_8;
    }

    short getShort(short off) {
        return Util.getShort(vars, off);
    }

    void setShort(short off, short v) {
        Util.setShort(vars, off, v);
    }

    /** Forgets the whole session: secrets, keys, buffers; the state becomes {@code state}. */
    void wipeSession(byte state) {
        Util.arrayFillNonAtomic(io, (short) 0, Consts.IO_SIZE, (byte) 0);
        Util.arrayFillNonAtomic(vars, (short) 0, Consts.VARS_SIZE, (byte) 0);
        Util.arrayFillNonAtomic(hs, (short) 0, Consts.HS_SIZE, (byte) 0);
        Util.arrayFillNonAtomic(hmac, (short) 0, Consts.HMAC_SIZE, (byte) 0);
        Util.arrayFillNonAtomic(ccm, (short) 0, Consts.CCM_SIZE, (byte) 0);
        Util.arrayFillNonAtomic(big, (short) 0, Consts.RSA_BYTES, (byte) 0);
        Util.arrayFillNonAtomic(eap, (short) 0, Consts.EAP_SIZE, (byte) 0);
        clientKey.clearKey();
        serverKey.clearKey();
        vars[Consts.V_STATE] = state;
    }

    /**
     * At the end of a handshake, before the handshake secrets are wiped: keeps client.random ‖ server.random ‖
     * master_secret (contiguous at H_CLIENT_RANDOM) for EAP-KEYS.
     */
    void keepEapSecrets() {
        Util.arrayCopyNonAtomic(hs, Consts.H_CLIENT_RANDOM, eap, Consts.E_RANDOMS,
                (short) (2 * Consts.RANDOM_LENGTH + Consts.MASTER_SECRET));
        eap[Consts.E_FLAG] = Consts.EAP_KEYS_MASTER;
    }

    /** Drops a half-received or half-sent EAP message; the session itself is kept. */
    void dropEapMessage() {
        Util.arrayFillNonAtomic(io, (short) 0, Consts.IO_SIZE, (byte) 0);
        vars[Consts.V_EAP_MODE] = Consts.EAP_MODE_IDLE;
        Util.setShort(vars, Consts.V_IN_LEN, (short) 0);
        Util.setShort(vars, Consts.V_IN_EXPECTED, (short) -1);
        Util.setShort(vars, Consts.V_OUT_POS, (short) 0);
        Util.setShort(vars, Consts.V_OUT_END, (short) 0);
        Util.setShort(vars, Consts.V_SPLICE_LEN, (short) 0);
    }
}
