package org.recsec.sim.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * The {@link ForwardingProxy}'s response cache (RFC 7252 §5.6, §5.4.6; RFC 8132 §2): only FETCH requests (outer
 * POST responses are not cacheable) and 2.05 responses, for the outer Max-Age (default 60 s, §5.10.5). The key is
 * the next hop, the outer code, every option except NoCacheKey ones, Hop-Limit and Block2, and (policy
 * {@link ForwardingProxy.CachePolicy#RFC}) the payload. A hit goes out with the remaining Max-Age.
 */
final class ProxyCache {
    private static final int CODE_CONTENT = 0x45;
    private final SimNetwork net;
    private final Map<String, Entry> entries = new HashMap<>();
    private ForwardingProxy.CachePolicy policy = ForwardingProxy.CachePolicy.OFF;
    private int hits;

    private record Entry(CoapMessage response, long expiresAtMillis) {
    }

    ProxyCache(SimNetwork net) {
        this.net = net;
    }

    void policy(ForwardingProxy.CachePolicy policy) {
        this.policy = policy;
    }

    /** The cache key of a request to {@code nextHop}, or null when it is not cacheable. */
    String key(String nextHop, CoapMessage request) {
        if (policy == ForwardingProxy.CachePolicy.OFF || request.code() != Wire.CODE_FETCH) {
            return null;
        }
        StringBuilder sb = new StringBuilder(nextHop).append('|').append(request.code());
        for (CoapOption o : request.options()) {
            // Hop-Limit changes with the path taken, Block2 selects a slice of the same response.
            if (OptionNumbers.isNoCacheKey(o.number()) || o.number() == OptionNumbers.HOP_LIMIT
                    || o.number() == OptionNumbers.BLOCK2) {
                continue;
            }
            sb.append('|').append(o.number()).append('=').append(Wire.hex(o.value()));
        }
        if (policy == ForwardingProxy.CachePolicy.RFC) {
            sb.append("|p=").append(Wire.hex(request.payload()));
        }
        return sb.toString();
    }

    /** A fresh response for {@code key} with the remaining Max-Age, or null. */
    CoapMessage lookup(String key) {
        if (key == null) {
            return null;
        }
        Entry hit = entries.get(key);
        if (hit == null || hit.expiresAtMillis <= net.nowMillis()) {
            return null;
        }
        hits++;
        long remaining = (hit.expiresAtMillis - net.nowMillis() + 999) / 1000;
        List<CoapOption> ro = new ArrayList<>(Wire.without(hit.response.options(), OptionNumbers.MAX_AGE));
        ro.add(CoapOption.ofUint(OptionNumbers.MAX_AGE, remaining));
        return hit.response.withOptions(ro);
    }

    /** Keeps a 2.05 response to a cacheable request ({@code key} not null) for its Max-Age. */
    void store(String key, CoapMessage response) {
        if (key == null || response.code() != CODE_CONTENT) {
            return;
        }
        long seconds = response.option(OptionNumbers.MAX_AGE)
                .map(maxAge -> maxAge.length() <= 4 ? maxAge.uintValue() : 0L)
                .orElse(ForwardingProxy.DEFAULT_MAX_AGE_SECONDS);
        if (seconds > 0) {
            entries.put(key, new Entry(response, net.nowMillis() + seconds * 1000));
        }
    }

    int hits() {
        return hits;
    }
}
