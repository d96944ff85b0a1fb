package org.recsec.kmp.eap.coapeap;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.NoResponseOption;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapPacket;
import org.recsec.kmp.eap.EapTlsKeys;
import org.recsec.kmp.eap.UeKeys;
import org.recsec.kmp.eap.tls.EapTlsPeer;

/**
 * The UE as CoAP-EAP EAP peer (RFC 9820 §3): the IoT device is the CoAP server of the EAP exchange.
 * <ol>
 * <li>Trigger (§3.1 step 0): a NON POST to the authenticator's {@code /.well-known/coap-eap} with the No-Response
 * option, whose payload is the URI path of the UE's first EAP resource.</li>
 * <li>The authenticator POSTs each EAP Request (Content-Format application/coap-eap) to the resource the UE named
 * last; the UE answers 2.01 Created with the EAP Response and, in Location-Path, the new resource the next Request
 * goes to, and removes the old one.</li>
 * <li>The POST carrying EAP-Success (with Session-Lifetime) gets 2.04 Changed; EAP-Failure ends with 2.04 too.</li>
 * </ol>
 * A POST whose payload is not a valid CoAP-EAP message, or that the EAP-TLS peer refuses (wrong identifier,
 * malformed EAP-TLS), gets 4.00 Bad Request and changes nothing. The result is in {@link #result()}.
 */
public final class CoapEapPeer {
    private final EapTlsPeer peer;
    private final CoapServer server;
    private final CoapResource parent;
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final Object lock = new Object();
    private CoapResource current;
    private int counter;
    private long sessionLifetimeSeconds = -1;

    /**
     * @param server   the UE's CoAP server (started); its first endpoint also sends the trigger
     * @param basePath the parent path of the per-step EAP resources, e.g. "eap"
     */
    public CoapEapPeer(EapTlsPeer peer, CoapServer server, String basePath) {
        this.peer = Objects.requireNonNull(peer, "peer");
        this.server = Objects.requireNonNull(server, "server");
        this.parent = new CoapResource(basePath);
        server.add(parent);
    }

    /** Sends the trigger to the authenticator at {@code aa} and returns the future result. */
    public CompletableFuture<Result> start(InetSocketAddress aa) {
        String first = nextResource();
        Endpoint endpoint = server.getEndpoints().get(0);
        Request trigger = Request.newPost();
        trigger.setType(CoAP.Type.NON);
        trigger.setURI("coap://" + aa.getAddress().getHostAddress().replace("%", "%25") + ":" + aa.getPort()
                + "/.well-known/coap-eap");
        if (aa.getAddress() instanceof java.net.Inet6Address) {
            trigger.setURI("coap://[" + aa.getAddress().getHostAddress() + "]:" + aa.getPort()
                    + "/.well-known/coap-eap");
        }
        trigger.getOptions().setNoResponse(new NoResponseOption(NoResponseOption.SUPPRESS_ALL));
        trigger.setPayload(("/" + first).getBytes(StandardCharsets.UTF_8));
        endpoint.sendRequest(trigger);
        return result;
    }

    public CompletableFuture<Result> result() {
        return result;
    }

    /** Creates the next EAP resource under the parent and returns its path (without a leading slash). */
    private String nextResource() {
        synchronized (lock) {
            CoapResource old = current;
            current = new StepResource("s" + (counter++));
            parent.add(current);
            if (old != null) {
                parent.delete(old);
            }
            return parent.getName() + "/" + current.getName();
        }
    }

    private final class StepResource extends CoapResource {
        StepResource(String name) {
            super(name);
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            synchronized (lock) {
                if (this != current || result.isDone()) {
                    exchange.respond(CoAP.ResponseCode.NOT_FOUND);
                    return;
                }
                CoapEapPayload in;
                java.util.Optional<EapPacket> out;
                try {
                    in = CoapEapPayload.decode(exchange.getRequestPayload());
                    out = peer.onPacket(in.eap());
                } catch (EapException e) {
                    if (e.reason() == EapException.Reason.REJECTED || e.reason() == EapException.Reason.TLS_FAILED) {
                        exchange.respond(CoAP.ResponseCode.CHANGED);
                        result.completeExceptionally(e);
                    } else {
                        exchange.respond(CoAP.ResponseCode.BAD_REQUEST);
                    }
                    return;
                }
                if (in.sessionLifetimeSeconds() >= 0) {
                    sessionLifetimeSeconds = in.sessionLifetimeSeconds();
                }
                if (out.isEmpty()) {
                    exchange.respond(CoAP.ResponseCode.CHANGED);
                    result.complete(new Result(peer.identity(), peer.hostKeys(), sessionLifetimeSeconds,
                            peer.ueKeys()));
                    return;
                }
                String next = nextResource();
                exchange.setLocationPath(next);
                exchange.respond(CoAP.ResponseCode.CREATED, CoapEapPayload.of(out.get()).encode(),
                        CoapEapPayload.CONTENT_FORMAT);
            }
        }
    }

    /**
     * A finished authentication: the UE's identity, its MSK/EMSK/Session-Id when the EAP-TLS peer is on the host
     * ({@code keys}; null when they stay on the secure element), the Session-Lifetime the authenticator announced
     * (-1 when none), and the Session-Id and USRKs wherever the EMSK is ({@code ueKeys}, never null).
     */
    public record Result(String identity, EapTlsKeys keys, long sessionLifetimeSeconds, UeKeys ueKeys) {
    }
}
