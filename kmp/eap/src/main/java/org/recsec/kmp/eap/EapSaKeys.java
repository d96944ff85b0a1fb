package org.recsec.kmp.eap;

import java.util.Objects;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;

/**
 * The record SA pair between a UE and an application server, derived from the ApS's USRK ({@link Usrk}) with the
 * same RFC 5295 §3.1.2 KDF, once per direction. For the DTLS 1.2 profiles (dtls12, and dtls12-cid of RFC 9146,
 * which is keyed the same way):
 * <pre>
 *   key ‖ iv = KDF(USRK, label, uint16(suite) ‖ uint32(spi), L)
 *   label    = "recsec EAP SA c2s"  (UE to ApS)   or   "recsec EAP SA s2c"  (ApS to UE)
 *   suite    = the TLS 1.2 cipher-suite code point (e.g. 0xc0a8)
 *   spi      = the SPI of the SA this direction is sealed under, chosen by its receiver:
 *              c2s uses the ApS's inbound SPI, s2c the UE's inbound SPI
 *   L        = suite key bytes + suite IV bytes;  key = first key bytes, iv = the rest
 * </pre>
 * For the compact profiles (RFC 9147 records with a 16-bit or an 8-bit sequence number, docs/profiles.md), one
 * 32-byte traffic secret per direction, from which record-sec expands key, IV and sn_key (RFC 9147 §5.9):
 * <pre>
 *   secret   = KDF(USRK, label, uint16(tls13 suite) ‖ uint32(spi), 32)
 *   label    = "recsec EAP compact c2s"  (UE to ApS)   or   "recsec EAP compact s2c"  (ApS to UE)
 *   tls13 suite = the TLS 1.3 code point of the same AEAD (0x1305 for AES_128_CCM_8, 0x1304, 0x1301, 0x1303)
 * </pre>
 * compact and compact8 share the secret: their records differ in the header's S bit, and both ends have agreed on
 * one profile in the pull request before anything is derived. Binding the SPI and suite into the key means an SA
 * installed under the wrong SPI or suite fails to open records rather than being confused with another; the
 * compact profiles' own labels keep their KDF inputs apart from the DTLS 1.2 keys' (domain separation).
 * {@code toString} shows SPIs, suite and profile only.
 */
public final class EapSaKeys {
    public static final String LABEL_C2S = "recsec EAP SA c2s";
    public static final String LABEL_S2C = "recsec EAP SA s2c";
    /** The UE-to-ApS label of the compact profiles' traffic secret. */
    public static final String LABEL_COMPACT_C2S = "recsec EAP compact c2s";
    /** The ApS-to-UE label of the compact profiles' traffic secret. */
    public static final String LABEL_COMPACT_S2C = "recsec EAP compact s2c";

    private final CipherSuite suite;
    private final int profile;
    private final long c2sSpi;
    private final SecretBytes c2sKey;
    private final SecretBytes c2sIv;
    private final long s2cSpi;
    private final SecretBytes s2cKey;
    private final SecretBytes s2cIv;

    private EapSaKeys(CipherSuite suite, int profile, long c2sSpi, SecretBytes[] c2s, long s2cSpi,
                      SecretBytes[] s2c) {
        this.suite = suite;
        this.profile = profile;
        this.c2sSpi = c2sSpi;
        this.c2sKey = c2s[0];
        this.c2sIv = c2s[1];
        this.s2cSpi = s2cSpi;
        this.s2cKey = s2c[0];
        this.s2cIv = s2c[1];
    }

    /**
     * Both directions' key and IV of the dtls12 profile (the same as {@link #derive(SecretBytes, CipherSuite, int,
     * long, long)} with {@link PfKey#RECSEC_PROFILE_DTLS12}).
     *
     * @param usrk         the ApS's USRK
     * @param apsInboundSpi the SPI the ApS chose for its inbound (UE-to-ApS) SA, uint32
     * @param ueInboundSpi  the SPI the UE chose for its inbound (ApS-to-UE) SA, uint32
     * @throws IllegalArgumentException for an SPI outside 0..2^32-1
     */
    public static EapSaKeys derive(SecretBytes usrk, CipherSuite suite, long apsInboundSpi, long ueInboundSpi) {
        return derive(usrk, suite, PfKey.RECSEC_PROFILE_DTLS12, apsInboundSpi, ueInboundSpi);
    }

    /**
     * Both directions' keys for record profile {@code profile}: key and IV for dtls12 and dtls12-cid, the traffic
     * secret (in the key accessors, the IVs null) for compact and compact8.
     *
     * @param profile       a record profile id of {@link PfKey} ({@code RECSEC_PROFILE_*})
     * @param apsInboundSpi the SPI the ApS chose for its inbound (UE-to-ApS) SA, uint32
     * @param ueInboundSpi  the SPI the UE chose for its inbound (ApS-to-UE) SA, uint32
     * @throws IllegalArgumentException for an SPI outside 0..2^32-1 or an unknown profile
     */
    public static EapSaKeys derive(SecretBytes usrk, CipherSuite suite, int profile, long apsInboundSpi,
                                   long ueInboundSpi) {
        Objects.requireNonNull(usrk, "usrk");
        Objects.requireNonNull(suite, "suite");
        if (!PfKey.isKnownProfile(profile)) {
            throw new IllegalArgumentException("unknown record profile " + profile);
        }
        boolean compact = PfKey.isCompactProfile(profile);
        return new EapSaKeys(suite, profile, apsInboundSpi,
                direction(usrk, compact ? LABEL_COMPACT_C2S : LABEL_C2S, suite, compact, apsInboundSpi),
                ueInboundSpi, direction(usrk, compact ? LABEL_COMPACT_S2C : LABEL_S2C, suite, compact, ueInboundSpi));
    }

    private static SecretBytes[] direction(SecretBytes usrk, String label, CipherSuite suite, boolean compact,
                                           long spi) {
        if (spi < 0 || spi > 0xffffffffL) {
            throw new IllegalArgumentException("SPI must be a uint32");
        }
        int code = compact ? suite.tls13Code() : suite.code();
        byte[] data = {(byte) (code >>> 8), (byte) code, (byte) (spi >>> 24), (byte) (spi >>> 16),
                (byte) (spi >>> 8), (byte) spi};
        int keyBytes = compact ? PfKey.COMPACT_SECRET_BYTES : suite.keySizeBytes();
        int ivBytes = compact ? 0 : suite.ivSizeBytes();
        byte[] root = usrk.toByteArray();
        byte[] okm = Usrk.kdf(root, label, data, keyBytes + ivBytes);
        try {
            return new SecretBytes[] {SecretBytes.copyOf(okm, 0, keyBytes),
                    compact ? null : SecretBytes.copyOf(okm, keyBytes, ivBytes)};
        } finally {
            java.util.Arrays.fill(okm, (byte) 0);
            java.util.Arrays.fill(root, (byte) 0);
        }
    }

    public CipherSuite suite() {
        return suite;
    }

    /** The record profile id of {@link PfKey} the keys are for. */
    public int profile() {
        return profile;
    }

    /** SPI of the UE-to-ApS SA: the ApS's inbound SPI. */
    public long clientToServerSpi() {
        return c2sSpi;
    }

    /** The UE-to-ApS write key, or for the compact profiles its 32-byte traffic secret. */
    public SecretBytes clientToServerKey() {
        return c2sKey;
    }

    /** The UE-to-ApS fixed IV (CCM/GCM salt, ChaCha20 IV); null for the compact profiles. */
    public SecretBytes clientToServerIv() {
        return c2sIv;
    }

    /** SPI of the ApS-to-UE SA: the UE's inbound SPI. */
    public long serverToClientSpi() {
        return s2cSpi;
    }

    /** The ApS-to-UE write key, or for the compact profiles its 32-byte traffic secret. */
    public SecretBytes serverToClientKey() {
        return s2cKey;
    }

    /** The ApS-to-UE fixed IV; null for the compact profiles. */
    public SecretBytes serverToClientIv() {
        return s2cIv;
    }

    @Override
    public String toString() {
        return "EapSaKeys[suite=" + suite + ", profile=" + SaSpec.profileName(profile) + ", c2sSpi=" + c2sSpi
                + ", s2cSpi=" + s2cSpi + "]";
    }
}
