package org.recsec.kmp.eap.aps;

import java.util.Objects;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapSaKeys;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;

/**
 * The application server's (ApS) pull-key resource {@value #PATH} (draft-ohba-core-eap-based-bootstrapping §4.3
 * step 2). A UE without an SA to this ApS POSTs a {@link PullMessages.PullRequest}; the ApS reserves its inbound SPI
 * (GETSPI), asks the AS for the UE's key through {@link KeyFetcher} (a record-sec protected channel), derives the
 * SA pair ({@link EapSaKeys}) and installs it (UPDATE, ADD) with the EAP session's remaining lifetime, then answers
 * 2.04 with its SPI and that lifetime. The UE derives the same pair from its own EMSK.
 *
 * <p>The record profile of the pair is configured on the ApS (and on the UE); the pull request names the UE's, and
 * a request for another profile than the ApS's is refused with 4.06 Not Acceptable before anything is reserved,
 * so the two ends never install SAs whose records the other cannot open.
 *
 * <p>Refusals leave the SAD as it was: 4.00 for a malformed request or an unsupported suite, 4.06 for another
 * record profile, 4.03 when the AS
 * refuses (unknown UE, other Session-Id, expired or revoked session), 5.04 when the AS does not answer, 5.03 when
 * the SAD refuses. The diagnostic payload says which.
 */
public final class ApplicationServerPull extends CoapResource {
    public static final String PATH = "eap-key";

    /** How the ApS reaches the AS's {@link KeyService}. */
    @FunctionalInterface
    public interface KeyFetcher {
        /** @throws EapException {@code UNKNOWN_SESSION} when refused, {@code TIMEOUT} without an answer */
        PullMessages.KeyResponse fetch(PullMessages.KeyRequest request) throws EapException;
    }

    private final SadSession sad;
    private final String apsIdentity;
    private final KeyFetcher fetcher;
    private final int profile;

    /** An ApS that installs dtls12 SAs. */
    public ApplicationServerPull(SadSession sad, String apsIdentity, KeyFetcher fetcher) {
        this(sad, apsIdentity, fetcher, PfKey.RECSEC_PROFILE_DTLS12);
    }

    /**
     * An ApS that installs SAs of record profile {@code profile}.
     *
     * @param profile a record profile id of {@link PfKey} ({@code RECSEC_PROFILE_*})
     * @throws IllegalArgumentException for an unknown profile
     */
    public ApplicationServerPull(SadSession sad, String apsIdentity, KeyFetcher fetcher, int profile) {
        super(PATH);
        this.sad = Objects.requireNonNull(sad, "sad");
        this.apsIdentity = Objects.requireNonNull(apsIdentity, "apsIdentity");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        if (!PfKey.isKnownProfile(profile)) {
            throw new IllegalArgumentException("unknown record profile " + profile);
        }
        this.profile = profile;
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        PullMessages.PullRequest req;
        CipherSuite suite;
        try {
            req = PullMessages.PullRequest.decode(exchange.getRequestPayload());
            suite = CipherSuite.forCode(req.suiteCode());
            if (req.ueInboundSpi() < SadPair.MIN_SPI) {
                throw new EapException(EapException.Reason.MALFORMED, "UE SPI below 256");
            }
        } catch (EapException | RecSecException e) {
            exchange.respond(CoAP.ResponseCode.BAD_REQUEST, e.getMessage());
            return;
        }
        if (req.profile() != profile) {
            exchange.respond(CoAP.ResponseCode.NOT_ACCEPTABLE, "record profile " + SaSpec.profileName(req.profile())
                    + " refused: this ApS installs " + SaSpec.profileName(profile) + " SAs");
            return;
        }
        SadPair pair = new SadPair(sad);
        long apsSpi;
        try {
            apsSpi = pair.reserve(req.ueIdentity(), apsIdentity);
        } catch (EapException e) {
            exchange.respond(CoAP.ResponseCode.SERVICE_UNAVAILABLE, e.getMessage());
            return;
        }
        PullMessages.KeyResponse key;
        try {
            key = fetcher.fetch(new PullMessages.KeyRequest(apsIdentity, req.ueIdentity(), req.sessionId()));
        } catch (EapException e) {
            pair.release(apsSpi, req.ueIdentity(), apsIdentity);
            exchange.respond(e.reason() == EapException.Reason.TIMEOUT ? CoAP.ResponseCode.GATEWAY_TIMEOUT
                    : CoAP.ResponseCode.FORBIDDEN, e.getMessage());
            return;
        }
        EapSaKeys sa = EapSaKeys.derive(key.usrk(), suite, profile, apsSpi, req.ueInboundSpi());
        try {
            pair.complete(
                    SadPair.spec(apsSpi, req.ueIdentity(), apsIdentity, suite, profile, sa.clientToServerKey(),
                            sa.clientToServerIv(), key.lifetimeSeconds()),
                    SadPair.spec(req.ueInboundSpi(), apsIdentity, req.ueIdentity(), suite, profile,
                            sa.serverToClientKey(), sa.serverToClientIv(), key.lifetimeSeconds()));
        } catch (EapException e) {
            exchange.respond(CoAP.ResponseCode.SERVICE_UNAVAILABLE, e.getMessage());
            return;
        }
        exchange.respond(CoAP.ResponseCode.CHANGED,
                new PullMessages.PullResponse(apsSpi, key.lifetimeSeconds()).encode(),
                MediaTypeRegistry.APPLICATION_OCTET_STREAM);
    }
}
