package org.recsec.kmp.se;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.recsec.km.pfkey.SaSpec;

/**
 * The SPIs of the SA pair a DTLS handshake yields. DTLS names no SPI, so both ends compute the same two values from
 * what both saw in clear, the randoms: {@code H = SHA-256("recsec se spi" ‖ client_random ‖ server_random)},
 * client-to-server SPI = H[0..4), server-to-client SPI = H[4..8), each mapped into 256..2^32-1 (RFC 4301 §4.1
 * reserves 0..255) and made distinct. The randoms are fresh per handshake, so SPIs of two sessions collide only by
 * chance (a collision is refused by the SAD with EEXIST).
 *
 * @param clientToServer the SPI of the SA the client sends with (the server's inbound SA)
 * @param serverToClient the SPI of the SA the server sends with (the client's inbound SA)
 */
public record SeSpis(long clientToServer, long serverToClient) {
    private static final byte[] LABEL = "recsec se spi".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Derives the pair from the two 32-byte randoms. */
    public static SeSpis derive(byte[] clientRandom, byte[] serverRandom) {
        if (clientRandom.length != 32 || serverRandom.length != 32) {
            throw new IllegalArgumentException("DTLS randoms are 32 bytes");
        }
        byte[] h;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(LABEL);
            md.update(clientRandom);
            md.update(serverRandom);
            h = md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JCA algorithm", e);
        }
        long c2s = map(org.recsec.record.internal.wire.Bytes.readUint32Be(h, 0));
        long s2c = map(org.recsec.record.internal.wire.Bytes.readUint32Be(h, 4));
        if (s2c == c2s) {
            s2c = c2s == 0xffffffffL ? SaSpec.MIN_SPI : c2s + 1;
        }
        return new SeSpis(c2s, s2c);
    }

    private static long map(long v) {
        return SaSpec.MIN_SPI + v % (0x1_0000_0000L - SaSpec.MIN_SPI);
    }
}
