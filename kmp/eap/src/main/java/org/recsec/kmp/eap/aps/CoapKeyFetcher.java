package org.recsec.kmp.eap.aps;

import java.util.Objects;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.recsec.californium.RecSec;
import org.recsec.kmp.eap.EapException;

/**
 * The ApS's channel to the AS's {@link KeyService}: one CoAP POST, protected with record-sec for the AS's identity
 * (the client's endpoint must be a {@link RecSec#endpointBuilder record-sec endpoint} whose SAD holds an SA pair
 * with the AS, installed by hand or by the ticket KMP).
 */
public final class CoapKeyFetcher implements ApplicationServerPull.KeyFetcher {
    private final CoapClient client;
    private final String keyServiceUri;
    private final String asIdentity;

    /** @param client a client on a record-sec endpoint, with its timeout set */
    public CoapKeyFetcher(CoapClient client, String keyServiceUri, String asIdentity) {
        this.client = Objects.requireNonNull(client, "client");
        this.keyServiceUri = Objects.requireNonNull(keyServiceUri, "keyServiceUri");
        this.asIdentity = Objects.requireNonNull(asIdentity, "asIdentity");
    }

    @Override
    public PullMessages.KeyResponse fetch(PullMessages.KeyRequest request) throws EapException {
        Request post = Request.newPost();
        post.setURI(keyServiceUri);
        post.setPayload(request.encode());
        CoapResponse r;
        try {
            r = client.advanced(RecSec.protect(post, org.recsec.record.base.PeerId.of(asIdentity)));
        } catch (Exception e) {
            throw new EapException(EapException.Reason.TIMEOUT, "AS key service unreachable: " + e.getMessage(), e);
        }
        if (r == null) {
            throw new EapException(EapException.Reason.TIMEOUT, "AS key service did not answer");
        }
        if (r.getCode() != CoAP.ResponseCode.CONTENT) {
            throw new EapException(EapException.Reason.UNKNOWN_SESSION,
                    "AS refused the key: " + r.getCode() + " " + r.getResponseText());
        }
        return PullMessages.KeyResponse.decode(r.getPayload());
    }
}
