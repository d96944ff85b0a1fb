package org.recsec.applet;

import javacard.framework.APDU;

/** RESET (INS 0x19, P1 0x10, P2 0x00; seed 003 §4.2): forgets the session whatever its state; state IDLE. */
final class ResetCommand extends Command {

    private final Transients t;

    ResetCommand(Transients t) {
        this.t = t;
    }

    @Override
    void handle(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        requireP1P2(buf, Consts.P1_RESET, (byte) 0);
        requireNoData(apdu);
        t.wipeSession(Consts.ST_IDLE);
    }
}
