package org.recsec.applet;

import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * FACTORY-RESET (INS 0x36, P1 P2 00 00, data "WIPE"): wipes the PSK, identity, SEN and policy, the key pair, both
 * certificates, the stored session and the current session,
 * after which PERSONALISE is accepted again. It needs no key because it destroys the secret it would protect.
 */
final class FactoryResetCommand extends Command {

    private final Transients t;
    private final Persistent p;

    FactoryResetCommand(Transients t, Persistent p) {
        this.t = t;
        this.p = p;
    }

    @Override
    void handle(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        requireP1P2(buf, (byte) 0, (byte) 0);
        short lc = apdu.setIncomingAndReceive();
        if (lc != (short) Consts.FACTORY_RESET_MAGIC.length || Util.arrayCompare(buf, ISO7816.OFFSET_CDATA,
                Consts.FACTORY_RESET_MAGIC, (short) 0, lc) != 0) {
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
        t.wipeSession(Consts.ST_IDLE);
        p.wipe();
        p.wipeCertificates();
    }
}
