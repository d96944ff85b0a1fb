package org.recsec.applet;

import javacard.framework.APDU;
import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * EXPORT-SA (INS 0x34, P1 P2 00 00; draft-urien-core-identity-module-coap §1: the session MAY be exported after the
 * Finished messages). Allowed only when the policy allows export (else SW_POLICY) and the handshake has finished
 * (else SW_WRONG_STATE). Answers 66 bytes:
 * suite(2) ‖ client_write_key(16) ‖ server_write_key(16) ‖ client_write_IV(4) ‖ server_write_IV(4) ‖
 * write epoch(2) ‖ next write seq(6) ‖ read epoch(2) ‖ highest read seq(6) ‖ replay bitmap(8). In TLS mode the two
 * 8-byte fields are the next write and the next read sequence numbers (64 bits) and the bitmap is zero.
 * The card then forgets the keys (state EXPORTED): two writers under one key would repeat CCM nonces.
 */
final class ExportSaCommand extends Command {

    private final Transients t;
    private final Persistent p;

    ExportSaCommand(Transients t, Persistent p) {
        this.t = t;
        this.p = p;
    }

    @Override
    void handle(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        requireP1P2(buf, (byte) 0, (byte) 0);
        requireNoData(apdu);
        if ((p.policy & Consts.POLICY_EXPORT) == 0) {
            ISOException.throwIt(Consts.SW_POLICY);
        }
        if (t.state() != Consts.ST_ESTABLISHED) {
            ISOException.throwIt(Consts.SW_WRONG_STATE);
        }
        Util.setShort(buf, (short) 0, t.suite());
        t.clientKey.getKey(buf, (short) 2);
        t.serverKey.getKey(buf, (short) 18);
        Util.arrayCopyNonAtomic(t.vars, Consts.V_CLIENT_IV, buf, (short) 34, Consts.FIXED_IV);
        Util.arrayCopyNonAtomic(t.vars, Consts.V_SERVER_IV, buf, (short) 38, Consts.FIXED_IV);
        Util.arrayCopyNonAtomic(t.vars, Consts.V_WRITE_EPOCH_SEQ, buf, (short) 42, (short) 8);
        Util.arrayCopyNonAtomic(t.vars, Consts.V_READ_EPOCH_SEQ, buf, (short) 50, (short) 8);
        Util.arrayCopyNonAtomic(t.vars, Consts.V_READ_BITMAP, buf, (short) 58, (short) 8);
        t.wipeSession(Consts.ST_EXPORTED);
        apdu.setOutgoingAndSend((short) 0, Consts.EXPORT_LENGTH);
    }
}
