package org.recsec.kmp.eap.coapeap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapPacket;
import org.recsec.kmp.eap.aa.RadiusPassThrough;

/**
 * The authentication agent (AA) as CoAP-EAP EAP authenticator (RFC 9820 §3) in pass-through mode: it serves
 * {@code /.well-known/coap-eap}; a trigger (a POST whose payload is a URI path, §3.1 step 0) starts a conversation
 * in which the AA POSTs EAP-Request/Identity to that path, then carries each EAP Response from the 2.01 answers to
 * the AS over RADIUS ({@link RadiusPassThrough}) and POSTs the AS's next EAP packet to the Location-Path the UE gave.
 * The final POST carries EAP-Success with Session-Lifetime (the AS's Session-Timeout) or EAP-Failure. A trigger
 * from a UE with a conversation in progress is ignored; a malformed trigger gets 4.00 (unless No-Response).
 */
public final class CoapEapAuthenticator {
    /** Longest trigger path accepted. */
    public static final int MAX_PATH_BYTES = 255;

    private final CoapServer server;
    private final Supplier<RadiusPassThrough> backend;
    private final ExecutorService executor;
    private final Map<InetSocketAddress, CompletableFuture<Result>> conversations = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, CompletableFuture<Result>> waiting = new ConcurrentHashMap<>();

    /**
     * @param server   the AA's CoAP server; {@code .well-known/coap-eap} is added to it
     * @param backend  a new RADIUS pass-through per conversation
     * @param executor runs the conversations (each blocks on CoAP and RADIUS round trips)
     */
    public CoapEapAuthenticator(CoapServer server, Supplier<RadiusPassThrough> backend, ExecutorService executor) {
        this.server = Objects.requireNonNull(server, "server");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.executor = Objects.requireNonNull(executor, "executor");
        CoapResource wellKnown = new CoapResource(".well-known");
        wellKnown.add(new Trigger());
        server.add(wellKnown);
    }

    /** The result of the conversation with the UE at {@code ue} (created now if it has not started yet). */
    public CompletableFuture<Result> result(InetSocketAddress ue) {
        CompletableFuture<Result> f = conversations.get(ue);
        return f != null ? f : waiting.computeIfAbsent(ue, k -> new CompletableFuture<>());
    }

    private final class Trigger extends CoapResource {
        Trigger() {
            super("coap-eap");
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            byte[] p = exchange.getRequestPayload();
            String path = p == null ? "" : new String(p, StandardCharsets.UTF_8);
            if (p == null || p.length == 0 || p.length > MAX_PATH_BYTES || !path.startsWith("/")
                    || path.contains("?") || path.contains("#")) {
                exchange.respond(CoAP.ResponseCode.BAD_REQUEST);
                return;
            }
            InetSocketAddress ue = exchange.getSourceSocketAddress();
            CompletableFuture<Result> f = waiting.computeIfAbsent(ue, k -> new CompletableFuture<>());
            if (conversations.putIfAbsent(ue, f) != null) {
                return; // a conversation with this UE is in progress
            }
            waiting.remove(ue);
            exchange.respond(CoAP.ResponseCode.CHANGED);
            executor.execute(() -> {
                try {
                    f.complete(converse(ue, path));
                } catch (Exception e) {
                    f.completeExceptionally(e);
                } finally {
                    conversations.remove(ue, f);
                }
            });
        }
    }

    private Result converse(InetSocketAddress ue, String firstPath) throws EapException, IOException,
            InterruptedException {
        RadiusPassThrough aa = backend.get();
        Endpoint endpoint = server.getEndpoints().get(0);
        String path = firstPath;
        EapPacket toUe = EapPacket.of(EapPacket.CODE_REQUEST, 1, EapPacket.TYPE_IDENTITY, new byte[0]);
        int rounds = 0;
        while (true) {
            if (++rounds > 200) {
                throw new EapException(EapException.Reason.UNEXPECTED, "too many EAP round trips");
            }
            boolean last = !toUe.isRequest();
            // Session-Lifetime only when the AS sent a Session-Timeout
            CoapEapPayload out = last && toUe.code() == EapPacket.CODE_SUCCESS && aa.sessionTimeoutSeconds() >= 0
                    ? new CoapEapPayload(toUe, aa.sessionTimeoutSeconds())
                    : CoapEapPayload.of(toUe);
            Request post = Request.newPost();
            post.setURI(uri(ue, path));
            post.getOptions().setContentFormat(CoapEapPayload.CONTENT_FORMAT);
            post.setPayload(out.encode());
            endpoint.sendRequest(post);
            Response response = post.waitForResponse(60_000);
            if (response == null) {
                throw new EapException(EapException.Reason.TIMEOUT, "the UE did not answer");
            }
            if (last) {
                if (toUe.code() == EapPacket.CODE_SUCCESS) {
                    return new Result(aa, response.getCode() == CoAP.ResponseCode.CHANGED);
                }
                throw new EapException(EapException.Reason.REJECTED, "the AS refused the UE");
            }
            if (response.getCode() != CoAP.ResponseCode.CREATED || response.getOptions().getLocationPathCount() == 0) {
                throw new EapException(EapException.Reason.UNEXPECTED, "UE answered " + response.getCode());
            }
            EapPacket fromUe = CoapEapPayload.decode(response.getPayload()).eap();
            path = "/" + response.getOptions().getLocationPathString();
            toUe = aa.forward(fromUe);
        }
    }

    private static String uri(InetSocketAddress ue, String path) {
        String host = ue.getAddress().getHostAddress();
        if (ue.getAddress() instanceof java.net.Inet6Address) {
            host = "[" + host.replace("%", "%25") + "]";
        }
        return "coap://" + host + ":" + ue.getPort() + path;
    }

    /**
     * A finished conversation: the pass-through holding the MSK and Session-Timeout from the AS, and whether the
     * UE confirmed EAP-Success with 2.04.
     */
    public record Result(RadiusPassThrough radius, boolean ueConfirmed) {
    }
}
