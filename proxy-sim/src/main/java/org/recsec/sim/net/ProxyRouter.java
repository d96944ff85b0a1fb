package org.recsec.sim.net;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * The {@link ForwardingProxy}'s routing (RFC 7252 §5.7.2, §5.10.2, §6.4) and Hop-Limit (RFC 8768 §3): the next hop of
 * a request from its Proxy-Uri, or its Proxy-Scheme with Uri-Host and Uri-Port, looked up in a table of simulated
 * addresses; the options are rewritten for the origin on the way (Proxy-Scheme consumed, Proxy-Uri decomposed).
 */
final class ProxyRouter {
    private static final int DEFAULT_PORT = 5683;
    private static final String COAP = "coap";
    private final Map<String, String> routes = new HashMap<>();
    private String defaultUpstream;
    private int initialHopLimit;

    void route(String host, int port, String to) {
        routes.put(host + ':' + port, Objects.requireNonNull(to));
    }

    void defaultUpstream(String to) {
        this.defaultUpstream = to;
    }

    void initialHopLimit(int hops) {
        this.initialHopLimit = hops;
    }

    /** True when the proxy has neither routes nor a default upstream (it then answers 5.05, not 5.02). */
    boolean forwardsNothing() {
        return routes.isEmpty() && defaultUpstream == null;
    }

    /** A Proxy-Uri or Proxy-Scheme other than "coap": answered 5.05. */
    static final class SchemeNotSupported extends Exception {
        private static final long serialVersionUID = 1L;

        SchemeNotSupported() {
            super(null, null, false, false);
        }
    }

    /** The next hop's address, after consuming Proxy-Scheme or Proxy-Uri; null if there is none. */
    String route(List<CoapOption> options) throws RecSecException, SchemeNotSupported {
        CoapOption proxyUri = first(options, OptionNumbers.PROXY_URI);
        if (proxyUri != null) {
            return routeProxyUri(options, proxyUri);
        }
        CoapOption scheme = first(options, OptionNumbers.PROXY_SCHEME);
        if (scheme == null) {
            return defaultUpstream;
        }
        if (!COAP.equals(scheme.stringValue())) {
            throw new SchemeNotSupported();
        }
        options.removeIf(o -> o.number() == OptionNumbers.PROXY_SCHEME);
        CoapOption host = first(options, OptionNumbers.URI_HOST);
        CoapOption port = first(options, OptionNumbers.URI_PORT);
        if (host == null || (port != null && port.length() > 2)) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "no Uri-Host or bad Uri-Port");
        }
        return routes.get(host.stringValue() + ':' + (port == null ? DEFAULT_PORT : port.uintValue()));
    }

    /**
     * RFC 7252 §5.10.2, §6.4: the absolute "coap" URI, which takes precedence over any Uri-* option, decomposed into
     * Uri-* options toward the origin.
     */
    private String routeProxyUri(List<CoapOption> options, CoapOption proxyUri) throws RecSecException,
            SchemeNotSupported {
        URI uri;
        try {
            uri = new URI(proxyUri.stringValue());
        } catch (URISyntaxException e) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "Proxy-Uri does not parse");
        }
        if (!uri.isAbsolute()) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "Proxy-Uri is not absolute");
        }
        if (!COAP.equalsIgnoreCase(uri.getScheme())) {
            throw new SchemeNotSupported();
        }
        if (uri.getHost() == null || uri.getRawFragment() != null) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "Proxy-Uri without host or with a fragment");
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        options.removeIf(o -> o.number() == OptionNumbers.PROXY_URI || o.number() == OptionNumbers.URI_HOST
                || o.number() == OptionNumbers.URI_PORT || o.number() == OptionNumbers.URI_PATH
                || o.number() == OptionNumbers.URI_QUERY || o.number() == OptionNumbers.PROXY_SCHEME);
        options.add(CoapOption.ofString(OptionNumbers.URI_HOST, uri.getHost()));
        if (port != DEFAULT_PORT) {
            options.add(CoapOption.ofUint(OptionNumbers.URI_PORT, port));
        }
        String path = uri.getRawPath() == null ? "" : uri.getPath();
        for (String seg : path.split("/")) {
            if (!seg.isEmpty()) {
                options.add(CoapOption.ofString(OptionNumbers.URI_PATH, seg));
            }
        }
        if (uri.getQuery() != null) {
            for (String q : uri.getQuery().split("&")) {
                options.add(CoapOption.ofString(OptionNumbers.URI_QUERY, q));
            }
        }
        return routes.get(uri.getHost() + ':' + port);
    }

    /** RFC 8768 §3; false if the request must be answered 5.08. */
    boolean applyHopLimit(List<CoapOption> options) {
        CoapOption hl = first(options, OptionNumbers.HOP_LIMIT);
        options.removeIf(o -> o.number() == OptionNumbers.HOP_LIMIT);
        long hops;
        if (hl == null) {
            if (initialHopLimit == 0) {
                return true;
            }
            hops = initialHopLimit;
        } else {
            hops = hl.length() > 1 ? 0 : hl.uintValue();
        }
        if (hops <= 1) {
            return false;
        }
        options.add(CoapOption.ofUint(OptionNumbers.HOP_LIMIT, hops - 1));
        return true;
    }

    private static CoapOption first(List<CoapOption> options, int number) {
        for (CoapOption o : options) {
            if (o.number() == number) {
                return o;
            }
        }
        return null;
    }
}
