package org.recsec.applet;

import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * EAP-KEYS (INS 0x3A): the card as EAP-TLS peer keeps the keys of RFC 5216 §2.3 and hands out only what the UE's
 * host needs (draft-ohba-core-eap-based-bootstrapping: the EMSK never leaves the peer or the EAP server).
 * <ul>
 * <li>P1 00, P2 00, no data: after a finished handshake (the card kept client.random ‖ server.random ‖ master_secret
 * when it ended), the first call derives Key_Material = PRF(master_secret, "client EAP encryption", client.random ‖
 * server.random)[0..128) into MSK ‖ EMSK in RAM and forgets the master secret; every call answers the 65-byte
 * Session-Id 0x0D ‖ client.random ‖ server.random.</li>
 * <li>P1 01, P2 = length (1..128), data = the optional data (the application server's identity, 0..120 bytes):
 * answers USRK = KDF(EMSK, "CoAP Record SA Root Key@recsec.invalid", data, length) with the default KDF of
 * RFC 5295 §3.1.2. The label is fixed: the host cannot ask for another usage's key.</li>
 * </ul>
 * No command answers the MSK or the EMSK. Refusals: 6985 nothing kept (no handshake finished since RESET or SELECT,
 * or EXPORT-SA wiped it) or P1 01 before P1 00; 6B00 other P1/P2; 6700 data with P1 00 or over 120 bytes with P1 01.
 */
final class EapKeysCommand extends Command {

    private final Transients t;
    private final Prf prf;

    EapKeysCommand(Transients t, Prf prf) {
        this.t = t;
        this.prf = prf;
    }

    @Override
    void handle(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        byte p1 = buf[ISO7816.OFFSET_P1];
        short p2 = (short) (buf[ISO7816.OFFSET_P2] & 0xFF);
        if (p1 == 0 && p2 == 0) {
            requireNoData(apdu);
            sessionId(apdu, buf);
        } else if (p1 == 1 && p2 >= 1 && p2 <= Consts.USRK_MAX_LENGTH) {
            usrk(apdu, buf, p2);
        } else {
            ISOException.throwIt(Consts.SW_WRONG_P1P2);
        }
    }

    private void sessionId(APDU apdu, byte[] buf) {
        byte[] e = t.eap;
        if (e[Consts.E_FLAG] == Consts.EAP_KEYS_NONE) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        if (e[Consts.E_FLAG] == Consts.EAP_KEYS_MASTER) {
            // the PRF copies the secret into its HMAC key first, so the output may overwrite it
            prf.prf(e, Consts.E_KEYS, Consts.MASTER_SECRET, Consts.LABEL_CLIENT_EAP, e, Consts.E_RANDOMS,
                    Consts.RANDOM_LENGTH, e, (short) (Consts.E_RANDOMS + Consts.RANDOM_LENGTH), Consts.RANDOM_LENGTH,
                    e, Consts.E_KEYS, (short) (Consts.MSK_LENGTH + Consts.EMSK_LENGTH));
            e[Consts.E_FLAG] = Consts.EAP_KEYS_DERIVED;
        }
        buf[0] = Consts.EAP_TYPE_TLS;
        Util.arrayCopyNonAtomic(e, Consts.E_RANDOMS, buf, (short) 1, (short) (2 * Consts.RANDOM_LENGTH));
        apdu.setOutgoingAndSend((short) 0, Consts.SESSION_ID_LENGTH);
    }

    private void usrk(APDU apdu, byte[] buf, short length) {
        // short APDUs only: the whole data (at most 120 bytes) arrives with the header
        short lc = apdu.setIncomingAndReceive();
        if (lc > Consts.USRK_MAX_DATA) {
            ISOException.throwIt(Consts.SW_WRONG_LENGTH);
        }
        if (t.eap[Consts.E_FLAG] != Consts.EAP_KEYS_DERIVED) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        // the key is written after the data (5 + 120 + 128 bytes fit a 261-byte APDU buffer), then moved to 0
        short out = (short) (ISO7816.OFFSET_CDATA + lc);
        prf.prfPlus(t.eap, Consts.E_EMSK, Consts.EMSK_LENGTH, Consts.LABEL_USRK, buf, ISO7816.OFFSET_CDATA, lc,
                buf, out, length);
        Util.arrayCopyNonAtomic(buf, out, buf, (short) 0, length);
        apdu.setOutgoingAndSend((short) 0, length);
    }
}
