package org.recsec.kmp.eap.aps;

import java.time.Clock;
import java.util.Objects;
import java.util.Set;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.recsec.californium.AuthenticatedPeer;
import org.recsec.californium.RecSec;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.Usrk;
import org.recsec.kmp.eap.as.EapSession;
import org.recsec.kmp.eap.as.SessionStore;

/**
 * The AS's side of the pull key (draft-ohba-core-eap-based-bootstrapping §4.3 step 2): the resource
 * {@value #PATH} answers a {@link PullMessages.KeyRequest} with the USRK of the named ApS for the UE's live EAP
 * session, derived from the EMSK that never leaves the AS. Serve it on an endpoint whose record-sec configuration
 * protects {@value #PATH} (an unprotected request is refused by the record layer before it gets here), so only
 * an ApS holding an SA pair with the AS reaches it; the ApS named must also be one this AS serves.
 *
 * <p>Binding to the SA: the USRK of an ApS goes only to that ApS. The request's ApS identity must equal the peer
 * identity of the inbound SA whose record authenticated the request ({@link RecSec#authenticatedPeer}); an ApS
 * holding its own SA pair with the AS cannot pull the key of another ApS by naming it (the USRK's optional data is
 * the ApS identity, RFC 5295 §3.1.2, so the name decides whose key is derived).
 *
 * <p>Refusals: 4.00 for a malformed request, 4.01 for a request that did not arrive protected and verified (the
 * record layer normally refuses it first), 4.03 for an ApS this AS does not serve or one that is not the request's
 * authenticated peer, 4.04 for an unknown UE, another Session-Id or an expired or revoked session. A refusal
 * derives nothing.
 */
public final class KeyService extends CoapResource {
    public static final String PATH = "eap-usrk";

    private final SessionStore sessions;
    private final Set<String> applicationServers;
    private final Clock clock;

    public KeyService(SessionStore sessions, Set<String> applicationServers, Clock clock) {
        super(PATH);
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.applicationServers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        this.applicationServers.addAll(applicationServers);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Adds {@code apsIdentity} to the ApS this AS serves (it still gets only its own USRK, see above). */
    public void serve(String apsIdentity) {
        applicationServers.add(Objects.requireNonNull(apsIdentity, "apsIdentity"));
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        PullMessages.KeyRequest req;
        try {
            req = PullMessages.KeyRequest.decode(exchange.getRequestPayload());
        } catch (EapException e) {
            exchange.respond(CoAP.ResponseCode.BAD_REQUEST, e.getMessage());
            return;
        }
        java.util.Optional<AuthenticatedPeer> peer = RecSec.authenticatedPeer(exchange);
        if (peer.isEmpty()) {
            exchange.respond(CoAP.ResponseCode.UNAUTHORIZED, "not protected by a record SA");
            return;
        }
        if (!peer.get().peerId().value().equals(req.apsIdentity())) {
            exchange.respond(CoAP.ResponseCode.FORBIDDEN, "the ApS named is not the request's authenticated peer");
            return;
        }
        if (!applicationServers.contains(req.apsIdentity())) {
            exchange.respond(CoAP.ResponseCode.FORBIDDEN, "not an application server of this AS");
            return;
        }
        EapSession s;
        try {
            s = sessions.find(req.ueIdentity(), req.sessionId());
        } catch (EapException e) {
            exchange.respond(CoAP.ResponseCode.NOT_FOUND, e.getMessage());
            return;
        }
        long left = Math.max(1, s.expiresAtEpochSeconds() - clock.millis() / 1000);
        PullMessages.KeyResponse resp = new PullMessages.KeyResponse(left,
                Usrk.forApplicationServer(s.emsk(), req.apsIdentity()));
        exchange.respond(CoAP.ResponseCode.CONTENT, resp.encode(), MediaTypeRegistry.APPLICATION_OCTET_STREAM);
    }
}
