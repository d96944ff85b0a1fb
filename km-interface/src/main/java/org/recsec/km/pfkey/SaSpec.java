package org.recsec.km.pfkey;

import java.util.Objects;
import java.util.Optional;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.ReplayWindow;

/**
 * A complete record SA as a key-management protocol installs it with ADD (or completes a larval one with UPDATE):
 * SPI, the two ends (sender {@code src}, receiver {@code dst}), suite, and either the key and fixed IV or the handle
 * of a secure element that holds them, plus replay window, epoch, first sequence number and optional lifetimes.
 *
 * <p>{@link #toMessage} and {@link #fromMessage} map it to and from PF_KEY, so KMPs in this process go through the
 * same messages and checks as the ones on the daemon socket. {@code toString} never shows keys.
 *
 * @param replayWindow records, 1..1024 ({@link ReplayWindow#MAX_SIZE})
 * @param soft         soft lifetime (type LIFETIME_SOFT) or {@code null} for none
 * @param hard         hard lifetime (type LIFETIME_HARD) or {@code null} for none
 * @param profile      the record profile id ({@link PfKey#RECSEC_PROFILE_DTLS12} and the others in {@link PfKey}):
 *                     dtls12 and dtls12-cid are keyed by key and IV, compact by a 32-byte traffic secret in
 *                     {@code key} and no IV
 */
public record SaSpec(long spi, String src, String dst, CipherSuite suite, SecretBytes key, SecretBytes iv,
                     String seHandle, int replayWindow, int epoch, long firstSequence,
                     PfKeyExtension.Lifetime soft, PfKeyExtension.Lifetime hard, int profile) {

    /** The lowest SPI an SA may use: 0..255 are reserved (RFC 4301 §4.1, setkey(8)). */
    public static final long MIN_SPI = 256;

    public SaSpec {
        if (spi < MIN_SPI || spi > 0xffffffffL) {
            throw new IllegalArgumentException("spi must be 256..2^32-1");
        }
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(suite, "suite");
        if ((seHandle == null) == (key == null)) {
            throw new IllegalArgumentException("exactly one of key or seHandle");
        }
        if (!PfKey.isKnownProfile(profile)) {
            throw new IllegalArgumentException("unknown record profile " + profile);
        }
        if (seHandle != null && profile != PfKey.RECSEC_PROFILE_DTLS12) {
            throw new IllegalArgumentException("an SE-resident SA writes dtls12 records only");
        }
        if (PfKey.isCompactProfile(profile)) {
            if (key == null || key.length() != PfKey.COMPACT_SECRET_BYTES || iv != null) {
                throw new IllegalArgumentException("a compact-profile SA holds a 32-byte traffic secret and no iv");
            }
        } else if (key != null) {
            if (iv == null) {
                throw new IllegalArgumentException("the " + profileName(profile) + " profile needs an iv");
            }
            if (key.length() != suite.keySizeBytes() || iv.length() != suite.ivSizeBytes()) {
                throw new IllegalArgumentException("key or iv length does not match " + suite);
            }
        } else if (iv != null) {
            throw new IllegalArgumentException("an SE-resident SA has no iv here");
        }
        if (replayWindow < 1 || replayWindow > ReplayWindow.MAX_SIZE) {
            throw new IllegalArgumentException("replay window 1.." + ReplayWindow.MAX_SIZE);
        }
        if (epoch < 0 || epoch > 0xffff) {
            throw new IllegalArgumentException("epoch is a u16");
        }
        if (firstSequence < 0 || firstSequence > PfKeyExtension.Profile.MAX_SEQUENCE) {
            throw new IllegalArgumentException("first sequence is a 48-bit value");
        }
        if (soft != null && soft.type() != PfKey.SADB_EXT_LIFETIME_SOFT
                || hard != null && hard.type() != PfKey.SADB_EXT_LIFETIME_HARD) {
            throw new IllegalArgumentException("lifetime types");
        }
    }

    /** A dtls12-profile SA ({@link PfKey#RECSEC_PROFILE_DTLS12}). */
    public SaSpec(long spi, String src, String dst, CipherSuite suite, SecretBytes key, SecretBytes iv,
                  String seHandle, int replayWindow, int epoch, long firstSequence, PfKeyExtension.Lifetime soft,
                  PfKeyExtension.Lifetime hard) {
        this(spi, src, dst, suite, key, iv, seHandle, replayWindow, epoch, firstSequence, soft, hard,
                PfKey.RECSEC_PROFILE_DTLS12);
    }

    /**
     * A compact-profile SA (RFC 9147 records, docs/profiles.md) keyed by the 32-byte traffic secret of its
     * direction; {@code seqBytes} 2 or 1 is the header's sequence number width. Replay window
     * {@link ReplayWindow#DEFAULT_SIZE}, epoch 0, first sequence 0, no lifetimes.
     */
    public static SaSpec compact(long spi, String src, String dst, CipherSuite suite, SecretBytes trafficSecret,
                                 int seqBytes) {
        if (seqBytes != 1 && seqBytes != 2) {
            throw new IllegalArgumentException("sequence number width must be 1 or 2 bytes");
        }
        return new SaSpec(spi, src, dst, suite, trafficSecret, null, null, ReplayWindow.DEFAULT_SIZE, 0, 0, null,
                null, seqBytes == 2 ? PfKey.RECSEC_PROFILE_COMPACT : PfKey.RECSEC_PROFILE_COMPACT_SEQ8);
    }

    /** This SA under another record profile id of {@link PfKey} (the keys must fit it). */
    public SaSpec withRecordProfile(int recordProfile) {
        return new SaSpec(spi, src, dst, suite, key, iv, seHandle, replayWindow, epoch, firstSequence, soft, hard,
                recordProfile);
    }

    /** An SA with keys, replay window {@link ReplayWindow#DEFAULT_SIZE}, epoch 0, first sequence 0, no lifetimes. */
    public static SaSpec withKeys(long spi, String src, String dst, CipherSuite suite, SecretBytes key,
                                  SecretBytes iv) {
        return new SaSpec(spi, src, dst, suite, key, iv, null, ReplayWindow.DEFAULT_SIZE, 0, 0, null, null);
    }

    /** An SA whose keys stay on a secure element, found by {@code seHandle}. */
    public static SaSpec onSecureElement(long spi, String src, String dst, CipherSuite suite, String seHandle) {
        return new SaSpec(spi, src, dst, suite, null, null, seHandle, ReplayWindow.DEFAULT_SIZE, 0, 0, null, null);
    }

    public SaSpec withLifetimes(PfKeyExtension.Lifetime softLimit, PfKeyExtension.Lifetime hardLimit) {
        return new SaSpec(spi, src, dst, suite, key, iv, seHandle, replayWindow, epoch, firstSequence, softLimit,
                hardLimit, profile);
    }

    public SaSpec withReplayWindow(int window) {
        return new SaSpec(spi, src, dst, suite, key, iv, seHandle, window, epoch, firstSequence, soft, hard,
                profile);
    }

    public SaSpec withProfile(int recordEpoch, long first) {
        return new SaSpec(spi, src, dst, suite, key, iv, seHandle, replayWindow, recordEpoch, first, soft, hard,
                profile);
    }

    /** The SA extension of this spec in state {@code state}. */
    public PfKeyExtension.Sa saExtension(int state) {
        return new PfKeyExtension.Sa(spi, Math.min(replayWindow, 255), state, PfKey.SADB_AALG_NONE,
                PfKey.ealgForSuite(suite), 0);
    }

    /**
     * The message of {@code type} (ADD, or UPDATE completing a larval SA) carrying this SA in state MATURE:
     * SA, lifetimes, addresses, KEY_ENCRYPT, identities, IV, profile, SE handle and, above 255, the replay window.
     */
    public PfKeyMessage toMessage(int type, long seq, long pid) {
        PfKeyMessage.Builder b = PfKeyMessage.builder(type, PfKey.SADB_X_SATYPE_RECSEC).seq(seq).pid(pid)
                .add(saExtension(PfKey.SADB_SASTATE_MATURE));
        if (soft != null) {
            b.add(soft);
        }
        if (hard != null) {
            b.add(hard);
        }
        Endpoints.extensionsFor(src, true).forEach(b::add);
        Endpoints.extensionsFor(dst, false).forEach(b::add);
        if (key != null) {
            b.add(new PfKeyExtension.Key(PfKey.SADB_EXT_KEY_ENCRYPT, key));
            if (iv != null) {
                b.add(new PfKeyExtension.Iv(iv));
            }
        } else {
            b.add(new PfKeyExtension.SeHandle(seHandle));
        }
        b.add(new PfKeyExtension.Profile(epoch, profile, firstSequence));
        if (replayWindow > 255) {
            b.add(new PfKeyExtension.Replay(replayWindow));
        }
        return b.build();
    }

    /**
     * The SA an ADD or UPDATE message describes, with every cross-field rule checked.
     *
     * @throws PfKeyException {@code EINVAL}: no SA extension, SPI below 256, state not MATURE, an authentication
     *                        algorithm or KEY_AUTH, unknown encryption algorithm, KEY_ENCRYPT length not the suite's
     *                        key length, missing or wrong-length IV, both or neither of key and SE handle, a missing
     *                        end, a replay window outside 1..1024 or inconsistent with {@code sadb_sa_replay}, an
     *                        unknown record profile, a compact-profile SA without a 256-bit traffic secret or with
     *                        an IV; {@code EPROTONOSUPPORT} for an SA type other than RECSEC
     */
    public static SaSpec fromMessage(PfKeyMessage m) throws PfKeyException {
        if (m.satype() != PfKey.SADB_X_SATYPE_RECSEC) {
            throw new PfKeyException(PfKey.EPROTONOSUPPORT, "SA type " + m.satype());
        }
        PfKeyExtension.Sa sa = m.require(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class);
        if (sa.spi() < MIN_SPI) {
            throw new PfKeyException(PfKey.EINVAL, "SPI below 256 is reserved");
        }
        if (sa.state() != PfKey.SADB_SASTATE_MATURE) {
            throw new PfKeyException(PfKey.EINVAL, "a new SA must be MATURE");
        }
        if (sa.auth() != PfKey.SADB_AALG_NONE || m.has(PfKey.SADB_EXT_KEY_AUTH)) {
            throw new PfKeyException(PfKey.EINVAL, "record suites are AEADs: no authentication algorithm");
        }
        CipherSuite suite = PfKey.suiteForEalg(sa.encrypt()).orElseThrow(
                () -> new PfKeyException(PfKey.EINVAL, "encryption algorithm " + sa.encrypt()));
        // Each optional extension below is null when absent: SaSpec's own components hold null for "none".
        PfKeyExtension.Key key = m.ext(PfKey.SADB_EXT_KEY_ENCRYPT, PfKeyExtension.Key.class).orElse(null);
        PfKeyExtension.Iv iv = m.ext(PfKey.SADB_X_EXT_RECSEC_IV, PfKeyExtension.Iv.class).orElse(null);
        PfKeyExtension.SeHandle se = m.ext(PfKey.SADB_X_EXT_RECSEC_SE_HANDLE, PfKeyExtension.SeHandle.class)
                .orElse(null);
        if ((key == null) == (se == null)) {
            throw new PfKeyException(PfKey.EINVAL, "need exactly one of KEY_ENCRYPT and an SE handle");
        }
        PfKeyExtension.Profile profile = m.ext(PfKey.SADB_X_EXT_RECSEC_PROFILE, PfKeyExtension.Profile.class)
                .orElse(null);
        int profileId = profile == null ? PfKey.RECSEC_PROFILE_DTLS12 : profile.profile();
        if (!PfKey.isKnownProfile(profileId)) {
            throw new PfKeyException(PfKey.EINVAL, "record profile " + profileId);
        }
        if (se != null && profileId != PfKey.RECSEC_PROFILE_DTLS12) {
            throw new PfKeyException(PfKey.EINVAL, "an SE-resident SA writes dtls12 records only");
        }
        if (PfKey.isCompactProfile(profileId)) {
            if (key == null) {
                throw new PfKeyException(PfKey.EINVAL, "a compact-profile SA needs its traffic secret in KEY_ENCRYPT");
            }
            if (key.bits() != PfKey.COMPACT_SECRET_BYTES * 8) {
                throw new PfKeyException(PfKey.EINVAL, "compact-profile traffic secret of " + key.bits() + " bits");
            }
            if (iv != null) {
                throw new PfKeyException(PfKey.EINVAL, "a compact-profile SA carries no IV");
            }
        } else if (key != null) {
            if (key.bits() != suite.keySizeBytes() * 8) {
                throw new PfKeyException(PfKey.EINVAL, "key of " + key.bits() + " bits for " + suite);
            }
            if (iv == null || iv.iv().length() != suite.ivSizeBytes()) {
                throw new PfKeyException(PfKey.EINVAL, suite + " needs an IV of " + suite.ivSizeBytes() + " bytes");
            }
        } else if (iv != null) {
            throw new PfKeyException(PfKey.EINVAL, "an SE-resident SA carries no IV");
        }
        int window = sa.replay();
        Optional<PfKeyExtension.Replay> replay = m.ext(PfKey.SADB_X_EXT_RECSEC_REPLAY, PfKeyExtension.Replay.class);
        if (replay.isPresent()) {
            if (sa.replay() != Math.min(replay.get().window(), 255)) {
                throw new PfKeyException(PfKey.EINVAL, "sadb_sa_replay disagrees with the replay extension");
            }
            window = (int) replay.get().window();
        } else if (window == 0) {
            // RFC 2367 lets replay 0 switch anti-replay off; record SAs always keep it, at the usual size.
            window = ReplayWindow.DEFAULT_SIZE;
        }
        if (profile != null && profile.nextSequence() > PfKeyExtension.Profile.MAX_SEQUENCE) {
            throw new PfKeyException(PfKey.EINVAL, "first sequence beyond 2^48-1");
        }
        return new SaSpec(sa.spi(), Endpoints.identityOf(m, true), Endpoints.identityOf(m, false), suite,
                key == null ? null : key.key(), iv == null ? null : iv.iv(), se == null ? null : se.handle(),
                window, profile == null ? 0 : profile.epoch(), profile == null ? 0 : profile.nextSequence(),
                m.ext(PfKey.SADB_EXT_LIFETIME_SOFT, PfKeyExtension.Lifetime.class).orElse(null),
                m.ext(PfKey.SADB_EXT_LIFETIME_HARD, PfKeyExtension.Lifetime.class).orElse(null), profileId);
    }

    @Override
    public String toString() {
        return "SaSpec[spi=0x" + Long.toHexString(spi) + ", " + src + " -> " + dst + ", " + suite
                + (seHandle != null ? ", se=" + seHandle : ", key hidden") + ", replay=" + replayWindow
                + ", epoch=" + epoch + ", first=" + firstSequence + ", profile=" + profileName(profile) + "]";
    }

    /** The setkey name of a record profile id: dtls12, dtls12-cid, compact, compact8. */
    public static String profileName(int profile) {
        return switch (profile) {
            case PfKey.RECSEC_PROFILE_DTLS12 -> "dtls12";
            case PfKey.RECSEC_PROFILE_DTLS12_CID -> "dtls12-cid";
            case PfKey.RECSEC_PROFILE_COMPACT -> "compact";
            case PfKey.RECSEC_PROFILE_COMPACT_SEQ8 -> "compact8";
            default -> "profile-" + profile;
        };
    }
}
