package org.recsec.applet;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;

/**
 * The recsec identity module (draft-urien-core-identity-module-coap, seed 003): a TLS 1.2 / DTLS 1.2 client with
 * PSK (TLS_PSK_WITH_AES_128_CCM_8) or an RSA-2048 key pair made on the card (TLS_DHE_RSA_WITH_AES_128_CCM_8), with
 * session resumption, driven through EAP-TLS packets in ISO 7816 APDUs, with record encryption and
 * decryption on the card and an optional export of the security association. The APDUs are listed in
 * applet/README.md. Everything is allocated here, at install time; process() allocates nothing.
 */
public final class RecSecApplet extends Applet {

    private final Transients t;
    private final Command reset;
    private final Command processEap;
    private final Command personalise;
    private final Command readSen;
    private final Command exportSa;
    private final Command factoryReset;
    private final Command status;
    private final Command generateKeyPair;
    private final Command readPublicKey;
    private final Command writeCert;
    private final Command eapKeys;

    private RecSecApplet() {
        Persistent p = new Persistent();
        t = new Transients();
        Crypto k = new Crypto(t);
        CertAuth certs = new CertAuth(t, p, k);
        Handshake handshake = new Handshake(t, p, k, certs);
        RecordLayer records = new RecordLayer(t, k);
        reset = new ResetCommand(t);
        processEap = new ProcessEapCommand(new EapLayer(t, p, handshake, records));
        personalise = new PersonaliseCommand(p);
        readSen = new ReadSenCommand(p);
        exportSa = new ExportSaCommand(t, p);
        factoryReset = new FactoryResetCommand(t, p);
        status = new GetStatusCommand(t, p);
        generateKeyPair = new GenerateKeyPairCommand(t, p);
        readPublicKey = new ReadPublicKeyCommand(p);
        writeCert = new WriteCertCommand(t, p, certs);
        eapKeys = new EapKeysCommand(t, k.prf);
    }

    /**
     * JavaCard install entry point; bArray holds the GlobalPlatform install parameters (instance AID first) or
     * nothing, in which case the AID of the load is used.
     */
    public static void install(byte[] bArray, short bOffset, byte bLength) {
        RecSecApplet applet = new RecSecApplet();
        if (bLength > 0 && bArray[bOffset] >= 5 && bArray[bOffset] <= 16 && bArray[bOffset] < bLength) {
            applet.register(bArray, (short) (bOffset + 1), bArray[bOffset]);
        } else {
            applet.register();
        }
    }

    @Override
    public boolean select() {
        t.wipeSession(Consts.ST_IDLE);
        return true;
    }

    @Override
    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        byte cla = buf[ISO7816.OFFSET_CLA];
        if (cla != Consts.CLA_PROPRIETARY && cla != Consts.CLA_URIEN) {
            ISOException.throwIt(Consts.SW_CLA_NOT_SUPPORTED);
        }
        command(buf[ISO7816.OFFSET_INS]).handle(apdu);
    }

    private Command command(byte ins) {
        switch (ins) {
            case Consts.INS_RESET:
                return reset;
            case Consts.INS_PROCESS_EAP:
                return processEap;
            case Consts.INS_PERSONALISE:
                return personalise;
            case Consts.INS_READ_SEN:
                return readSen;
            case Consts.INS_EXPORT_SA:
                return exportSa;
            case Consts.INS_FACTORY_RESET:
                return factoryReset;
            case Consts.INS_GET_STATUS:
                return status;
            case Consts.INS_GENERATE_KEYPAIR:
                return generateKeyPair;
            case Consts.INS_READ_PUBLIC_KEY:
                return readPublicKey;
            case Consts.INS_WRITE_CERT:
                return writeCert;
            case Consts.INS_EAP_KEYS:
                return eapKeys;
            default:
                ISOException.throwIt(Consts.SW_INS_NOT_SUPPORTED);
                return null;
        }
    }
}
