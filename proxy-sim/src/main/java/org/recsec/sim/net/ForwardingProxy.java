package org.recsec.sim.net;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * A CoAP forward (and optionally reverse) proxy that does only what RFC 7252 §5.7 and RFC 8613 §4.1 let a proxy do
 * to a protected message: it never looks inside the record.
 *
 * <ul>
 * <li>New message ID and token on each hop (§5.7.2), with a map from the upstream token back to the client's.</li>
 * <li>CON stays CON (the proxy retransmits upstream itself, §4.2; the client's retransmissions are deduplicated,
 *     §4.5, and the response goes back piggybacked on the client's message ID); NON stays NON.</li>
 * <li>Routing (§5.7.2, §6.4): Proxy-Scheme is consumed and the next hop is looked up from Uri-Host and Uri-Port in
 *     a table of simulated addresses; a Proxy-Uri (§5.10.2; record-sec never sends one outside: it splits it, but
 *     the CoAP handshake transport may) takes precedence over any Uri-* option and is decomposed (§6.4) into
 *     Uri-Host, Uri-Port, Uri-Path, Uri-Query toward the origin. Only the "coap" scheme is forwarded: another one
 *     in Proxy-Uri or Proxy-Scheme gets 5.05 (Proxying Not Supported); without either the request goes to the
 *     default upstream (reverse proxy) or gets 5.05.</li>
 * <li>Hop-Limit (RFC 8768 §3): decremented; a request that would leave with 0 is answered 5.08 with the proxy's
 *     address as diagnostic payload; inserted with {@code initialHopLimit} when absent.</li>
 * <li>Caching ({@link ProxyCache}; §5.6, §5.4.6; RFC 8132 §2): only FETCH requests (outer POST responses are not
 *     cacheable) and 2.05 responses, for the outer Max-Age (default 60 s). The key is the next hop, the outer code,
 *     every option except NoCacheKey ones, Hop-Limit and Block2, and the payload (RFC 8132: a FETCH payload is part
 *     of the key). A cached response goes out again with the new token and message ID and the remaining Max-Age.
 *     {@link CachePolicy#IGNORE_PAYLOAD} is a deliberately non-compliant cache for showing that the client
 *     refuses a cached response served to another request.</li>
 * <li>Outer Block2 ({@link Block2Server}; RFC 7959, RFC 8613 §4.1.3.4.2): a response whose payload exceeds {@code maxBlockBytes} is sent
 *     to the client in outer Block2 blocks; the client asks for the next block with the same request and an outer
 *     Block2 option, which the proxy serves from its buffer.</li>
 * <li>Class U options: {@code addOption} adds one to every forwarded request, {@code dropOption} removes one.</li>
 * </ul>
 */
public final class ForwardingProxy implements SimNode {

    /** Which responses the proxy caches. */
    public enum CachePolicy {
        /** Nothing is cached. */
        OFF,
        /** RFC 7252 §5.6 with RFC 8132 §2: FETCH responses, keyed by code, cache-key options and payload. */
        RFC,
        /** Non-compliant: the FETCH payload is left out of the key, so different requests share an entry. */
        IGNORE_PAYLOAD
    }

    /** RFC 7252 §5.10.5: Max-Age when the option is absent. */
    static final long DEFAULT_MAX_AGE_SECONDS = 60;

    private final SimNetwork net;
    private final String address;
    private final Retransmitter retransmitter;
    private final DedupCache downstreamDedup;
    private final DedupCache upstreamDedup;
    private final ProxyRouter router = new ProxyRouter();
    private final Map<String, Upstream> byUpstreamToken = new LinkedHashMap<>();
    private final ProxyCache cache;
    private Block2Server blocks = new Block2Server(1024);
    private final List<CoapOption> addedOptions = new ArrayList<>();
    private final Set<Integer> droppedOptions = new TreeSet<>();
    private int nextMid;
    private int forwarded;

    /** Creates the proxy and attaches it to {@code net} at {@code address}. */
    public ForwardingProxy(SimNetwork net, String address) {
        this.net = Objects.requireNonNull(net);
        this.address = Objects.requireNonNull(address);
        this.retransmitter = new Retransmitter(net, address);
        this.downstreamDedup = new DedupCache(net);
        this.upstreamDedup = new DedupCache(net);
        this.cache = new ProxyCache(net);
        this.nextMid = net.random().nextInt(0x10000);
        net.attach(address, this);
    }

    /** Requests for Uri-Host {@code host} and Uri-Port {@code port} go to simulated address {@code to}. */
    public ForwardingProxy route(String host, int port, String to) {
        router.route(host, port, to);
        return this;
    }

    /** Requests without Proxy-Scheme or Proxy-Uri go to {@code to} (reverse-proxy mode); null: answer 5.05. */
    public ForwardingProxy defaultUpstream(String to) {
        router.defaultUpstream(to);
        return this;
    }

    public ForwardingProxy cachePolicy(CachePolicy policy) {
        cache.policy(Objects.requireNonNull(policy));
        return this;
    }

    /** Largest outer payload sent to the client in one piece; longer ones go in outer Block2 blocks. */
    public ForwardingProxy maxBlockBytes(int bytes) {
        this.blocks = new Block2Server(bytes);
        return this;
    }

    /** Hop-Limit to insert into requests that have none (RFC 8768 §3 suggests 16); 0 inserts nothing. */
    public ForwardingProxy initialHopLimit(int hops) {
        if (hops < 0 || hops > 255) {
            throw new IllegalArgumentException("Hop-Limit is 1..255");
        }
        router.initialHopLimit(hops);
        return this;
    }

    /** Adds {@code option} to every forwarded request; it must be a Class U option number to survive unprotect. */
    public ForwardingProxy addOption(CoapOption option) {
        addedOptions.add(Objects.requireNonNull(option));
        return this;
    }

    /** Removes every option numbered {@code number} from forwarded requests. */
    public ForwardingProxy dropOption(int number) {
        droppedOptions.add(number);
        return this;
    }

    @Override
    public void receive(Datagram d) {
        CoapMessage m = Wire.decodeOrNull(d.bytesNoCopy());
        if (m == null) {
            return;
        }
        if (m.type() == CoapMessage.TYPE_ACK || m.type() == CoapMessage.TYPE_RST) {
            retransmitter.acknowledged(d.from(), m.messageId());
        }
        if (m.isRequest() && (m.type() == CoapMessage.TYPE_CON || m.type() == CoapMessage.TYPE_NON)) {
            onRequest(d.from(), m);
        } else if (m.isResponse()) {
            onResponse(d.from(), m);
        } else if (m.isEmpty() && m.type() == CoapMessage.TYPE_CON) {
            net.send(address, d.from(), Wire.emptyMessage(CoapMessage.TYPE_RST, m.messageId()));
        }
    }

    private void onRequest(String client, CoapMessage m) {
        DedupCache.Entry seen = downstreamDedup.lookup(client, m.messageId());
        if (seen != null) {
            if (m.type() == CoapMessage.TYPE_CON && seen.reply() != null) {
                net.send(address, client, seen.reply());
            }
            return;
        }
        Optional<CoapOption> block2 = m.option(OptionNumbers.BLOCK2);
        if (block2.isPresent() && blocks.has(blockKey(client, m))) {
            CoapMessage block;
            try {
                block = blocks.serve(blockKey(client, m), block2.get())
                        .orElseGet(() -> errorTo(m, Wire.CODE_BAD_REQUEST, new byte[0]));
            } catch (RecSecException e) {
                block = errorTo(m, Wire.CODE_BAD_REQUEST, new byte[0]);
            }
            reply(client, m, block);
            return;
        }
        List<CoapOption> options = new ArrayList<>(m.options());
        String nextHop;
        try {
            nextHop = router.route(options);
        } catch (RecSecException e) {
            reply(client, m, errorTo(m, Wire.CODE_BAD_REQUEST, new byte[0]));
            return;
        } catch (ProxyRouter.SchemeNotSupported e) {
            reply(client, m, errorTo(m, Wire.CODE_PROXYING_NOT_SUPPORTED, new byte[0]));
            return;
        }
        if (nextHop == null) {
            reply(client, m, errorTo(m, router.forwardsNothing()
                    ? Wire.CODE_PROXYING_NOT_SUPPORTED : Wire.CODE_BAD_GATEWAY, new byte[0]));
            return;
        }
        if (!router.applyHopLimit(options)) {
            reply(client, m, errorTo(m, Wire.CODE_HOP_LIMIT_REACHED, address.getBytes(StandardCharsets.UTF_8)));
            return;
        }
        options.removeIf(o -> droppedOptions.contains(o.number()));
        options.addAll(addedOptions);
        CoapMessage out = m.withOptions(options);
        String cacheKey = cache.key(nextHop, out);
        CoapMessage hit = cache.lookup(cacheKey);
        if (hit != null) {
            respond(client, m, blockKey(client, m), hit);
            return;
        }
        byte[] upToken;
        do {
            upToken = Wire.randomToken(net.random());
        } while (byUpstreamToken.containsKey(Wire.hex(upToken)));
        int upMid = nextMid();
        Upstream up = new Upstream(client, m, nextHop, blockKey(client, m), cacheKey,
                out.hasOption(OptionNumbers.OBSERVE));
        byUpstreamToken.put(Wire.hex(upToken), up);
        downstreamDedup.remember(client, m.messageId(), null);
        forwarded++;
        byte[] bytes = CoapCodec.encode(out.withToken(upToken).withMessageId(upMid));
        String upKey = Wire.hex(upToken);
        if (m.type() == CoapMessage.TYPE_CON) {
            retransmitter.send(nextHop, upMid, bytes, () -> gatewayTimeout(upKey, up));
        } else {
            net.send(address, nextHop, bytes);
        }
    }

    private void onResponse(String from, CoapMessage m) {
        if (m.type() == CoapMessage.TYPE_CON) {
            net.send(address, from, Wire.emptyMessage(CoapMessage.TYPE_ACK, m.messageId()));
        }
        if (m.type() != CoapMessage.TYPE_ACK) {
            if (upstreamDedup.lookup(from, m.messageId()) != null) {
                return;
            }
            upstreamDedup.remember(from, m.messageId(), null);
        }
        String key = Wire.hex(m.token());
        Upstream up = byUpstreamToken.get(key);
        if (up == null || !from.equals(up.nextHop) || (up.answered && m.type() == CoapMessage.TYPE_ACK)) {
            return;
        }
        boolean keepsObserving = up.observe && m.hasOption(OptionNumbers.OBSERVE);
        if (!up.answered) {
            up.answered = true;
            cache.store(up.cacheKey, m);
            respond(up.client, up.request, up.blockKey, m);
        } else if (keepsObserving) {
            CoapMessage n = m.withToken(up.token()).withMessageId(nextMid());
            byte[] bytes = CoapCodec.encode(n);
            if (m.type() == CoapMessage.TYPE_CON) {
                retransmitter.send(up.client, n.messageId(), bytes, () -> byUpstreamToken.remove(key));
            } else {
                net.send(address, up.client, bytes);
            }
        }
        if (!keepsObserving) {
            byUpstreamToken.remove(key);
        }
    }

    /** Sends the (first) response to the client's request, in outer Block2 blocks if it is too long. */
    private void respond(String client, CoapMessage request, String blockKey, CoapMessage response) {
        reply(client, request, blocks.first(blockKey, response));
    }

    /** Sends {@code response} to the client as the answer to {@code request}: piggybacked for a CON. */
    private void reply(String client, CoapMessage request, CoapMessage response) {
        boolean con = request.type() == CoapMessage.TYPE_CON;
        CoapMessage out = response.withType(con ? CoapMessage.TYPE_ACK : CoapMessage.TYPE_NON)
                .withMessageId(con ? request.messageId() : nextMid()).withToken(request.token());
        byte[] bytes = CoapCodec.encode(out);
        downstreamDedup.remember(client, request.messageId(), con ? bytes : null);
        net.send(address, client, bytes);
    }

    private static CoapMessage errorTo(CoapMessage request, int code, byte[] diagnostic) {
        return new CoapMessage(CoapMessage.TYPE_ACK, code, request.messageId(), request.token(), List.of(),
                diagnostic);
    }

    private void gatewayTimeout(String key, Upstream up) {
        byUpstreamToken.remove(key);
        if (!up.answered) {
            up.answered = true;
            reply(up.client, up.request, errorTo(up.request, Wire.CODE_GATEWAY_TIMEOUT, new byte[0]));
        }
    }

    private static String blockKey(String client, CoapMessage request) {
        return client + '|' + Wire.hex(request.payload());
    }

    private int nextMid() {
        int mid = nextMid;
        nextMid = (nextMid + 1) & 0xffff;
        return mid;
    }

    public String address() {
        return address;
    }

    /** Requests forwarded upstream (cache hits, block follow-ups and local errors not counted). */
    public int forwarded() {
        return forwarded;
    }

    /** Requests answered from the cache. */
    public int cacheHits() {
        return cache.hits();
    }

    /** Outer Block2 blocks after the first served from the buffer. */
    public int blocksServed() {
        return blocks.blocksServed();
    }

    private static final class Upstream {
        final String client;
        final CoapMessage request;
        final String nextHop;
        final String blockKey;
        final String cacheKey;
        final boolean observe;
        boolean answered;

        Upstream(String client, CoapMessage request, String nextHop, String blockKey, String cacheKey,
                 boolean observe) {
            this.client = client;
            this.request = request;
            this.nextHop = nextHop;
            this.blockKey = blockKey;
            this.cacheKey = cacheKey;
            this.observe = observe;
        }

        byte[] token() {
            return request.token();
        }
    }
}
