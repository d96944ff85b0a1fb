package org.recsec.applet;

import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;

/**
 * PERSONALISE (INS 0x30, P1 P2 00 00): data = policy(1) ‖ idLen(1) ‖ identity ‖ pskLen(1) ‖ psk ‖ senLen(1) ‖ sen.
 * Once only: a personalised card refuses with SW_WRONG_STATE until FACTORY-RESET has wiped it. Nothing written
 * here can be read back except the SEN.
 */
final class PersonaliseCommand extends Command {

    private final Persistent p;

    PersonaliseCommand(Persistent p) {
        this.p = p;
    }

    @Override
    void handle(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        requireP1P2(buf, (byte) 0, (byte) 0);
        short lc = apdu.setIncomingAndReceive();
        if (p.personalised) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        short o = ISO7816.OFFSET_CDATA;
        short end = (short) (o + lc);
        if (lc < 4) {
            ISOException.throwIt(Consts.SW_WRONG_LENGTH);
        }
        byte policy = buf[o];
        if ((policy & (byte) ~Consts.POLICY_EXPORT) != 0) {
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
        short idLen = (short) (buf[(short) (o + 1)] & 0xFF);
        short idOff = (short) (o + 2);
        short pskLenAt = (short) (idOff + idLen);
        if (idLen < 1 || idLen > Consts.MAX_IDENTITY || pskLenAt >= end) {
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
        short pskLen = (short) (buf[pskLenAt] & 0xFF);
        short pskOff = (short) (pskLenAt + 1);
        short senLenAt = (short) (pskOff + pskLen);
        if (pskLen < 1 || pskLen > Consts.MAX_PSK || senLenAt >= end) {
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
        short senLen = (short) (buf[senLenAt] & 0xFF);
        short senOff = (short) (senLenAt + 1);
        if (senLen > Consts.MAX_SEN || (short) (senOff + senLen) != end) {
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
        p.personalise(policy, buf, idOff, idLen, pskOff, pskLen, senOff, senLen);
    }
}
