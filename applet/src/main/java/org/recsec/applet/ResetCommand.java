package org.recsec.applet;

import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;

/**
 * RESET (INS 0x19, P1 0x10; seed 003 §4.2): forgets the session whatever its state; state IDLE. P2 chooses the
 * next handshake: bit 0 TLS 1.2 records (else DTLS 1.2), bit 1 certificate mode (else PSK), bit 2 offer the stored
 * session for resumption; other bits refused with 6B00. P2 00 is the DTLS PSK client of before.
 */
final class ResetCommand extends Command {

    private final Transients t;

    ResetCommand(Transients t) {
        this.t = t;
    }

    @Override
    void handle(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        byte mode = buf[ISO7816.OFFSET_P2];
        if (buf[ISO7816.OFFSET_P1] != Consts.P1_RESET || (mode & (byte) ~Consts.MODE_ALL) != 0) {
            ISOException.throwIt(Consts.SW_WRONG_P1P2);
        }
        requireNoData(apdu);
        t.wipeSession(Consts.ST_IDLE);
        t.vars[Consts.V_MODE] = mode;
    }
}
