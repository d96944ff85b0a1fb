package org.recsec.applet;

import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * READ-PUBLIC-KEY (INS 0x52): P1 00 the modulus in two halves of 128 bytes (P2 00 the first, P2 01 the second: a
 * short APDU answers at most 255 bytes under jcardsim), P1 01 P2 00 the public exponent (big-endian). 6985 before
 * GENERATE-KEYPAIR.
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
        byte p2 = buf[ISO7816.OFFSET_P2];
        if (!((p1 == 0 && (p2 == 0 || p2 == 1)) || (p1 == 1 && p2 == 0))) {
            ISOException.throwIt(Consts.SW_WRONG_P1P2);
        }
        requireNoData(apdu);
        if (!p.keyGenerated) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        if (p1 == 1) {
            apdu.setOutgoingAndSend((short) 0, p.publicKey().getExponent(buf, (short) 0));
            return;
        }
        short half = (short) (Consts.RSA_BYTES / 2);
        short at = p.modulus(buf);
        if (at < 0) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        Util.arrayCopyNonAtomic(buf, p2 == 0 ? at : (short) (at + half), buf, (short) 0, half);
        apdu.setOutgoingAndSend((short) 0, half);
    }
}
