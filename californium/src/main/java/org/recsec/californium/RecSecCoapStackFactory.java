package org.recsec.californium;

import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.network.ExtendedCoapStackFactory;
import org.eclipse.californium.core.network.Outbox;
import org.eclipse.californium.core.network.stack.CoapStack;
import org.eclipse.californium.elements.EndpointContextMatcher;
import org.eclipse.californium.elements.config.Configuration;

/**
 * Builds {@link RecSecUdpStack}s for {@code CoapEndpoint.Builder#setCoapStackFactory}; the endpoint's custom stack
 * argument ({@code setCustomCoapStackArgument}) must be the {@link RecSecConfig}. {@link RecSec#endpointBuilder} sets
 * both. UDP and DTLS endpoints only: over TCP there is no message layer for the record to live in here.
 */
public final class RecSecCoapStackFactory implements ExtendedCoapStackFactory {

    /**
     * @throws IllegalArgumentException for a TCP/TLS protocol or when {@code customStackArgument} is not a
     *                                  {@link RecSecConfig}
     */
    @Override
    public CoapStack createCoapStack(String protocol, String tag, Configuration config,
                                     EndpointContextMatcher matchingStrategy, Outbox outbox,
                                     Object customStackArgument) {
        if (CoAP.isTcpProtocol(protocol)) {
            throw new IllegalArgumentException("record-sec supports UDP and DTLS endpoints, not " + protocol);
        }
        if (!(customStackArgument instanceof RecSecConfig recSec)) {
            throw new IllegalArgumentException("the custom stack argument must be a RecSecConfig");
        }
        return new RecSecUdpStack(tag, config, matchingStrategy, outbox, recSec);
    }

    @Override
    public CoapStack createCoapStack(String protocol, String tag, Configuration config, Outbox outbox,
                                     Object customStackArgument) {
        return createCoapStack(protocol, tag, config, null, outbox, customStackArgument);
    }
}
