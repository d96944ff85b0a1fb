package org.recsec.applet;

import javacard.security.MessageDigest;
import javacard.security.RandomData;
import javacardx.crypto.Cipher;

/**
 * The card's cryptographic engines, all obtained once at install time. Two transcript digests run in parallel
 * because JavaCard 2.2.2 cannot clone a running digest: one is finalised for the client Finished, the other, fed
 * one message more, for the server Finished (RFC 5246 §7.4.9).
 */
final class Crypto {

    /** Transcript hash finalised at the client Finished. */
    final MessageDigest transcriptClient;
    /** Transcript hash finalised at the server Finished (also covers the client Finished). */
    final MessageDigest transcriptServer;
    /** Seals the card's records (AES-ECB under client_write_key; CCM needs the forward direction only). */
    final Cipher clientCipher;
    /** Opens the server's records (AES-ECB under server_write_key). */
    final Cipher serverCipher;
    final RandomData random;
    final Prf prf;
    final RecordAead aead;

    Crypto(Transients t) {
        transcriptClient = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
        transcriptServer = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
        clientCipher = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_ECB_NOPAD, false);
        serverCipher = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_ECB_NOPAD, false);
        random = RandomData.getInstance(RandomData.ALG_SECURE_RANDOM);
        prf = new Prf(MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false), t.hmac);
        aead = new RecordAead(t.ccm);
    }
}
