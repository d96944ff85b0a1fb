package org.recsec.applet;

import javacard.framework.APDU;

/** GET-STATUS (INS 0x38, P1 P2 00 00): state(1) ‖ EAP mode(1) ‖ personalised(1) ‖ policy(1). */
final class GetStatusCommand extends Command {

    private final Transients t;
    private final Persistent p;

    GetStatusCommand(Transients t, Persistent p) {
        this.t = t;
        this.p = p;
    }

    @Override
    void handle(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        requireP1P2(buf, (byte) 0, (byte) 0);
        requireNoData(apdu);
        buf[0] = t.state();
        buf[1] = t.vars[Consts.V_EAP_MODE];
        buf[2] = p.personalised ? (byte) 1 : (byte) 0;
        buf[3] = p.policy;
        apdu.setOutgoingAndSend((short) 0, (short) 4);
    }
}
