package org.recsec.record;

import org.recsec.record.base.PeerId;
import org.recsec.record.coap.CoapMessage;

/**
 * A verified request: the message the client protected (real code, Class E options, payload, plus the outer
 * Class U options the proxies delivered), who sent it and the context for protecting the response.
 *
 * <p><b>Who is calling.</b> {@link #peerId()} is the identity of the inbound SA whose key authenticated the record,
 * as the key-management protocol installed it, and {@link #spi()} that SA's SPI. Only the holder of that SA's key
 * can have sealed the request, so a server resource authorizes per peer on these values, e.g.
 * {@code if (!allowed.contains(request.peerId())) answer 4.03}. The Uri-Host, source address or any option of the
 * message say nothing about the sender: a proxy may have changed them.
 *
 * @param message the request as the client protected it
 * @param context what {@link RecordProtector#protectResponse} needs for the response
 * @param spi     the SPI of the inbound SA the request was opened with
 */
public record UnprotectedRequest(CoapMessage message, RequestContext context, long spi) {

    /** The authenticated identity of the client: the peer of the inbound SA that opened the request. */
    public PeerId peerId() {
        return context.peerId();
    }
}
