package org.recsec.kmp.ticket;

import java.util.Arrays;
import java.util.Objects;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.kmp.ticket.internal.CborWriter;
import org.recsec.record.internal.crypto.HkdfSha256;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;

/**
 * Derives the SA pair of a ticket exchange from the {@code cnf} key and the two nonces with HKDF-SHA256 (RFC 5869),
 * as the ACE OSCORE profile (RFC 9203 §4.3) derives its context from the token's key and N1, N2:
 * <pre>
 *   PRK  = HKDF-Extract(salt = N1 ‖ N2, IKM = cnf key)
 *   OKM  = HKDF-Expand(PRK, info, L)            L = suite key bytes + suite IV bytes
 *   key  = OKM[0, keyBytes),  iv = OKM[keyBytes, L)
 *   info = CBOR array [ label, suite, spi, L, len(N1) ]
 *          label: text "recsec c2s" (client to server) or "recsec s2c" (server to client)
 *          suite: uint, the TLS cipher-suite code point (e.g. 0xc0a8)
 *          spi:   uint, the SPI of the SA this direction is sealed under, i.e. the receiver's inbound SPI:
 *                 c2s uses the server's inbound SPI, s2c the client's inbound SPI
 *          L:     uint, as above
 *          len(N1): uint; with it the split of the salt into N1 and N2 is unambiguous
 * </pre>
 * One expand per direction yields key ‖ IV together. The nonces are each 8..64 bytes (RFC 9203 §4.1 asks for at
 * least 64 bits); N1 is the client's, N2 the server's. The dtls12 and dtls12-cid profiles are keyed this way.
 *
 * <p>A ticket for the compact profile (RFC 9147 records, keyed by one traffic secret per direction, docs/profiles.md)
 * gets a 32-byte traffic secret per direction from the same PRK instead ({@link #deriveTrafficSecrets}):
 * <pre>
 *   secret = HKDF-Expand(PRK, info, 32)
 *   info   = CBOR array [ label, suite, spi, 32, len(N1) ]
 *            label: text "recsec c2s secret" or "recsec s2c secret"; suite, spi and len(N1) as above
 * </pre>
 * The record keys then come from the secret as a DTLS 1.3 stack derives them (HKDF-Expand-Label with the "dtls13"
 * prefix, RFC 9147 §5.9). The labels differ from the key-and-IV labels, so no output of one derivation is ever an
 * output of the other.
 */
public final class TicketKeys {
    public static final int MIN_NONCE_BYTES = 8;
    public static final int MAX_NONCE_BYTES = 64;
    public static final String LABEL_C2S = "recsec c2s";
    public static final String LABEL_S2C = "recsec s2c";
    /** The compact profile's label for the client-to-server traffic secret. */
    public static final String LABEL_C2S_SECRET = "recsec c2s secret";
    /** The compact profile's label for the server-to-client traffic secret. */
    public static final String LABEL_S2C_SECRET = "recsec s2c secret";
    /** Bytes of a compact-profile traffic secret (SHA-256's output, RFC 8446 §7.1). */
    public static final int TRAFFIC_SECRET_BYTES = 32;
    private static final long MAX_SPI = 0xffffffffL;

    private TicketKeys() {
    }

    /**
     * The key material of the SA pair. The client seals with {@code clientToServer*} under SPI
     * {@link #clientToServerSpi()} (the server's inbound SPI) and opens {@code serverToClient*} under
     * {@link #serverToClientSpi()} (its own inbound SPI); the server the other way round. For the compact profile
     * ({@link #trafficSecrets()}) each direction's "key" is its 32-byte traffic secret and there is no IV.
     */
    public static final class SaPairKeys {
        private final CipherSuite suite;
        private final long c2sSpi;
        private final SecretBytes c2sKey;
        private final SecretBytes c2sIv;
        private final long s2cSpi;
        private final SecretBytes s2cKey;
        private final SecretBytes s2cIv;

        SaPairKeys(CipherSuite suite, long c2sSpi, SecretBytes c2sKey, SecretBytes c2sIv, long s2cSpi,
                   SecretBytes s2cKey, SecretBytes s2cIv) {
            this.suite = suite;
            this.c2sSpi = c2sSpi;
            this.c2sKey = c2sKey;
            this.c2sIv = c2sIv;
            this.s2cSpi = s2cSpi;
            this.s2cKey = s2cKey;
            this.s2cIv = s2cIv;
        }

        public CipherSuite suite() {
            return suite;
        }

        /** The SPI of the client-to-server SA: the server's inbound SPI. */
        public long clientToServerSpi() {
            return c2sSpi;
        }

        public SecretBytes clientToServerKey() {
            return c2sKey;
        }

        /** True when the keys are compact-profile traffic secrets ({@link TicketKeys#deriveTrafficSecrets}). */
        public boolean trafficSecrets() {
            return c2sIv == null;
        }

        /**
         * The fixed IV (CCM/GCM salt, ChaCha20 IV) of the client-to-server SA, {@code suite.ivSizeBytes()} long; null
         * for traffic secrets.
         */
        public SecretBytes clientToServerIv() {
            return c2sIv;
        }

        /** The SPI of the server-to-client SA: the client's inbound SPI. */
        public long serverToClientSpi() {
            return s2cSpi;
        }

        public SecretBytes serverToClientKey() {
            return s2cKey;
        }

        /** The server-to-client IV; null for traffic secrets. */
        public SecretBytes serverToClientIv() {
            return s2cIv;
        }

        @Override
        public String toString() {
            return "SaPairKeys[" + suite + ", c2s spi=" + c2sSpi + ", s2c spi=" + s2cSpi + "]";
        }
    }

    /**
     * Derives both directions' key and IV.
     *
     * @param cnfKey           the ticket's {@code cnf} key
     * @param n1               the client's nonce, 8..64 bytes
     * @param n2               the server's nonce, 8..64 bytes
     * @param suite            the ticket's suite
     * @param clientInboundSpi the SPI the client chose for its inbound (server-to-client) SA, uint32
     * @param serverInboundSpi the SPI the server chose for its inbound (client-to-server) SA, uint32
     * @throws TicketException {@code BAD_NONCE} when a nonce is outside 8..64 bytes (nonces come from the peer)
     * @throws IllegalArgumentException for an SPI outside 0..2^32-1
     */
    public static SaPairKeys derive(SecretBytes cnfKey, byte[] n1, byte[] n2, CipherSuite suite,
                                    long clientInboundSpi, long serverInboundSpi) throws TicketException {
        int k = suite.keySizeBytes();
        int l = k + suite.ivSizeBytes();
        return expandPair(cnfKey, n1, n2, suite, clientInboundSpi, serverInboundSpi, LABEL_C2S, LABEL_S2C, l,
                (c2s, s2c) -> new SaPairKeys(suite, serverInboundSpi, SecretBytes.copyOf(c2s, 0, k),
                        SecretBytes.copyOf(c2s, k, l - k), clientInboundSpi, SecretBytes.copyOf(s2c, 0, k),
                        SecretBytes.copyOf(s2c, k, l - k)));
    }

    /**
     * Derives both directions' 32-byte traffic secrets for the compact profile, as documented on the class; the
     * returned keys have {@link SaPairKeys#trafficSecrets()} set and no IVs.
     *
     * @throws TicketException {@code BAD_NONCE} when a nonce is outside 8..64 bytes
     * @throws IllegalArgumentException for an SPI outside 0..2^32-1
     */
    public static SaPairKeys deriveTrafficSecrets(SecretBytes cnfKey, byte[] n1, byte[] n2, CipherSuite suite,
                                                  long clientInboundSpi, long serverInboundSpi)
            throws TicketException {
        return expandPair(cnfKey, n1, n2, suite, clientInboundSpi, serverInboundSpi, LABEL_C2S_SECRET,
                LABEL_S2C_SECRET, TRAFFIC_SECRET_BYTES, (c2s, s2c) -> new SaPairKeys(suite, serverInboundSpi,
                        SecretBytes.copyOf(c2s), null, clientInboundSpi, SecretBytes.copyOf(s2c), null));
    }

    /**
     * The PRK of the ticket exchange expanded once per direction under {@code c2sLabel}/{@code s2cLabel} into
     * {@code length} bytes each, handed to {@code keys}; the PRK and both outputs are wiped afterwards.
     */
    private static SaPairKeys expandPair(SecretBytes cnfKey, byte[] n1, byte[] n2, CipherSuite suite,
                                         long clientInboundSpi, long serverInboundSpi, String c2sLabel,
                                         String s2cLabel, int length,
                                         java.util.function.BiFunction<byte[], byte[], SaPairKeys> keys)
            throws TicketException {
        byte[] prk = prk(cnfKey, n1, n2, suite, clientInboundSpi, serverInboundSpi);
        try {
            byte[] c2s = HkdfSha256.expand(prk, info(c2sLabel, suite, serverInboundSpi, length, n1.length), length);
            byte[] s2c = HkdfSha256.expand(prk, info(s2cLabel, suite, clientInboundSpi, length, n1.length), length);
            try {
                return keys.apply(c2s, s2c);
            } finally {
                Arrays.fill(c2s, (byte) 0);
                Arrays.fill(s2c, (byte) 0);
            }
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    /**
     * The keys a ticket's SA parameters call for: traffic secrets for the compact profile
     * ({@link #deriveTrafficSecrets}), key and IV for dtls12 and dtls12-cid ({@link #derive}).
     *
     * @throws TicketException {@code BAD_NONCE} when a nonce is outside 8..64 bytes
     */
    public static SaPairKeys derive(SecretBytes cnfKey, byte[] n1, byte[] n2, TicketSaParameters sa,
                                    long clientInboundSpi, long serverInboundSpi) throws TicketException {
        return "compact".equals(sa.recordProfile())
                ? deriveTrafficSecrets(cnfKey, n1, n2, sa.suite(), clientInboundSpi, serverInboundSpi)
                : derive(cnfKey, n1, n2, sa.suite(), clientInboundSpi, serverInboundSpi);
    }

    private static byte[] prk(SecretBytes cnfKey, byte[] n1, byte[] n2, CipherSuite suite, long clientInboundSpi,
                              long serverInboundSpi) throws TicketException {
        Objects.requireNonNull(cnfKey, "cnfKey");
        Objects.requireNonNull(suite, "suite");
        checkNonce(n1, "N1");
        checkNonce(n2, "N2");
        checkSpi(clientInboundSpi);
        checkSpi(serverInboundSpi);
        byte[] salt = new byte[n1.length + n2.length];
        System.arraycopy(n1, 0, salt, 0, n1.length);
        System.arraycopy(n2, 0, salt, n1.length, n2.length);
        byte[] ikm = cnfKey.toByteArray();
        try {
            return HkdfSha256.extract(salt, ikm);
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    /** The HKDF info of one direction, as documented on the class ({@code l}: the bytes expanded). */
    static byte[] info(String label, CipherSuite suite, long spi, int l, int n1Length) {
        return new CborWriter().arrayHeader(5).text(label).integer(suite.code()).integer(spi).integer(l)
                .integer(n1Length).toByteArray();
    }

    private static void checkNonce(byte[] n, String name) throws TicketException {
        Objects.requireNonNull(n, name);
        if (n.length < MIN_NONCE_BYTES || n.length > MAX_NONCE_BYTES) {
            throw new TicketException(TicketException.Reason.BAD_NONCE,
                    name + " must be " + MIN_NONCE_BYTES + ".." + MAX_NONCE_BYTES + " bytes");
        }
    }

    private static void checkSpi(long spi) {
        if (spi < 0 || spi > MAX_SPI) {
            throw new IllegalArgumentException("SPI must be an unsigned 32-bit value");
        }
    }
}
