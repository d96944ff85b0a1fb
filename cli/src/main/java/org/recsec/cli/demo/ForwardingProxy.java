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
 * Uri-Host and Uri-Port, a request with a Proxy-Uri to the origin it names (decomposed into Uri-* options, §5.10.2,
 * §6.4), with a new message ID and token on the second hop; the response comes back on the first. Only the "coap"
 * scheme is forwarded (5.05 for others). Californium's block-wise layers reassemble and re-block on each leg. It
 * only sees outer messages: it knows the Record-Security option (to forward it) but holds no keys.
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

    /** A request the proxy answers itself with {@code code}. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final transient CoAP.ResponseCode code;

        Refused(CoAP.ResponseCode code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    /** Proxy-Scheme "coap" + Uri-Host (+ Uri-Port): the origin; Proxy-Scheme and Uri-Port are consumed. */
    private static InetSocketAddress proxyScheme(OptionSet o) throws Refused {
        if (!o.hasProxyScheme() || !o.hasUriHost() || !"coap".equals(o.getProxyScheme())) {
            throw new Refused(CoAP.ResponseCode.PROXY_NOT_SUPPORTED);
        }
        int port = o.hasUriPort() ? o.getUriPort() : CoAP.DEFAULT_COAP_PORT;
        o.removeProxyScheme();
        o.removeUriPort();
        return resolve(o.getUriHost(), port);
    }

    /**
     * RFC 7252 §5.10.2 and §6.4: a Proxy-Uri (which takes precedence over Uri-* options) with the "coap" scheme is
     * decomposed into Uri-Host, Uri-Path and Uri-Query for the origin; another scheme is 5.05, a URI that is not
     * absolute or has a fragment 4.02.
     */
    private static InetSocketAddress proxyUri(OptionSet o) throws Refused {
        java.net.URI uri;
        try {
            uri = new java.net.URI(o.getProxyUri());
        } catch (java.net.URISyntaxException e) {
            throw new Refused(CoAP.ResponseCode.BAD_OPTION);
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawFragment() != null) {
            throw new Refused(CoAP.ResponseCode.BAD_OPTION);
        }
        if (!"coap".equalsIgnoreCase(uri.getScheme())) {
            throw new Refused(CoAP.ResponseCode.PROXY_NOT_SUPPORTED);
        }
        o.removeProxyUri();
        o.removeProxyScheme();
        o.removeUriPort();
        o.clearUriPath();
        o.clearUriQuery();
        String host = uri.getHost();
        o.setUriHost(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        if (uri.getPath() != null) {
            for (String seg : uri.getPath().split("/")) {
                if (!seg.isEmpty()) {
                    o.addUriPath(seg);
                }
            }
        }
        if (uri.getQuery() != null) {
            for (String q : uri.getQuery().split("&")) {
                o.addUriQuery(q);
            }
        }
        return resolve(o.getUriHost(), uri.getPort() < 0 ? CoAP.DEFAULT_COAP_PORT : uri.getPort());
    }

    private static InetSocketAddress resolve(String host, int port) throws Refused {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new Refused(CoAP.ResponseCode.BAD_GATEWAY);
        }
    }

    private final class Deliverer implements MessageDeliverer {
        @Override
        public void deliverRequest(Exchange exchange) {
            Request in = exchange.getRequest();
            OptionSet options = in.getOptions();
            OptionSet forwarded = new OptionSet(options);
            InetSocketAddress origin;
            try {
                origin = options.hasProxyUri() ? proxyUri(forwarded) : proxyScheme(forwarded);
            } catch (Refused r) {
                exchange.sendResponse(new Response(r.code));
                return;
            }
            Request out = new Request(in.getCode(), in.getType());
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
