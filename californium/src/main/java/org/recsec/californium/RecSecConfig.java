package org.recsec.californium;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.recsec.record.EchoFreshness;
import org.recsec.record.RecordProtector;
import org.recsec.record.SaRegistry;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;

/**
 * What the record-sec layer of one Californium endpoint does: which SAs it uses, its own identity, which of its
 * resources refuse unprotected requests (server role) and which destinations it protects requests to without a
 * per-request marker (client role). Immutable; build it with {@link #builder}.
 *
 * <p>Protected resources: a request whose Uri-Path equals a configured path, or lies below it ("a/b" covers "a/b"
 * and "a/b/c", not "a/bc"), or any request when {@link Builder#protectAllResources()} was called. An unprotected
 * request to one of them is answered with an unprotected 4.01 and never reaches the resource. Protected requests are
 * accepted for every resource.
 *
 * <p>Fresh resources (RFC 9175 §2, for actuators): a protected request to a path given to
 * {@link Builder#requireFreshness} is executed only when it carries, inside its record, an Echo value this server
 * issued for the same SA no longer than {@link Builder#echoLifetime} ago; otherwise it is answered with a protected
 * 4.01 whose inner options carry a new Echo value, and the client layer repeats the request once with it. This stops
 * a genuine request that a proxy held back and released later (the replay window cannot: it was never seen).
 *
 * <p>Refusals: every refused message is counted ({@link #refusals()}), given to the {@link Builder#onRefusal}
 * listener, and logged as a WARN on the SLF4J logger {@code org.recsec.californium.refusals} at most once per
 * {@link Builder#warnInterval} (with the number suppressed meanwhile), naming the reason and the SPI, never keys.
 */
public final class RecSecConfig {
    private final RecordProtector protector;
    private final SaRegistry registry;
    private final LocalId localId;
    private final boolean protectAll;
    private final Set<String> protectedPaths;
    private final Map<InetSocketAddress, PeerId> peersByAddress;
    private final Set<String> freshPaths;
    private final EchoFreshness freshness;
    private final RefusalReport report;
    private final RecSecRefusals refusals;
    private final int guardRepliesPerSecond;
    private final int guardFailuresPerSourcePerSecond;
    private final InstantSource clock;
    /** One lock per route: a record is sealed and handed to the transport under it, so sequence = send order. */
    private final ConcurrentMap<Route, Object> sendLocks = new ConcurrentHashMap<>();
    private final GuardVerdicts verdicts = new GuardVerdicts();
    private final AwaitedResponses awaited = new AwaitedResponses();

    private RecSecConfig(Builder b) {
        this.protector = new RecordProtector(b.registry);
        this.registry = b.registry;
        this.localId = b.localId;
        this.protectAll = b.protectAll;
        this.protectedPaths = Set.copyOf(b.protectedPaths);
        this.peersByAddress = Map.copyOf(b.peersByAddress);
        this.freshPaths = Set.copyOf(b.freshPaths);
        this.clock = b.clock;
        this.freshness = freshPaths.isEmpty() ? null
                : EchoFreshness.create(b.echoLifetime, b.clock, b.random != null ? b.random : new SecureRandom());
        this.report = new RefusalReport(b.listener, b.clock, b.warnInterval);
        this.refusals = new RecSecRefusals(report);
        this.guardRepliesPerSecond = b.guardRepliesPerSecond;
        this.guardFailuresPerSourcePerSecond = b.guardFailuresPerSourcePerSecond;
    }

    /** How many messages were refused, per reason, by the endpoints that use this config. */
    public RecSecRefusals refusals() {
        return refusals;
    }
    /** The Echo issuer, or null when no resource needs freshness. */
    EchoFreshness freshness() {
        return freshness;
    }

    InstantSource clock() {
        return clock;
    }

    int guardRepliesPerSecond() {
        return guardRepliesPerSecond;
    }

    int guardFailuresPerSourcePerSecond() {
        return guardFailuresPerSourcePerSecond;
    }

    /** The key of a send lock: hashed from the two identities' cached String hashes, no String built per record. */
    private record Route(LocalId localEnd, PeerId peerEnd) {
        // written out: a record's generated equals and hashCode cost milliseconds on first use (cold start)
        @Override
        public boolean equals(Object o) {
            return o instanceof Route r && localEnd.equals(r.localEnd) && peerEnd.equals(r.peerEnd);
        }

        @Override
        public int hashCode() {
            return 31 * localEnd.hashCode() + peerEnd.hashCode();
        }
    }

    /** The client's requests waiting for responses, shared by the layer (which keeps it) and the guard. */
    AwaitedResponses awaitedResponses() {
        return awaited;
    }

    Object sendLock(LocalId localEnd, PeerId peerEnd) {
        Route route = new Route(localEnd, peerEnd);
        Object lock = sendLocks.get(route);
        return lock != null ? lock : sendLocks.computeIfAbsent(route, k -> new Object());
    }

    /** True when a request to {@code uriPath} must carry a fresh Echo (RFC 9175) before it is executed. */
    public boolean needsFreshness(String uriPath) {
        return matches(freshPaths, false, uriPath);
    }

    /**
     * @param registry where the layer finds its SAs (outbound by local and peer identity, inbound by SPI)
     * @param localId  this endpoint's identity, the {@code localId} of its outbound SAs
     */
    public static Builder builder(SaRegistry registry, LocalId localId) {
        return new Builder(registry, localId);
    }

    RecordProtector protector() {
        return protector;
    }

    SaRegistry registry() {
        return registry;
    }

    RefusalReport report() {
        return report;
    }

    /** Where the guards of this config leave what they verified for the layers of this config. */
    GuardVerdicts verdicts() {
        return verdicts;
    }

    LocalId localId() {
        return localId;
    }

    /** True when an unprotected request to {@code uriPath} (Californium's "a/b/c" form) must be refused. */
    public boolean isProtectedPath(String uriPath) {
        return matches(protectedPaths, protectAll, uriPath);
    }

    private static boolean matches(Set<String> paths, boolean all, String uriPath) {
        if (all) {
            return true;
        }
        String path = uriPath == null ? "" : uriPath;
        for (String p : paths) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return true;
            }
        }
        return false;
    }

    /** The peer identity requests to {@code destination} are protected for, or null. */
    PeerId peerFor(InetSocketAddress destination) {
        return destination == null ? null : peersByAddress.get(destination);
    }

    /** Collects a {@link RecSecConfig}. */
    public static final class Builder {
        private final SaRegistry registry;
        private final LocalId localId;
        private boolean protectAll;
        private final Set<String> protectedPaths = new LinkedHashSet<>();
        private final Map<InetSocketAddress, PeerId> peersByAddress = new HashMap<>();
        private final Set<String> freshPaths = new LinkedHashSet<>();
        private Duration echoLifetime = Duration.ofSeconds(10);
        private InstantSource clock = InstantSource.system();
        private SecureRandom random;
        private RefusalListener listener;
        private Duration warnInterval = Duration.ofSeconds(10);
        private int guardRepliesPerSecond = 200;
        private int guardFailuresPerSourcePerSecond = 100;

        private Builder(SaRegistry registry, LocalId localId) {
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
            protectedPaths.add(normalize(path));
            return this;
        }

        /**
         * Server role: requests to the resource at {@code path} (and below) must prove freshness with an Echo value
         * (RFC 9175 §2.4): the first one without a fresh Echo gets a protected 4.01 carrying one and is not
         * executed. Also marks the path protected: freshness without protection means nothing.
         */
        public Builder requireFreshness(String path) {
            String p = normalize(path);
            freshPaths.add(p);
            protectedPaths.add(p);
            return this;
        }

        /** How long an issued Echo value proves freshness (default 10 s; RFC 9175 §2.4 leaves it to the use). */
        public Builder echoLifetime(Duration lifetime) {
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("echo lifetime must be positive");
            }
            this.echoLifetime = lifetime;
            return this;
        }

        /** The clock of Echo lifetimes and of the refusal log's rate limit (default the system clock). */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where the Echo MAC key comes from (default a new {@link SecureRandom}). */
        public Builder secureRandom(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Told about every refused message (see {@link RecSecRefusal}); at most one listener. */
        public Builder onRefusal(RefusalListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** At most one WARN log line per this interval about refusals (default 10 s). */
        public Builder warnInterval(Duration interval) {
            this.warnInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * How many stateless error answers (4.01/4.00, no options, no payload) the transport guard of
         * {@link RecSec#endpointBuilder} sends per second to datagrams it drops (default 200; 0 = drop silently).
         * The answers tell a genuine client with a stale SA what happened; the cap keeps a forged flood from
         * turning the server into a reflector.
         */
        public Builder guardRepliesPerSecond(int perSecond) {
            if (perSecond < 0) {
                throw new IllegalArgumentException("perSecond must be >= 0");
            }
            this.guardRepliesPerSecond = perSecond;
            return this;
        }

        /**
         * The transport guard's penalty box (see {@link RecordGuard}): a source (address and port) with more than this many
         * records failing verification in one second is ignored for the rest of it and the next second (default
         * 100; 0 = never).
         */
        public Builder guardFailuresPerSourcePerSecond(int perSecond) {
            if (perSecond < 0) {
                throw new IllegalArgumentException("perSecond must be >= 0");
            }
            this.guardFailuresPerSourcePerSecond = perSecond;
            return this;
        }

        private static String normalize(String path) {
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
            return p;
        }

        /**
         * Client role: protect every request sent to {@code destination} for {@code peerId}, so an unchanged
         * {@code CoapClient} ({@code get()}, {@code observe(handler)}, ...) is protected by configuration alone.
         */
        public Builder protectRequestsTo(InetSocketAddress destination, PeerId peerId) {
            peersByAddress.put(Objects.requireNonNull(destination), Objects.requireNonNull(peerId));
            return this;
        }

        public RecSecConfig build() {
            return new RecSecConfig(this);
        }
    }
}
