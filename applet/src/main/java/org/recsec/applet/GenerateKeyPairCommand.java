package org.recsec.applet;

import javacard.framework.APDU;
import javacard.framework.JCSystem;

/**
 * GENERATE-KEYPAIR (INS 0x50, P1 P2 00 00, no data): makes a new RSA-2048 key pair (public exponent 65537) on the
 * card. The private key never leaves the card: no command reads it. The card's certificate, which certified the old
 * key, is forgotten, and so is the stored session; the trust anchor stays.
 */
final class GenerateKeyPairCommand extends Command {

    private final Transients t;
    private final Persistent p;

    GenerateKeyPairCommand(Transients t, Persistent p) {
        this.t = t;
        this.p = p;
    }

    @Override
    void handle(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        requireP1P2(buf, (byte) 0, (byte) 0);
        requireNoData(apdu);
        t.wipeSession(Consts.ST_IDLE);
        JCSystem.beginTransaction();
        p.keyGenerated = false;
        p.certComplete = false;
        p.certLength = 0;
        JCSystem.commitTransaction();
        p.forgetSession();
        p.keyPair.genKeyPair();
        p.keyGenerated = true;
    }
}
