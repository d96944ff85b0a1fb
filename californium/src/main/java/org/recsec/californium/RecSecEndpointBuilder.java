package org.recsec.californium;

import java.net.InetSocketAddress;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.config.Configuration;

/**
 * The builder {@link RecSec#endpointBuilder} returns: Californium's, except that an endpoint given only an address
 * gets a guarded UDP connector ({@link RecordGuard#udp}). A connector set explicitly is used as it is (wrap it
 * with {@link RecordGuard#wrap} to keep the guard).
 */
final class RecSecEndpointBuilder extends CoapEndpoint.Builder {
    private final RecSecConfig recSec;
    private InetSocketAddress address;
    private Configuration configuration;
    private boolean connectorSet;

    RecSecEndpointBuilder(RecSecConfig recSec) {
        this.recSec = recSec;
    }

    @Override
    public CoapEndpoint.Builder setInetSocketAddress(InetSocketAddress address) {
        this.address = address; // given to Californium only in build(): it refuses an address and a connector
        return this;
    }

    @Override
    public CoapEndpoint.Builder setConfiguration(Configuration configuration) {
        this.configuration = configuration;
        return super.setConfiguration(configuration);
    }

    @Override
    public CoapEndpoint.Builder setConnector(Connector connector) {
        connectorSet = true;
        return super.setConnector(connector);
    }

    @Override
    public CoapEndpoint build() {
        if (connectorSet) {
            if (address != null) {
                super.setInetSocketAddress(address);
            }
        } else {
            InetSocketAddress bind = address != null ? address : new InetSocketAddress(0);
            Configuration cfg = configuration != null ? configuration : Configuration.getStandard();
            super.setConnector(RecordGuard.udp(bind, cfg, recSec));
        }
        return super.build();
    }
}
