package org.recsec.californium;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;

/**
 * Entry points for record-sec in Californium 3.x.
 *
 * <pre>{@code
 * RecSecConfig cfg = RecSecConfig.builder(saRegistry, "server").protectResource("secret").build();
 * CoapServer server = new CoapServer();
 * server.addEndpoint(RecSec.endpointBuilder(cfg).setInetSocketAddress(addr).build());
 *
 * CoapClient client = new CoapClient(uri);
 * client.setEndpoint(RecSec.endpointBuilder(RecSecConfig.builder(saRegistry, "client").build()).build());
 * client.advanced(RecSec.protect(Request.newGet().setURI(uri), "server"));
 * }</pre>
 */
public final class RecSec {
    /** The user-context key {@link #protect} sets. */
    public static final String PEER_KEY = "org.recsec.peer";
    private static final RecSecCoapStackFactory FACTORY = new RecSecCoapStackFactory();

    private RecSec() {
    }

    /**
     * Marks {@code request} to be protected for {@code peerId} (the {@code peerId} of the client's outbound SA),
     * through its user context, before it is sent. Block-wise follow-ups of the request are protected too.
     *
     * @return {@code request}
     */
    public static Request protect(Request request, String peerId) {
        Objects.requireNonNull(peerId, "peerId");
        Map<String, String> context = request.getUserContext() == null
                ? new HashMap<>() : new HashMap<>(request.getUserContext());
        context.put(PEER_KEY, peerId);
        request.setUserContext(context);
        return request;
    }

    static String markedPeer(Request request) {
        Map<String, String> context = request == null ? null : request.getUserContext();
        return context == null ? null : context.get(PEER_KEY);
    }

    /**
     * A {@code CoapEndpoint.Builder} whose endpoint protects as {@code config} says: the record-sec stack factory,
     * {@code config} as its custom stack argument and the option registry that knows Record-Security and
     * Request-Sequence. Set the address and the {@code Configuration} as usual.
     */
    public static CoapEndpoint.Builder endpointBuilder(RecSecConfig config) {
        return new CoapEndpoint.Builder()
                .setCoapStackFactory(FACTORY)
                .setCustomCoapStackArgument(Objects.requireNonNull(config))
                .setOptionRegistry(RecSecOptions.registry());
    }
}
