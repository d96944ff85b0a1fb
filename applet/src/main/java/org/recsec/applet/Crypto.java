package org.recsec.applet;

import javacard.security.KeyBuilder;
import javacard.security.MessageDigest;
import javacard.security.RSAPrivateKey;
import javacard.security.RSAPublicKey;
import javacard.security.RandomData;
import javacardx.crypto.Cipher;

/**
 * The card's cryptographic engines, all obtained once at install time. Three transcript digests run in parallel
 * because JavaCard 2.2.2 cannot clone a running digest: the first finalised transcript hash (CertificateVerify in
 * certificate mode, RFC 5246 §7.4.8) comes from {@link #transcriptVerify}, the client Finished (or, when resuming,
 * the server Finished) from {@link #transcriptClient}, the one after it from {@link #transcriptServer}
 * (RFC 5246 §7.4.9).
 */
final class Crypto {

    /** Transcript hash finalised for the CertificateVerify signature (covers up to the ClientKeyExchange). */
    final MessageDigest transcriptVerify;
    /** Transcript hash finalised at the client Finished (resumption: at the server Finished). */
    final MessageDigest transcriptClient;
    /** Transcript hash finalised at the server Finished (resumption: at the client Finished). */
    final MessageDigest transcriptServer;
    /** Seals the card's records (AES-ECB under client_write_key; CCM needs the forward direction only). */
    final Cipher clientCipher;
    /** Opens the server's records (AES-ECB under server_write_key). */
    final Cipher serverCipher;
    /**
     * Raw RSA (no padding): PKCS #1 v1.5 signatures are padded and checked by the applet, because JavaCard 2.2.2 has
     * no RSA-SHA-256 signature; and the ffdhe2048 exponentiations run on it as g^x mod p with (p, x) as an RSA key.
     */
    final Cipher rsa;
    /** The public key a signature is checked with: first the trust anchor's, then the server certificate's. */
    final RSAPublicKey peerKey;
    /**
     * The ephemeral DH exponent x as an RSA private key with modulus p (JavaCard 2.2.2 has no transient RSA key:
     * this object is in EEPROM and is cleared right after the two exponentiations).
     */
    final RSAPrivateKey dhKey;
    final RandomData random;
    final Prf prf;
    final RecordAead aead;

    Crypto(Transients t) {
        transcriptVerify = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
        transcriptClient = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
        transcriptServer = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
        clientCipher = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_ECB_NOPAD, false);
        serverCipher = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_ECB_NOPAD, false);
        rsa = Cipher.getInstance(Cipher.ALG_RSA_NOPAD, false);
        peerKey = (RSAPublicKey) KeyBuilder.buildKey(KeyBuilder.TYPE_RSA_PUBLIC, KeyBuilder.LENGTH_RSA_2048, false);
        dhKey = (RSAPrivateKey) KeyBuilder.buildKey(KeyBuilder.TYPE_RSA_PRIVATE, KeyBuilder.LENGTH_RSA_2048, false);
        random = RandomData.getInstance(RandomData.ALG_SECURE_RANDOM);
        prf = new Prf(MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false), t.hmac);
        aead = new RecordAead(t.ccm);
    }

    void resetTranscripts() {
        transcriptVerify.reset();
        transcriptClient.reset();
        transcriptServer.reset();
    }

    void transcript(byte[] b, short off, short len) {
        transcriptVerify.update(b, off, len);
        transcriptClient.update(b, off, len);
        transcriptServer.update(b, off, len);
    }
}
