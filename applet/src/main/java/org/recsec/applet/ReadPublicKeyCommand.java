package org.recsec.applet;

import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;

/**
 * READ-PUBLIC-KEY (INS 0x52, P2 00): P1 00 answers the 256-byte modulus, P1 01 the public exponent (big-endian).
 * 6985 before GENERATE-KEYPAIR.
 */
final class ReadPublicKeyCommand extends Command {

    private final Persistent p;

    ReadPublicKeyCommand(Persistent p) {
        this.p = p;
    }

    @Override
    void handle(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        byte p1 = buf[ISO7816.OFFSET_P1];
        if ((p1 != 0 && p1 != 1) || buf[ISO7816.OFFSET_P2] != 0) {
            ISOException.throwIt(Consts.SW_WRONG_P1P2);
        }
        requireNoData(apdu);
        if (!p.keyGenerated) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        short n = p1 == 0 ? p.publicKey.getModulus(buf, (short) 0) : p.publicKey.getExponent(buf, (short) 0);
        apdu.setOutgoingAndSend((short) 0, n);
    }
}
