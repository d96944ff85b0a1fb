package org.recsec.applet;

import javacard.framework.Util;
import javacardx.crypto.Cipher;

/** The TLS 1.2 key schedule for {@link Handshake}: the PSK master secret and the key block, in t.hs. */
final class KeySchedule {

    private KeySchedule() {
    }

    /** premaster = uint16 N ‖ N zeros ‖ uint16 N ‖ PSK (RFC 4279 §2); master secret (RFC 5246 §8.1). */
    static void pskMaster(Transients t, Persistent p, Crypto k) {
        byte[] hs = t.hs;
        short n = p.pskLength;
        Util.arrayFillNonAtomic(hs, Consts.H_PMS, Consts.PMS_MAX, (byte) 0);
        Util.setShort(hs, Consts.H_PMS, n);
        Util.setShort(hs, (short) (Consts.H_PMS + 2 + n), n);
        Util.arrayCopyNonAtomic(p.psk, (short) 0, hs, (short) (Consts.H_PMS + 4 + n), n);
        k.prf.prf(hs, Consts.H_PMS, (short) (4 + 2 * n), Consts.LABEL_MASTER_SECRET, hs, Consts.H_CLIENT_RANDOM,
                Consts.RANDOM_LENGTH, hs, Consts.H_SERVER_RANDOM, Consts.RANDOM_LENGTH, hs, Consts.H_MASTER,
                Consts.MASTER_SECRET);
        Util.arrayFillNonAtomic(hs, Consts.H_PMS, Consts.PMS_MAX, (byte) 0);
    }

    /**
     * Key block (RFC 5246 §6.3) from the master secret: client_write_key, server_write_key, client_write_IV,
     * server_write_IV.
     */
    static void keyBlock(Transients t, Crypto k) {
        byte[] hs = t.hs;
        k.prf.prf(hs, Consts.H_MASTER, Consts.MASTER_SECRET, Consts.LABEL_KEY_EXPANSION, hs,
                Consts.H_SERVER_RANDOM, Consts.RANDOM_LENGTH, hs, Consts.H_CLIENT_RANDOM, Consts.RANDOM_LENGTH, hs,
                Consts.H_PMS, Consts.KEY_BLOCK);
        t.clientKey.setKey(hs, Consts.H_PMS);
        t.serverKey.setKey(hs, (short) (Consts.H_PMS + Consts.AES_KEY));
        Util.arrayCopyNonAtomic(hs, (short) (Consts.H_PMS + 2 * Consts.AES_KEY), t.vars, Consts.V_CLIENT_IV,
                Consts.FIXED_IV);
        Util.arrayCopyNonAtomic(hs, (short) (Consts.H_PMS + 2 * Consts.AES_KEY + Consts.FIXED_IV), t.vars,
                Consts.V_SERVER_IV, Consts.FIXED_IV);
        Util.arrayFillNonAtomic(hs, Consts.H_PMS, Consts.PMS_MAX, (byte) 0);
        k.clientCipher.init(t.clientKey, Cipher.MODE_ENCRYPT);
        k.serverCipher.init(t.serverKey, Cipher.MODE_ENCRYPT);
    }
}
