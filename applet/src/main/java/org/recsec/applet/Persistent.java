package org.recsec.applet;

import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacard.security.KeyBuilder;
import javacard.security.KeyPair;
import javacard.security.RSAPrivateCrtKey;
import javacard.security.RSAPublicKey;

/**
 * All EEPROM state: the PSK identity and PSK (write-only: no command reads them), the secure element name (IoSE SEN,
 * draft-urien-coinrg-iose §3) and the export policy; for certificate mode the RSA-2048 key pair made on the card, its
 * certificate and the trust anchor; for resumption the last session's id and master secret. Every change of several fields happens in one transaction, so a
 * tear leaves either the old or the new personalisation, never a mix.
 */
final class Persistent {

    final byte[] identity = new byte[Consts.MAX_IDENTITY];
    final byte[] psk = new byte[Consts.MAX_PSK];
    final byte[] sen = new byte[Consts.MAX_SEN];
    byte identityLength;
    byte pskLength;
    byte senLength;
    byte policy;
    boolean personalised;

    /** The card's RSA-2048 key pair (GENERATE-KEYPAIR); no command exports the private half. */
    final KeyPair keyPair;
    boolean keyGenerated;
    /** The card's X.509 certificate (DER) and the trust anchor (the CA certificate, DER), written by WRITE-CERT. */
    final byte[] cert = new byte[Consts.MAX_CERT];
    final byte[] anchor = new byte[Consts.MAX_CERT];
    short certLength;
    short anchorLength;
    boolean certComplete;
    boolean anchorComplete;

    /** The last full handshake's session (RFC 5246 §7.3): id, master secret, mode bits (TLS/CERT) it ran in. */
    final byte[] sessionId = new byte[Consts.MAX_SESSION_ID];
    final byte[] sessionMaster = new byte[Consts.MASTER_SECRET];
    byte sessionIdLength;
    byte sessionMode;
    boolean sessionValid;

    Persistent() {
        keyPair = new KeyPair((RSAPublicKey) KeyBuilder.buildKey(KeyBuilder.TYPE_RSA_PUBLIC,
                KeyBuilder.LENGTH_RSA_2048, false), (RSAPrivateCrtKey) KeyBuilder.buildKey(
                KeyBuilder.TYPE_RSA_CRT_PRIVATE, KeyBuilder.LENGTH_RSA_2048, false));
    }

    /** The public half (asked from the pair each time: jcardsim's genKeyPair replaces the key objects). */
    RSAPublicKey publicKey() {
        return (RSAPublicKey) keyPair.getPublic();
    }

    /**
     * Writes the public modulus into buf (at least 257 bytes: jcardsim gives a leading zero byte, a card does not)
     * and returns the offset of its 256 bytes, or -1 if it is not a 2048-bit modulus.
     */
    short modulus(byte[] buf) {
        short n = publicKey().getModulus(buf, (short) 0);
        if (n == Consts.RSA_BYTES) {
            return 0;
        }
        return n == (short) (Consts.RSA_BYTES + 1) && buf[0] == 0 ? (short) 1 : (short) -1;
    }

    RSAPrivateCrtKey privateKey() {
        return (RSAPrivateCrtKey) keyPair.getPrivate();
    }

    /** Remembers a finished full handshake's session for resumption. */
    void storeSession(byte[] sid, short sidOff, short sidLen, byte[] master, short masterOff, byte mode) {
        JCSystem.beginTransaction();
        Util.arrayCopy(sid, sidOff, sessionId, (short) 0, sidLen);
        Util.arrayCopy(master, masterOff, sessionMaster, (short) 0, Consts.MASTER_SECRET);
        sessionIdLength = (byte) sidLen;
        sessionMode = mode;
        sessionValid = true;
        JCSystem.commitTransaction();
    }

    /** Forgets the stored session (master secret zeroed). */
    void forgetSession() {
        sessionValid = false;
        Util.arrayFillNonAtomic(sessionMaster, (short) 0, Consts.MASTER_SECRET, (byte) 0);
        Util.arrayFillNonAtomic(sessionId, (short) 0, Consts.MAX_SESSION_ID, (byte) 0);
        sessionIdLength = 0;
    }

    /** Forgets the key pair, both certificates and the session. */
    void wipeCertificates() {
        keyGenerated = false;
        certComplete = false;
        anchorComplete = false;
        certLength = 0;
        anchorLength = 0;
        publicKey().clearKey();
        privateKey().clearKey();
        Util.arrayFillNonAtomic(cert, (short) 0, Consts.MAX_CERT, (byte) 0);
        Util.arrayFillNonAtomic(anchor, (short) 0, Consts.MAX_CERT, (byte) 0);
        forgetSession();
    }

    /** Stores a personalisation; the caller has checked every length. */
    void personalise(byte newPolicy, byte[] src, short idOff, short idLen, short pskOff, short pskLen, short senOff,
            short senLen) {
        JCSystem.beginTransaction();
        Util.arrayCopy(src, idOff, identity, (short) 0, idLen);
        Util.arrayCopy(src, pskOff, psk, (short) 0, pskLen);
        Util.arrayCopy(src, senOff, sen, (short) 0, senLen);
        identityLength = (byte) idLen;
        pskLength = (byte) pskLen;
        senLength = (byte) senLen;
        policy = newPolicy;
        personalised = true;
        JCSystem.commitTransaction();
    }

    /** Wipes identity, PSK, SEN and policy: the card can be personalised again and knows no secret. */
    void wipe() {
        // The secrets go first and outside the transaction (JavaCard 2.2.2 has no atomic fill): a tear here leaves a
        // personalised card with a zeroed PSK, which fails every handshake and can be wiped again.
        Util.arrayFillNonAtomic(identity, (short) 0, Consts.MAX_IDENTITY, (byte) 0);
        Util.arrayFillNonAtomic(psk, (short) 0, Consts.MAX_PSK, (byte) 0);
        Util.arrayFillNonAtomic(sen, (short) 0, Consts.MAX_SEN, (byte) 0);
        JCSystem.beginTransaction();
        identityLength = 0;
        pskLength = 0;
        senLength = 0;
        policy = 0;
        personalised = false;
        JCSystem.commitTransaction();
    }
}
