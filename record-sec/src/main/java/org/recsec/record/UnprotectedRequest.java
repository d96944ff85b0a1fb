package org.recsec.record;

import org.recsec.record.coap.CoapMessage;

/**
 * A verified request: the message the client protected (real code, Class E options, payload, plus the outer
 * Class U options the proxies delivered) and the context for protecting the response.
 */
public record UnprotectedRequest(CoapMessage message, RequestContext context) {
}
