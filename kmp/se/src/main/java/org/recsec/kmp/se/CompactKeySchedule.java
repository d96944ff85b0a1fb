package org.recsec.kmp.se;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.crypto.Dtls13KeySchedule;
import org.recsec.se.host.KeyBlock;

/**
 * The compact profile's traffic secrets for an SE handshake: a DTLS 1.3-style key schedule (RFC 8446 §7.1,
 * RFC 9147 §5.9) rooted in the DTLS 1.2 handshake's master secret, so the compact SA (RFC 9147 records,
 * docs/profiles.md) of an SE handshake is keyed by one traffic secret per direction as a DTLS 1.3 stack would be:
 *
 * <pre>
 *   IKM        = key_block[0..40)  = client_write_key ‖ server_write_key ‖ client_write_IV ‖ server_write_IV
 *              = PRF(master_secret, "key expansion", server_random ‖ client_random)        RFC 5246 §6.3
 *   PRK        = HKDF-Extract(salt = client_random ‖ server_random, IKM)                    RFC 5869, SHA-256
 *   c2s secret = HKDF-Expand-Label(PRK, "recsec c ap", "", 32)     full label "dtls13recsec c ap"
 *   s2c secret = HKDF-Expand-Label(PRK, "recsec s ap", "", 32)     full label "dtls13recsec s ap"
 * </pre>
 *
 * <p>Why the key block and not the master secret itself: the card never lets the master secret out; what it
 * exports (EXPORT-SA, applet/README.md) is the key block, a one-way function of the master secret and both randoms,
 * and the server's stack derives the same key block. So both ends compute the same secrets, and the card needs no
 * new command. The 40-byte IKM carries the master secret's entropy up to 320 bits, above the 128-bit keys it feeds.
 * The secrets are independent of the DTLS 1.2 session's own keys (HKDF with our labels), so the compact SA never
 * uses a key the DTLS session also uses, whatever the sequence numbers.
 */
public final class CompactKeySchedule {
    /** The HKDF-Expand-Label label (without the "dtls13" prefix) of the client-to-server traffic secret. */
    public static final String LABEL_C2S = "recsec c ap";
    /** The HKDF-Expand-Label label (without the "dtls13" prefix) of the server-to-client traffic secret. */
    public static final String LABEL_S2C = "recsec s ap";
    /** Bytes of a traffic secret (SHA-256). */
    public static final int SECRET_BYTES = 32;
    private static final int RANDOM_BYTES = 32;

    /** The two directions' traffic secrets. {@code toString} shows no key. */
    public record Secrets(SecretBytes clientToServer, SecretBytes serverToClient) {
        /** Both secrets are required. */
        public Secrets {
            Objects.requireNonNull(clientToServer);
            Objects.requireNonNull(serverToClient);
        }

        @Override
        public String toString() {
            return "Secrets[hidden]";
        }
    }

    private CompactKeySchedule() {
    }

    /**
     * The traffic secrets of the handshake whose key block is {@code keys}, as documented on the class.
     *
     * @param clientRandom the handshake's client_random (32 bytes)
     * @param serverRandom the handshake's server_random (32 bytes)
     * @throws IllegalArgumentException when a random is not 32 bytes
     */
    public static Secrets derive(KeyBlock keys, byte[] clientRandom, byte[] serverRandom) {
        Objects.requireNonNull(keys, "keys");
        if (clientRandom.length != RANDOM_BYTES || serverRandom.length != RANDOM_BYTES) {
            throw new IllegalArgumentException("the randoms are 32 bytes each");
        }
        byte[][] parts = {keys.clientWriteKey().toByteArray(), keys.serverWriteKey().toByteArray(),
            keys.clientWriteIv().toByteArray(), keys.serverWriteIv().toByteArray()};
        byte[] ikm = concat(parts);
        for (byte[] part : parts) {
            Arrays.fill(part, (byte) 0);
        }
        byte[] salt = concat(clientRandom, serverRandom);
        byte[] prk;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            prk = mac.doFinal(ikm); // HKDF-Extract, RFC 5869 §2.2
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
        SecretBytes p = SecretBytes.copyOf(prk);
        Arrays.fill(prk, (byte) 0);
        byte[] c2s = Dtls13KeySchedule.expandLabel(p, LABEL_C2S, new byte[0], SECRET_BYTES);
        byte[] s2c = Dtls13KeySchedule.expandLabel(p, LABEL_S2C, new byte[0], SECRET_BYTES);
        try {
            return new Secrets(SecretBytes.copyOf(c2s), SecretBytes.copyOf(s2c));
        } finally {
            Arrays.fill(c2s, (byte) 0);
            Arrays.fill(s2c, (byte) 0);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] b : parts) {
            n += b.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] b : parts) {
            System.arraycopy(b, 0, out, off, b.length);
            off += b.length;
        }
        return out;
    }
}
