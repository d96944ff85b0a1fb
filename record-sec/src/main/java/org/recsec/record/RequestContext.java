package org.recsec.record;

import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;

/**
 * What the server keeps of a request it unprotected, to protect the response (or each Observe notification)
 * under the reverse SA and bind it to the request.
 *
 * @param localId          the server's identity (the inbound SA's local end)
 * @param peerId           the client's identity (the inbound SA's peer, authenticated by the request's record)
 * @param requestSequence  {@code epoch << 48 | seq} of the request's record
 */
public record RequestContext(LocalId localId, PeerId peerId, long requestSequence) {
}
