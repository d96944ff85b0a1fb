package org.recsec.cli.demo;

import java.security.SecureRandom;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;

/**
 * Manual keys: fresh random keys, the same SA pair ADDed to both databases through PF_KEY messages, as an operator
 * would do with {@code recsec setkey} on each host.
 */
final class ManualKmp implements DemoKmp {
    private final SecureRandom random;
    private final CipherSuite suite;
    private final int profile;

    ManualKmp(SecureRandom random, CipherSuite suite) {
        this(random, suite, PfKey.RECSEC_PROFILE_DTLS12);
    }

    /** @param profile a record profile id of {@link PfKey}: dtls12, dtls12-cid or compact */
    ManualKmp(SecureRandom random, CipherSuite suite, int profile) {
        this.random = random;
        this.suite = suite;
        this.profile = profile;
    }

    @Override
    public String name() {
        return "manual";
    }

    @Override
    public void establish(Setup s) throws Exception {
        long c2sSpi = SaSpec.MIN_SPI + Integer.toUnsignedLong(random.nextInt()) % (0xffff_ffffL - SaSpec.MIN_SPI);
        long s2cSpi = c2sSpi == SaSpec.MIN_SPI ? c2sSpi + 1 : c2sSpi - 1;
        boolean compact = PfKey.isCompactProfile(profile);
        byte[] k1 = bytes(compact ? PfKey.COMPACT_SECRET_BYTES : suite.keySizeBytes());
        byte[] iv1 = bytes(suite.ivSizeBytes());
        byte[] k2 = bytes(compact ? PfKey.COMPACT_SECRET_BYTES : suite.keySizeBytes());
        byte[] iv2 = bytes(suite.ivSizeBytes());
        SaSpec c2s;
        SaSpec s2c;
        if (compact) {
            // The compact profile: one traffic secret per direction, no IV (docs/profiles.md).
            c2s = SaSpec.compact(c2sSpi, s.clientId(), s.serverId(), suite, SecretBytes.copyOf(k1),
                    profile == PfKey.RECSEC_PROFILE_COMPACT ? 2 : 1).withProfile(1, 1);
            s2c = SaSpec.compact(s2cSpi, s.serverId(), s.clientId(), suite, SecretBytes.copyOf(k2),
                    profile == PfKey.RECSEC_PROFILE_COMPACT ? 2 : 1).withProfile(1, 1);
        } else {
            c2s = SaSpec.withKeys(c2sSpi, s.clientId(), s.serverId(), suite, SecretBytes.copyOf(k1),
                    SecretBytes.copyOf(iv1)).withProfile(1, 1).withRecordProfile(profile);
            s2c = SaSpec.withKeys(s2cSpi, s.serverId(), s.clientId(), suite, SecretBytes.copyOf(k2),
                    SecretBytes.copyOf(iv2)).withProfile(1, 1).withRecordProfile(profile);
        }
        java.util.Arrays.fill(k1, (byte) 0);
        java.util.Arrays.fill(k2, (byte) 0);
        for (var sad : java.util.List.of(s.clientSad(), s.serverSad())) {
            try (SadSession session = sad.openSession(pushed -> { })) {
                session.addPair(c2s, s2c, 0);
            }
        }
        String p = profile == PfKey.RECSEC_PROFILE_DTLS12 ? "" : "-P " + SaSpec.profileName(profile) + " ";
        s.trace().line(String.format("  PF_KEY ADD x2 on each host (setkey: add %s %s recsec 0x%x %s-E %s 0x<key> ;)",
                s.clientId(), s.serverId(), c2sSpi, p, alg(suite)));
        s.trace().line(String.format("                               (setkey: add %s %s recsec 0x%x %s-E %s 0x<key> ;)",
                s.serverId(), s.clientId(), s2cSpi, p, alg(suite)));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String alg(CipherSuite suite) {
        return switch (suite) {
            case AES_128_CCM_8 -> "aes-128-ccm-8";
            case AES_128_CCM -> "aes-128-ccm";
            case AES_128_GCM -> "aes-128-gcm";
            case CHACHA20_POLY1305 -> "chacha20-poly1305";
        };
    }
}
