package org.recsec.record;

import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.coap.CoapMessage;

/**
 * A request after {@link RecordProtector#protectRequest}: the outer message to send and what the client needs to
 * check the response. Keep it per token until the exchange (or the observation) ends.
 *
 * @param outer            the message to send
 * @param requestSequence  {@code epoch << 48 | seq} of the request's record: every response must carry it
 * @param peerId           the server the request was protected for: the response's SA must be from that peer
 * @param localId          this end's identity the request was sent as: a compact-profile response is opened under
 *                         an inbound SA from {@code peerId} to it ({@link SaRegistry#inbound(LocalId, PeerId)})
 */
public record ProtectedRequest(CoapMessage outer, long requestSequence, PeerId peerId, LocalId localId) {
}
