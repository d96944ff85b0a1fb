package org.recsec.californium;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.Definition;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.MapBasedEndpointContext;
import org.recsec.record.base.PeerId;

/**
 * Entry points for record-sec in Californium 3.x.
 *
 * <pre>{@code
 * RecSecConfig cfg = RecSecConfig.builder(saRegistry, LocalId.of("server")).protectResource("secret").build();
 * CoapServer server = new CoapServer();
 * server.addEndpoint(RecSec.endpointBuilder(cfg).setInetSocketAddress(addr).build());
 *
 * CoapClient client = new CoapClient(uri);
 * client.setEndpoint(RecSec.endpointBuilder(RecSecConfig.builder(saRegistry, LocalId.of("client")).build()).build());
 * client.advanced(RecSec.protect(Request.newGet().setURI(uri), PeerId.of("server")));
 * }</pre>
 *
 * <p>Who is calling: a resource serving a protected request reads the authenticated peer with
 * {@link #authenticatedPeer(CoapExchange)} (or the {@link #PEER_ID} and {@link #SPI} entries of the request's source
 * {@code EndpointContext}) and can authorize per peer:
 *
 * <pre>{@code
 * public void handlePUT(CoapExchange exchange) {
 *     Optional<AuthenticatedPeer> who = RecSec.authenticatedPeer(exchange);
 *     if (who.isEmpty() || !who.get().peerId().equals(PeerId.of("door-controller"))) {
 *         exchange.respond(CoAP.ResponseCode.FORBIDDEN);
 *         return;
 *     }
 *     ...
 * }
 * }</pre>
 */
public final class RecSec {
    /** The user-context key {@link #protect} sets. */
    public static final String PEER_KEY = "org.recsec.peer";
    /**
     * Source-context entry of a verified protected request: the peer identity of the inbound SA that verified it.
     * Non-critical (the {@code *} prefix), so Californium's context matching ignores it.
     */
    public static final Definition<String> PEER_ID = new Definition<>("*RECSEC_PEER_ID", String.class,
            MapBasedEndpointContext.ATTRIBUTE_DEFINITIONS);
    /** Source-context entry of a verified protected request: the SPI of the inbound SA that verified it. */
    public static final Definition<Long> SPI = new Definition<>("*RECSEC_SPI", Long.class,
            MapBasedEndpointContext.ATTRIBUTE_DEFINITIONS);
    private static final RecSecCoapStackFactory FACTORY = new RecSecCoapStackFactory();

    private RecSec() {
    }

    /**
     * Marks {@code request} to be protected for {@code peerId} (the {@code peerId} of the client's outbound SA),
     * through its user context, before it is sent. Block-wise follow-ups of the request are protected too.
     *
     * @return {@code request}
     */
    public static Request protect(Request request, PeerId peerId) {
        Objects.requireNonNull(peerId, "peerId");
        Map<String, String> existing = request.getUserContext();
        if (existing == null || existing.isEmpty()) {
            request.setUserContext(Map.of(PEER_KEY, peerId.value())); // Californium copies it into its own map
        } else {
            Map<String, String> context = new HashMap<>(existing);
            context.put(PEER_KEY, peerId.value());
            request.setUserContext(context);
        }
        return request;
    }

    /**
     * The authenticated peer of the request {@code exchange} serves: present only when the request arrived
     * protected and its record verified under an inbound SA (the layer sets it; a client cannot).
     */
    public static Optional<AuthenticatedPeer> authenticatedPeer(CoapExchange exchange) {
        return authenticatedPeer(exchange.advanced().getRequest());
    }

    /** The authenticated peer of a request a server received, as {@link #authenticatedPeer(CoapExchange)}. */
    public static Optional<AuthenticatedPeer> authenticatedPeer(Request request) {
        EndpointContext source = request == null ? null : request.getSourceContext();
        if (source == null) {
            return Optional.empty();
        }
        String peer = source.get(PEER_ID);
        Long spi = source.get(SPI);
        return peer == null || peer.isEmpty() || spi == null ? Optional.empty()
                : Optional.of(new AuthenticatedPeer(PeerId.of(peer), spi));
    }

    static PeerId markedPeer(Request request) {
        Map<String, String> context = request == null ? null : request.getUserContext();
        String peer = context == null ? null : context.get(PEER_KEY);
        return peer == null || peer.isEmpty() ? null : PeerId.of(peer);
    }

    /**
     * A {@code CoapEndpoint.Builder} whose endpoint protects as {@code config} says: the record-sec stack factory,
     * {@code config} as its custom stack argument and the option registry that knows Record-Security and
     * Request-Sequence. Set the address and the {@code Configuration} as usual.
     *
     * <p>When the address is given with {@code setInetSocketAddress} (not a connector of your own), the UDP
     * connector is wrapped in a {@link RecordGuard}: a datagram whose Record-Security names no usable inbound SA, or
     * whose record does not verify, is dropped before Californium creates any exchange or deduplication state for
     * it (answered by a stateless 4.01/4.00 within {@link RecSecConfig.Builder#guardRepliesPerSecond}).
     */
    public static CoapEndpoint.Builder endpointBuilder(RecSecConfig config) {
        return new RecSecEndpointBuilder(config)
                .setCoapStackFactory(FACTORY)
                .setCustomCoapStackArgument(Objects.requireNonNull(config))
                .setOptionRegistry(RecSecOptions.registry());
    }
}
