package org.recsec.applet;

import javacard.framework.APDU;

/** PROCESS-EAP (INS 0x80; seed 003 §4.2): one EAP-TLS packet in, one out. See {@link EapLayer}. */
final class ProcessEapCommand extends Command {

    private final EapLayer eap;

    ProcessEapCommand(EapLayer eap) {
        this.eap = eap;
    }

    @Override
    void handle(APDU apdu) {
        eap.process(apdu);
    }
}
