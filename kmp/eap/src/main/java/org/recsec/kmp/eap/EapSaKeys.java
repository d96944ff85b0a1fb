package org.recsec.kmp.eap;

import java.util.Objects;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;

/**
 * The record SA pair between a UE and an application server, derived from the ApS's USRK ({@link Usrk}) with the
 * same RFC 5295 KDF, once per direction:
 * <pre>
 *   key ‖ iv = KDF(USRK, label, suite ‖ spi, L)
 *   label    = "recsec EAP SA c2s"  (UE to ApS)   or   "recsec EAP SA s2c"  (ApS to UE)
 *   suite    = uint16, the TLS cipher-suite code point (e.g. 0xc0a8)
 *   spi      = uint32, the SPI of the SA this direction is sealed under, chosen by its receiver:
 *              c2s uses the ApS's inbound SPI, s2c the UE's inbound SPI
 *   L        = suite key bytes + suite IV bytes;  key = first key bytes, iv = the rest
 * </pre>
 * Every record profile (dtls12, dtls12-cid, compact) uses the same AEAD key and fixed IV (the CCM/GCM salt or the
 * ChaCha20 IV), so one derivation serves them all. Binding the SPI and suite into the key means an SA installed
 * under the wrong SPI or suite simply fails to open records rather than being confused with another.
 * {@code toString} shows SPIs and suite only.
 */
public final class EapSaKeys {
    public static final String LABEL_C2S = "recsec EAP SA c2s";
    public static final String LABEL_S2C = "recsec EAP SA s2c";

    private final CipherSuite suite;
    private final long c2sSpi;
    private final SecretBytes c2sKey;
    private final SecretBytes c2sIv;
    private final long s2cSpi;
    private final SecretBytes s2cKey;
    private final SecretBytes s2cIv;

    private EapSaKeys(CipherSuite suite, long c2sSpi, SecretBytes[] c2s, long s2cSpi, SecretBytes[] s2c) {
        this.suite = suite;
        this.c2sSpi = c2sSpi;
        this.c2sKey = c2s[0];
        this.c2sIv = c2s[1];
        this.s2cSpi = s2cSpi;
        this.s2cKey = s2c[0];
        this.s2cIv = s2c[1];
    }

    /**
     * Both directions' key and IV.
     *
     * @param usrk         the ApS's USRK
     * @param apsInboundSpi the SPI the ApS chose for its inbound (UE-to-ApS) SA, uint32
     * @param ueInboundSpi  the SPI the UE chose for its inbound (ApS-to-UE) SA, uint32
     * @throws IllegalArgumentException for an SPI outside 0..2^32-1
     */
    public static EapSaKeys derive(SecretBytes usrk, CipherSuite suite, long apsInboundSpi, long ueInboundSpi) {
        Objects.requireNonNull(usrk, "usrk");
        Objects.requireNonNull(suite, "suite");
        return new EapSaKeys(suite, apsInboundSpi, direction(usrk, LABEL_C2S, suite, apsInboundSpi),
                ueInboundSpi, direction(usrk, LABEL_S2C, suite, ueInboundSpi));
    }

    private static SecretBytes[] direction(SecretBytes usrk, String label, CipherSuite suite, long spi) {
        if (spi < 0 || spi > 0xffffffffL) {
            throw new IllegalArgumentException("SPI must be a uint32");
        }
        byte[] data = {(byte) (suite.code() >>> 8), (byte) suite.code(), (byte) (spi >>> 24), (byte) (spi >>> 16),
                (byte) (spi >>> 8), (byte) spi};
        int keyBytes = suite.keySizeBytes();
        byte[] root = usrk.toByteArray();
        byte[] okm = Usrk.kdf(root, label, data, keyBytes + suite.ivSizeBytes());
        try {
            return new SecretBytes[] {SecretBytes.copyOf(okm, 0, keyBytes),
                    SecretBytes.copyOf(okm, keyBytes, suite.ivSizeBytes())};
        } finally {
            java.util.Arrays.fill(okm, (byte) 0);
            java.util.Arrays.fill(root, (byte) 0);
        }
    }

    public CipherSuite suite() {
        return suite;
    }

    /** SPI of the UE-to-ApS SA: the ApS's inbound SPI. */
    public long clientToServerSpi() {
        return c2sSpi;
    }

    public SecretBytes clientToServerKey() {
        return c2sKey;
    }

    public SecretBytes clientToServerIv() {
        return c2sIv;
    }

    /** SPI of the ApS-to-UE SA: the UE's inbound SPI. */
    public long serverToClientSpi() {
        return s2cSpi;
    }

    public SecretBytes serverToClientKey() {
        return s2cKey;
    }

    public SecretBytes serverToClientIv() {
        return s2cIv;
    }

    @Override
    public String toString() {
        return "EapSaKeys[suite=" + suite + ", c2sSpi=" + c2sSpi + ", s2cSpi=" + s2cSpi + "]";
    }
}
