package org.recsec.californium;

import org.eclipse.californium.core.network.Outbox;
import org.eclipse.californium.core.network.stack.BaseCoapStack;
import org.eclipse.californium.core.network.stack.BlockwiseLayer;
import org.eclipse.californium.core.network.stack.CongestionControlLayer;
import org.eclipse.californium.core.network.stack.ExchangeCleanupLayer;
import org.eclipse.californium.core.network.stack.Layer;
import org.eclipse.californium.core.network.stack.ObserveLayer;
import org.eclipse.californium.elements.EndpointContextMatcher;
import org.eclipse.californium.elements.config.Configuration;

/**
 * Californium's UDP stack with the record-sec layer between block-wise and reliability: top to bottom
 * ExchangeCleanup, Observe, Blockwise, {@link RecSecLayer}, Reliability (or congestion control).
 */
final class RecSecUdpStack extends BaseCoapStack {

    RecSecUdpStack(String tag, Configuration config, EndpointContextMatcher matcher, Outbox outbox,
                   RecSecConfig recSec) {
        super(outbox);
        Layer[] layers = {
            new ExchangeCleanupLayer(config),
            new ObserveLayer(config),
            new BlockwiseLayer(tag, false, config, matcher),
            new RecSecLayer(recSec),
            CongestionControlLayer.newImplementation(tag, config),
        };
        setLayers(layers);
    }
}
