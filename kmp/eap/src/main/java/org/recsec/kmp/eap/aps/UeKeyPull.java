package org.recsec.kmp.eap.aps;

import java.util.Objects;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapSaKeys;
import org.recsec.kmp.eap.UeKeys;
import org.recsec.kmp.eap.Usrk;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;

/**
 * The UE's side of the pull key (draft-ohba-core-eap-based-bootstrapping §4.3 step 2): GETSPI for its inbound SPI,
 * a {@link PullMessages.PullRequest} to the ApS's {@value ApplicationServerPull#PATH}, then the same SA pair the ApS
 * installed, derived here from the UE's own EMSK ({@link Usrk#forApplicationServer} through {@link UeKeys#usrk}:
 * on the host, or on the UE's secure element, which hands out only the USRK; then {@link EapSaKeys}) and
 * installed with UPDATE and ADD. Any refusal deletes the reserved SPI and throws, so the SAD is unchanged. The
 * request names the record profile the UE is configured for; an ApS configured for another refuses it (4.06, here
 * {@code PROFILE_MISMATCH}).
 */
public final class UeKeyPull {
    private UeKeyPull() {
    }

    /** The SPIs and lifetime of an installed pair. */
    public record Installed(long ueInboundSpi, long apsInboundSpi, long lifetimeSeconds, CipherSuite suite) {
    }

    /**
     * The pull for a dtls12 SA pair.
     *
     * @param client a plain CoAP client (the request is not protected: there is no SA yet), timeout set
     * @throws EapException {@code UNKNOWN_SESSION} when the ApS or AS refuses, {@code TIMEOUT} without an answer,
     *                      {@code SAD_REFUSED}, {@code MALFORMED} for a bad answer, {@code PROFILE_MISMATCH} when
     *                      the ApS installs another record profile
     */
    public static Installed pull(SadSession sad, String ueIdentity, String apsIdentity, String apsKeyUri,
                                 CipherSuite suite, UeKeys keys, CoapClient client) throws EapException {
        return pull(sad, ueIdentity, apsIdentity, apsKeyUri, suite, PfKey.RECSEC_PROFILE_DTLS12, keys, client);
    }

    /**
     * The pull for an SA pair of record profile {@code profile} (a {@link PfKey} {@code RECSEC_PROFILE_*} id).
     *
     * @param client a plain CoAP client (the request is not protected: there is no SA yet), timeout set
     * @throws EapException as {@link #pull(SadSession, String, String, String, CipherSuite, UeKeys, CoapClient)}
     */
    public static Installed pull(SadSession sad, String ueIdentity, String apsIdentity, String apsKeyUri,
                                 CipherSuite suite, int profile, UeKeys keys, CoapClient client)
            throws EapException {
        Objects.requireNonNull(keys, "keys");
        if (!PfKey.isKnownProfile(profile)) {
            throw new IllegalArgumentException("unknown record profile " + profile);
        }
        SadPair pair = new SadPair(sad);
        long ueSpi = pair.reserve(apsIdentity, ueIdentity);
        boolean done = false;
        try {
            Request post = Request.newPost();
            post.setURI(apsKeyUri);
            post.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
            post.setPayload(new PullMessages.PullRequest(suite.code(), profile, ueSpi, ueIdentity,
                    keys.sessionId()).encode());
            CoapResponse r;
            try {
                r = client.advanced(post);
            } catch (Exception e) {
                throw new EapException(EapException.Reason.TIMEOUT, "ApS unreachable: " + e.getMessage(), e);
            }
            if (r == null) {
                throw new EapException(EapException.Reason.TIMEOUT, "ApS did not answer the pull request");
            }
            if (r.getCode() == CoAP.ResponseCode.NOT_ACCEPTABLE) {
                throw new EapException(EapException.Reason.PROFILE_MISMATCH, "ApS refused the record profile "
                        + SaSpec.profileName(profile) + ": " + r.getCode() + " " + r.getResponseText());
            }
            if (r.getCode() != CoAP.ResponseCode.CHANGED) {
                throw new EapException(r.getCode() == CoAP.ResponseCode.GATEWAY_TIMEOUT ? EapException.Reason.TIMEOUT
                        : EapException.Reason.UNKNOWN_SESSION, "ApS refused: " + r.getCode() + " "
                        + r.getResponseText());
            }
            PullMessages.PullResponse resp = PullMessages.PullResponse.decode(r.getPayload());
            if (resp.apsInboundSpi() < SadPair.MIN_SPI) {
                throw new EapException(EapException.Reason.MALFORMED, "ApS SPI below 256");
            }
            SecretBytes usrk = keys.usrk(apsIdentity);
            EapSaKeys sa = EapSaKeys.derive(usrk, suite, profile, resp.apsInboundSpi(), ueSpi);
            pair.complete(
                    SadPair.spec(ueSpi, apsIdentity, ueIdentity, suite, profile, sa.serverToClientKey(),
                            sa.serverToClientIv(), resp.lifetimeSeconds()),
                    SadPair.spec(resp.apsInboundSpi(), ueIdentity, apsIdentity, suite, profile,
                            sa.clientToServerKey(), sa.clientToServerIv(), resp.lifetimeSeconds()));
            done = true;
            return new Installed(ueSpi, resp.apsInboundSpi(), resp.lifetimeSeconds(), suite);
        } finally {
            if (!done) {
                pair.release(ueSpi, apsIdentity, ueIdentity);
            }
        }
    }
}
