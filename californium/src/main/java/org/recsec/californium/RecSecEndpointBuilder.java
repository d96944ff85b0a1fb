package org.recsec.californium;

import java.net.InetSocketAddress;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/**
 * The builder {@link RecSec#endpointBuilder} returns: Californium's, except that an endpoint given only an address
 * gets a guarded UDP connector ({@link RecordGuard#udp}), with a 4 MiB receive buffer unless the configuration
 * sets one. A connector set explicitly is used as it is (wrap it
 * with {@link RecordGuard#wrap} to keep the guard).
 */
final class RecSecEndpointBuilder extends CoapEndpoint.Builder {
    /** The receive buffer of a guarded connector whose configuration leaves it to the OS: 4 MiB. */
    static final int RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

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
            super.setConnector(RecordGuard.udp(bind, withGuardDefaults(cfg), recSec));
        }
        return super.build();
    }

    /**
     * The connector's configuration: {@code cfg}, except that a receive buffer left to the OS default (often 208 KiB)
     * becomes {@link #RECEIVE_BUFFER_BYTES}, so that a burst of datagrams waits in the kernel while the guard drops a
     * flood instead of taking genuine datagrams down with it (the kernel caps it at {@code net.core.rmem_max}).
     * {@code cfg} itself is not changed.
     */
    static Configuration withGuardDefaults(Configuration cfg) {
        if (cfg.get(UdpConfig.UDP_RECEIVE_BUFFER_SIZE) != null) {
            return cfg;
        }
        Configuration copy = new Configuration(cfg);
        copy.set(UdpConfig.UDP_RECEIVE_BUFFER_SIZE, RECEIVE_BUFFER_BYTES);
        return copy;
    }
}
