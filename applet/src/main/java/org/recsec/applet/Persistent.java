package org.recsec.applet;

import javacard.framework.JCSystem;
import javacard.framework.Util;

/**
 * All EEPROM state: the PSK identity and PSK (write-only: no command reads them), the secure element name (IoSE SEN,
 * draft-urien-coinrg-iose §3) and the export policy. Every change of several fields happens in one transaction, so a
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
