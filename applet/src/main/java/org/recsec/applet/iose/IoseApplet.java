package org.recsec.applet.iose;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.Util;
import javacard.security.RandomData;

/**
 * An Internet-of-Secure-Elements secure element (draft-urien-coinrg-iose): a TLS 1.3 PSK-DHE server
 * ({@link Tls13Server}) reached through EAP-TLS framing in APDUs ({@link EapFraming}), named by its SEN, with the
 * {@code shell} keystore application ({@link Shell}) and the §8 attestation. Everything is allocated at install,
 * including the RSA-2048 key pairs; process() allocates nothing. APDUs: applet/README-iose.md.
 */
public final class IoseApplet extends Applet {

    private static final byte[] WIPE = {'W', 'I', 'P', 'E'};

    private final IoseRam ram;
    private final IoseStore store;
    private final EapFraming eap;
    private final RecordSa recordSa;

    private IoseApplet() {
        store = new IoseStore();
        ram = new IoseRam();
        RandomData random = RandomData.getInstance(RandomData.ALG_SECURE_RANDOM);
        Tls13Server tls = new Tls13Server(ram, store, random);
        eap = new EapFraming(ram, tls);
        recordSa = tls.recordSa();
        ram.wipe(IoseConsts.ST_WAIT_CLIENT_HELLO);
    }

    /** JavaCard install entry point; bArray may carry the instance AID (length-prefixed) first. */
    public static void install(byte[] bArray, short bOffset, byte bLength) {
        IoseApplet applet = new IoseApplet();
        if (bLength > 0 && bArray[bOffset] >= 5 && bArray[bOffset] <= 16 && bArray[bOffset] < bLength) {
            applet.register(bArray, (short) (bOffset + 1), bArray[bOffset]);
        } else {
            applet.register();
        }
    }

    @Override
    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        if (buf[ISO7816.OFFSET_CLA] != IoseConsts.CLA) {
            ISOException.throwIt(ISO7816.SW_CLA_NOT_SUPPORTED);
        }
        switch (buf[ISO7816.OFFSET_INS]) {
            case IoseConsts.INS_PROCESS:
                eap.process(apdu);
                return;
            case IoseConsts.INS_RESET:
                noData(apdu, buf);
                ram.wipe(IoseConsts.ST_WAIT_CLIENT_HELLO);
                return;
            case IoseConsts.INS_PERSONALISE:
                personalise(apdu, buf);
                return;
            case IoseConsts.INS_READ_SEN: {
                noData(apdu, buf);
                if (!store.personalised) {
                    ISOException.throwIt(IoseConsts.SW_WRONG_STATE);
                }
                short n = Util.arrayCopyNonAtomic(store.sen, (short) 0, buf, (short) 0, store.senLength);
                apdu.setOutgoingAndSend((short) 0, n);
                return;
            }
            case IoseConsts.INS_FACTORY_RESET: {
                p1p2(buf);
                short lc = apdu.setIncomingAndReceive();
                if (lc != 4 || Util.arrayCompare(buf, ISO7816.OFFSET_CDATA, WIPE, (short) 0, (short) 4) != 0) {
                    ISOException.throwIt(IoseConsts.SW_WRONG_DATA);
                }
                ram.wipe(IoseConsts.ST_WAIT_CLIENT_HELLO);
                ram.wipeSa();
                store.wipe();
                return;
            }
            case IoseConsts.INS_GET_STATUS: {
                noData(apdu, buf);
                buf[0] = ram.state();
                buf[1] = store.personalised ? (byte) 1 : (byte) 0;
                buf[2] = ram.vars[IoseConsts.V_ALPN];
                buf[3] = ram.vars[IoseConsts.V_EAP_MODE];
                apdu.setOutgoingAndSend((short) 0, (short) 4);
                return;
            }
            case IoseConsts.INS_SA_INFO: {
                noData(apdu, buf);
                apdu.setOutgoingAndSend((short) 0, recordSa.info(buf));
                return;
            }
            case IoseConsts.INS_SA_SEAL: {
                p1p2(buf);
                apdu.setOutgoingAndSend((short) 0, recordSa.seal(buf, apdu.setIncomingAndReceive()));
                return;
            }
            case IoseConsts.INS_SA_OPEN: {
                p1p2(buf);
                apdu.setOutgoingAndSend((short) 0, recordSa.open(buf, apdu.setIncomingAndReceive()));
                return;
            }
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }

    private static void p1p2(byte[] buf) {
        if (buf[ISO7816.OFFSET_P1] != 0 || buf[ISO7816.OFFSET_P2] != 0) {
            ISOException.throwIt(IoseConsts.SW_WRONG_P1P2);
        }
    }

    private static void noData(APDU apdu, byte[] buf) {
        p1p2(buf);
        if (apdu.setIncomingAndReceive() != 0) {
            ISOException.throwIt(IoseConsts.SW_WRONG_LENGTH);
        }
    }

    /** idLen ‖ identity ‖ pskLen ‖ psk ‖ senLen ‖ sen; once, until FACTORY-RESET. */
    private void personalise(APDU apdu, byte[] buf) {
        p1p2(buf);
        short lc = apdu.setIncomingAndReceive();
        if (store.personalised) {
            ISOException.throwIt(IoseConsts.SW_WRONG_STATE);
        }
        short o = ISO7816.OFFSET_CDATA;
        short end = (short) (o + lc);
        if (lc < 3) {
            ISOException.throwIt(IoseConsts.SW_WRONG_LENGTH);
        }
        short idLen = (short) (buf[o] & 0xFF);
        short idOff = (short) (o + 1);
        short pskAt = (short) (idOff + idLen);
        if (idLen < 1 || idLen > IoseConsts.MAX_IDENTITY || pskAt >= end) {
            ISOException.throwIt(IoseConsts.SW_WRONG_DATA);
        }
        short pskLen = (short) (buf[pskAt] & 0xFF);
        short pskOff = (short) (pskAt + 1);
        short senAt = (short) (pskOff + pskLen);
        if (pskLen < IoseConsts.MIN_PSK || pskLen > IoseConsts.MAX_PSK || senAt >= end) {
            ISOException.throwIt(IoseConsts.SW_WRONG_DATA);
        }
        short senLen = (short) (buf[senAt] & 0xFF);
        short senOff = (short) (senAt + 1);
        if (senLen < 1 || senLen > IoseConsts.MAX_SEN || (short) (senOff + senLen) != end) {
            ISOException.throwIt(IoseConsts.SW_WRONG_DATA);
        }
        ram.wipe(IoseConsts.ST_WAIT_CLIENT_HELLO);
        store.personalise(buf, idOff, idLen, pskOff, pskLen, senOff, senLen);
    }
}
