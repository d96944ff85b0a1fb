package org.recsec.cli.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.MessageDeliverer;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.UDPConnector;
import org.eclipse.californium.elements.config.Configuration;
import org.recsec.californium.RecSecOptions;

/**
 * A CoAP forward proxy on Californium (RFC 7252 §5.7.2): a request with Proxy-Scheme goes to the origin named by
 * Uri-Host and Uri-Port, with a new message ID and token on the second hop; the response comes back on the
 * first. It only sees outer messages: it knows the Record-Security option (to forward it) but holds no keys.
 */
public final class ForwardingProxy implements AutoCloseable {
    private final CoapServer server;
    private final CoapEndpoint upstream;

    public ForwardingProxy(InetSocketAddress listen, InetSocketAddress upstreamBind, Configuration config,
                           TappingConnector.Listener tap) throws IOException {
        this(listen, upstreamBind, config, tap, (src, dst, bytes) -> bytes);
    }

    /** A proxy that applies {@code upstreamMutator} to every datagram it sends towards origin servers. */
    public ForwardingProxy(InetSocketAddress listen, InetSocketAddress upstreamBind, Configuration config,
                           TappingConnector.Listener tap, TappingConnector.Mutator upstreamMutator)
            throws IOException {
        server = new CoapServer(config);
        CoapEndpoint downstream = endpoint(listen, config, tap, (src, dst, bytes) -> bytes);
        upstream = endpoint(upstreamBind, config, tap, upstreamMutator);
        server.addEndpoint(downstream);
        server.addEndpoint(upstream);
        server.setMessageDeliverer(new Deliverer());
        server.start();
        if (!downstream.isStarted() || !upstream.isStarted()) {
            server.destroy();
            throw new java.net.BindException("the proxy cannot listen on " + listen + " and " + upstreamBind);
        }
    }

    private static CoapEndpoint endpoint(InetSocketAddress bind, Configuration config, TappingConnector.Listener tap,
                                         TappingConnector.Mutator mutator) {
        return new CoapEndpoint.Builder().setConfiguration(config).setOptionRegistry(RecSecOptions.registry())
                .setConnector(new TappingConnector(new UDPConnector(bind, config), tap, mutator)).build();
    }

    public InetSocketAddress address() {
        return server.getEndpoints().get(0).getAddress();
    }

    /** Where the proxy sends from towards origin servers (its second leg). */
    public InetSocketAddress upstreamAddress() {
        return upstream.getAddress();
    }

    @Override
    public void close() {
        server.destroy();
    }

    private final class Deliverer implements MessageDeliverer {
        @Override
        public void deliverRequest(Exchange exchange) {
            Request in = exchange.getRequest();
            OptionSet options = in.getOptions();
            if (!options.hasProxyScheme() || !options.hasUriHost()) {
                exchange.sendResponse(new Response(CoAP.ResponseCode.PROXY_NOT_SUPPORTED));
                return;
            }
            if (!"coap".equals(options.getProxyScheme())) {
                exchange.sendResponse(new Response(CoAP.ResponseCode.PROXY_NOT_SUPPORTED));
                return;
            }
            InetSocketAddress origin;
            try {
                int port = options.hasUriPort() ? options.getUriPort() : CoAP.DEFAULT_COAP_PORT;
                origin = new InetSocketAddress(InetAddress.getByName(options.getUriHost()), port);
            } catch (UnknownHostException e) {
                exchange.sendResponse(new Response(CoAP.ResponseCode.BAD_GATEWAY));
                return;
            }
            Request out = new Request(in.getCode(), in.getType());
            OptionSet forwarded = new OptionSet(options);
            forwarded.removeProxyScheme();
            forwarded.removeUriPort();
            out.setOptions(forwarded);
            out.setPayload(in.getPayload());
            out.setDestinationContext(new AddressEndpointContext(origin));
            out.addMessageObserver(new MessageObserverAdapter() {
                @Override
                public void onResponse(Response response) {
                    Response back = new Response(response.getCode());
                    back.setOptions(new OptionSet(response.getOptions()));
                    back.setPayload(response.getPayload());
                    exchange.sendResponse(back);
                }

                @Override
                public void onTimeout() {
                    exchange.sendResponse(new Response(CoAP.ResponseCode.GATEWAY_TIMEOUT));
                }

                @Override
                protected void failed() {
                    exchange.sendResponse(new Response(CoAP.ResponseCode.BAD_GATEWAY));
                }
            });
            upstream.sendRequest(out);
        }

        @Override
        public void deliverResponse(Exchange exchange, Response response) {
            exchange.getRequest().setResponse(response);
        }
    }
}
