package org.recsec.applet;

import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacard.security.CryptoException;

/**
 * WRITE-CERT (INS 0x54): P1 00 the card's own X.509 certificate, 01 the trust anchor (the CA certificate that
 * issued the server's); P2 00 first chunk (starts over), 01 next chunk; data: 1..255 bytes of DER, appended. The
 * object is complete when the bytes written equal the outer SEQUENCE's length; it is then checked: the anchor must
 * parse with an RSA-2048 key, the card's certificate must parse and certify the card's own public key, or the
 * object is dropped (6A80). Both are write-once: a complete object is refused (6985) until FACTORY-RESET (anchor)
 * or GENERATE-KEYPAIR (the card's certificate). The card's certificate needs a key pair first (6985).
 */
final class WriteCertCommand extends Command {

    private final Transients t;
    private final Persistent p;
    private final CertAuth c;

    WriteCertCommand(Transients t, Persistent p, CertAuth c) {
        this.t = t;
        this.p = p;
        this.c = c;
    }

    @Override
    void handle(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        byte which = buf[ISO7816.OFFSET_P1];
        byte chunk = buf[ISO7816.OFFSET_P2];
        if ((which != 0 && which != 1) || (chunk != 0 && chunk != 1)) {
            ISOException.throwIt(Consts.SW_WRONG_P1P2);
        }
        short lc = apdu.setIncomingAndReceive();
        boolean anchor = which == 1;
        if (anchor ? p.anchorComplete : (p.certComplete || !p.keyGenerated)) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        if (lc == 0) {
            ISOException.throwIt(Consts.SW_WRONG_LENGTH);
        }
        byte[] dst = anchor ? p.anchor : p.cert;
        short have = chunk == 0 ? 0 : (anchor ? p.anchorLength : p.certLength);
        if ((chunk == 0 && buf[ISO7816.OFFSET_CDATA] != (byte) 0x30) || (chunk == 1 && have == 0)) {
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
        if (lc > (short) (Consts.MAX_CERT - have)) {
            ISOException.throwIt(Consts.SW_TOO_LONG);
        }
        Util.arrayCopy(buf, ISO7816.OFFSET_CDATA, dst, have, lc);
        have = (short) (have + lc);
        short total = CertAuth.derTotal(dst, (short) 0, have);
        if (total > Consts.MAX_CERT || (total >= 0 && have > total)) {
            setLength(anchor, (short) 0);
            ISOException.throwIt(total > Consts.MAX_CERT ? Consts.SW_TOO_LONG : Consts.SW_WRONG_DATA);
        }
        setLength(anchor, have);
        if (have != total) {
            return;
        }
        try {
            short mod = c.readCertificate(dst, (short) 0, have, false);
            if (!anchor) {
                // the certificate must certify this card's key
                short at = p.modulus(buf);
                if (at < 0 || Util.arrayCompare(dst, mod, buf, at, Consts.RSA_BYTES) != 0) {
                    ISOException.throwIt(Consts.SW_WRONG_DATA);
                }
            }
        } catch (ISOException e) {
            setLength(anchor, (short) 0);
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        } catch (CryptoException e) {
            setLength(anchor, (short) 0);
            ISOException.throwIt(Consts.SW_WRONG_DATA);
        }
        JCSystem.beginTransaction();
        if (anchor) {
            p.anchorComplete = true;
        } else {
            p.certComplete = true;
        }
        JCSystem.commitTransaction();
    }

    private void setLength(boolean anchor, short n) {
        if (anchor) {
            p.anchorLength = n;
        } else {
            p.certLength = n;
        }
    }
}
