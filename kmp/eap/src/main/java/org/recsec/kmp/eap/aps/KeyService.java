package org.recsec.kmp.eap.aps;

import java.time.Clock;
import java.util.Objects;
import java.util.Set;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
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
 * <p>Refusals: 4.00 for a malformed request, 4.03 for an ApS this AS does not serve, 4.04 for an unknown UE,
 * another Session-Id or an expired or revoked session. A refusal derives nothing.
 */
public final class KeyService extends CoapResource {
    public static final String PATH = "eap-usrk";

    private final SessionStore sessions;
    private final Set<String> applicationServers;
    private final Clock clock;

    public KeyService(SessionStore sessions, Set<String> applicationServers, Clock clock) {
        super(PATH);
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.applicationServers = Set.copyOf(applicationServers);
        this.clock = Objects.requireNonNull(clock, "clock");
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
