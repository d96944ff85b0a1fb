package org.recsec.californium;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.recsec.record.RecordProtector;
import org.recsec.record.SaRegistry;

/**
 * What the record-sec layer of one Californium endpoint does: which SAs it uses, its own identity, which of its
 * resources refuse unprotected requests (server role) and which destinations it protects requests to without a
 * per-request marker (client role). Immutable; build it with {@link #builder}.
 *
 * <p>Protected resources: a request whose Uri-Path equals a configured path, or lies below it ("a/b" covers "a/b"
 * and "a/b/c", not "a/bc"), or any request when {@link Builder#protectAllResources()} was called. An unprotected
 * request to one of them is answered with an unprotected 4.01 and never reaches the resource. Protected requests are
 * accepted for every resource.
 */
public final class RecSecConfig {
    private final RecordProtector protector;
    private final String localId;
    private final boolean protectAll;
    private final Set<String> protectedPaths;
    private final Map<InetSocketAddress, String> peersByAddress;

    private RecSecConfig(Builder b) {
        this.protector = new RecordProtector(b.registry);
        this.localId = b.localId;
        this.protectAll = b.protectAll;
        this.protectedPaths = Set.copyOf(b.protectedPaths);
        this.peersByAddress = Map.copyOf(b.peersByAddress);
    }

    /**
     * @param registry where the layer finds its SAs (outbound by local and peer identity, inbound by SPI)
     * @param localId  this endpoint's identity, the {@code localId} of its outbound SAs
     */
    public static Builder builder(SaRegistry registry, String localId) {
        return new Builder(registry, localId);
    }

    RecordProtector protector() {
        return protector;
    }

    String localId() {
        return localId;
    }

    /** True when an unprotected request to {@code uriPath} (Californium's "a/b/c" form) must be refused. */
    public boolean isProtectedPath(String uriPath) {
        if (protectAll) {
            return true;
        }
        String path = uriPath == null ? "" : uriPath;
        for (String p : protectedPaths) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return true;
            }
        }
        return false;
    }

    /** The peer identity requests to {@code destination} are protected for, or null. */
    String peerFor(InetSocketAddress destination) {
        return destination == null ? null : peersByAddress.get(destination);
    }

    /** Collects a {@link RecSecConfig}. */
    public static final class Builder {
        private final SaRegistry registry;
        private final String localId;
        private boolean protectAll;
        private final Set<String> protectedPaths = new LinkedHashSet<>();
        private final Map<InetSocketAddress, String> peersByAddress = new HashMap<>();

        private Builder(SaRegistry registry, String localId) {
            this.registry = Objects.requireNonNull(registry, "registry");
            this.localId = Objects.requireNonNull(localId, "localId");
        }

        /** Server role: every resource refuses unprotected requests. */
        public Builder protectAllResources() {
            protectAll = true;
            return this;
        }

        /** Server role: the resource at {@code path} ("a/b", leading and trailing '/' ignored) and those below it. */
        public Builder protectResource(String path) {
            String p = path;
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.isEmpty()) {
                throw new IllegalArgumentException("use protectAllResources() for the root");
            }
            protectedPaths.add(p);
            return this;
        }

        /**
         * Client role: protect every request sent to {@code destination} for {@code peerId}, so an unchanged
         * {@code CoapClient} ({@code get()}, {@code observe(handler)}, ...) is protected by configuration alone.
         */
        public Builder protectRequestsTo(InetSocketAddress destination, String peerId) {
            peersByAddress.put(Objects.requireNonNull(destination), Objects.requireNonNull(peerId));
            return this;
        }

        public RecSecConfig build() {
            return new RecSecConfig(this);
        }
    }
}
