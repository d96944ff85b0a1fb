package org.recsec.applet;

import javacard.framework.APDU;
import javacard.framework.ISOException;
import javacard.framework.Util;

/** READ-SEN (INS 0x32, P1 P2 00 00): answers the secure element name (IoSE SEN) set at personalisation. */
final class ReadSenCommand extends Command {

    private final Persistent p;

    ReadSenCommand(Persistent p) {
        this.p = p;
    }

    @Override
    void handle(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        requireP1P2(buf, (byte) 0, (byte) 0);
        requireNoData(apdu);
        if (!p.personalised) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        short n = p.senLength;
        Util.arrayCopyNonAtomic(p.sen, (short) 0, buf, (short) 0, n);
        apdu.setOutgoingAndSend((short) 0, n);
    }
}
