package org.recsec.kmp.eap.aps;

import java.util.Objects;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.kmp.eap.EapException;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;

/**
 * One end's SA pair, in PF_KEY messages only (RFC 2367 §3.1): GETSPI reserves the inbound SPI as a larval SA
 * before the pull, UPDATE completes it and ADD installs the outbound SA after it; a failure deletes what was
 * reserved or installed, so the SAD ends with the whole pair or nothing.
 */
final class SadPair {
    /** SPIs GETSPI picks from: above the reserved 0..255, below 2^31. */
    static final long MIN_SPI = 0x100;
    static final long MAX_SPI = 0x7fffffffL;

    private final SadSession session;

    SadPair(SadSession session) {
        this.session = Objects.requireNonNull(session, "session");
    }

    /** GETSPI for the SA from {@code peer} to {@code local}: a fresh inbound SPI held as larval. */
    long reserve(String peer, String local) throws EapException {
        try {
            PfKeyMessage reply = session.request(PfKeyRequests.getSpi(peer, local, MIN_SPI, MAX_SPI, 0, 0));
            // RFC 2367 §3.1.1: the reply names the SPI in its SA extension; one without it is EINVAL, refused below.
            return reply.require(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class).spi();
        } catch (PfKeyException e) {
            throw new EapException(EapException.Reason.SAD_REFUSED, "GETSPI refused: " + PfKey.errnoName(e.errno()), e);
        }
    }

    void release(long spi, String src, String dst) {
        session.send(PfKeyRequests.delete(spi, src, dst, 0, 0));
    }

    /** UPDATE of the larval inbound SA, then ADD of the outbound one; on a refusal the inbound SA is deleted. */
    void complete(SaSpec inbound, SaSpec outbound) throws EapException {
        try {
            session.request(PfKeyRequests.update(inbound, 0, 0));
        } catch (PfKeyException e) {
            release(inbound.spi(), inbound.src(), inbound.dst());
            throw new EapException(EapException.Reason.SAD_REFUSED, "UPDATE refused: " + PfKey.errnoName(e.errno()), e);
        }
        try {
            session.request(PfKeyRequests.add(outbound, 0, 0));
        } catch (PfKeyException e) {
            release(inbound.spi(), inbound.src(), inbound.dst());
            throw new EapException(EapException.Reason.SAD_REFUSED, "ADD refused: " + PfKey.errnoName(e.errno()), e);
        }
    }

    /**
     * An SA of record profile {@code profile} (key and IV for the DTLS 1.2 profiles, the traffic secret in
     * {@code key} for the compact ones) with the EAP session's remaining lifetime as its hard add-time limit
     * (RFC 2367 §2.3.3).
     */
    static SaSpec spec(long spi, String src, String dst, CipherSuite suite, int profile, SecretBytes key,
                       SecretBytes iv, long lifetimeSeconds) {
        PfKeyExtension.Lifetime hard = new PfKeyExtension.Lifetime(PfKey.SADB_EXT_LIFETIME_HARD, 0, 0,
                Math.max(1, lifetimeSeconds), 0);
        SaSpec sa = PfKey.isCompactProfile(profile)
                ? SaSpec.compact(spi, src, dst, suite, key, profile == PfKey.RECSEC_PROFILE_COMPACT ? 2 : 1)
                : SaSpec.withKeys(spi, src, dst, suite, key, iv).withRecordProfile(profile);
        return sa.withLifetimes(null, hard);
    }
}
