package org.recsec.applet;

import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;

/** One APDU command. Each subclass checks its own P1/P2, data and state and answers or throws an ISOException. */
abstract class Command {

    abstract void handle(APDU apdu);

    /** Refuses unless P1 and P2 are both as given. */
    static void requireP1P2(byte[] buf, byte p1, byte p2) {
        if (buf[ISO7816.OFFSET_P1] != p1 || buf[ISO7816.OFFSET_P2] != p2) {
            ISOException.throwIt(Consts.SW_WRONG_P1P2);
        }
    }

    /** Refuses a command that carries data although it takes none. */
    static void requireNoData(APDU apdu) {
        if (apdu.setIncomingAndReceive() != 0) {
            ISOException.throwIt(Consts.SW_WRONG_LENGTH);
        }
    }
}
