package org.recsec.applet.iose;

import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacard.security.KeyBuilder;
import javacard.security.KeyPair;

/**
 * EEPROM state of the IoSE applet: PSK identity and PSK (never readable), the secure element name (SEN), the
 * SE-App certificate written by the provider (draft-urien-coinrg-iose §8.3), and the keystore's RSA-2048 key pairs
 * generated on the card at install (§8.2: "upon instantiation ... generates a pair of private key and public key").
 * Key 0 is the SE-App key that signs attestations; key 1 is a second keystore key.
 */
final class IoseStore {

    final byte[] identity = new byte[IoseConsts.MAX_IDENTITY];
    final byte[] psk = new byte[IoseConsts.MAX_PSK];
    final byte[] sen = new byte[IoseConsts.MAX_SEN];
    final byte[] cert = new byte[IoseConsts.MAX_CERT];
    final KeyPair[] keys = new KeyPair[IoseConsts.KEYS];
    byte identityLength;
    byte pskLength;
    byte senLength;
    short certLength;
    boolean personalised;

    IoseStore() {
        for (byte i = 0; i < IoseConsts.KEYS; i++) {
            keys[i] = new KeyPair(KeyPair.ALG_RSA, KeyBuilder.LENGTH_RSA_2048);
            keys[i].genKeyPair();
        }
    }

    /** EEPROM bytes of the arrays here (the key pairs' storage is counted by the caller from their sizes). */
    static short arrayBytes() {
        return (short) (IoseConsts.MAX_IDENTITY + IoseConsts.MAX_PSK + IoseConsts.MAX_SEN + IoseConsts.MAX_CERT);
    }

    void personalise(byte[] src, short idOff, short idLen, short pskOff, short pskLen, short senOff, short senLen) {
        JCSystem.beginTransaction();
        Util.arrayCopy(src, idOff, identity, (short) 0, idLen);
        Util.arrayCopy(src, pskOff, psk, (short) 0, pskLen);
        Util.arrayCopy(src, senOff, sen, (short) 0, senLen);
        identityLength = (byte) idLen;
        pskLength = (byte) pskLen;
        senLength = (byte) senLen;
        certLength = 0;
        personalised = true;
        JCSystem.commitTransaction();
    }

    /** Replaces the PSK in one transaction (draft §8.5, PSK-User): the old PSK opens no further session. */
    void setPsk(byte[] src, short off, short len) {
        JCSystem.beginTransaction();
        Util.arrayFillNonAtomic(psk, (short) 0, IoseConsts.MAX_PSK, (byte) 0);
        Util.arrayCopy(src, off, psk, (short) 0, len);
        pskLength = (byte) len;
        JCSystem.commitTransaction();
    }

    void wipe() {
        Util.arrayFillNonAtomic(identity, (short) 0, IoseConsts.MAX_IDENTITY, (byte) 0);
        Util.arrayFillNonAtomic(psk, (short) 0, IoseConsts.MAX_PSK, (byte) 0);
        Util.arrayFillNonAtomic(sen, (short) 0, IoseConsts.MAX_SEN, (byte) 0);
        Util.arrayFillNonAtomic(cert, (short) 0, IoseConsts.MAX_CERT, (byte) 0);
        JCSystem.beginTransaction();
        identityLength = 0;
        pskLength = 0;
        senLength = 0;
        certLength = 0;
        personalised = false;
        JCSystem.commitTransaction();
    }
}
