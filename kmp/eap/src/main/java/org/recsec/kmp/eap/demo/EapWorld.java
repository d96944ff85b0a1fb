package org.recsec.kmp.eap.demo;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.recsec.californium.RecSec;
import org.recsec.californium.RecSecConfig;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.UeKeys;
import org.recsec.kmp.eap.card.CardTlsEngine;
import org.recsec.se.host.SeCard;
import org.recsec.kmp.eap.aa.RadiusPassThrough;
import org.recsec.kmp.eap.aps.ApplicationServerPull;
import org.recsec.kmp.eap.aps.CoapKeyFetcher;
import org.recsec.kmp.eap.aps.KeyService;
import org.recsec.kmp.eap.aps.UeKeyPull;
import org.recsec.kmp.eap.as.AuthenticationServer;
import org.recsec.kmp.eap.as.SessionStore;
import org.recsec.kmp.eap.coapeap.CoapEapAuthenticator;
import org.recsec.kmp.eap.coapeap.CoapEapPeer;
import org.recsec.kmp.eap.radius.RadiusClient;
import org.recsec.kmp.eap.tls.EapTlsPeer;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.SecretBytes;

/**
 * The four roles of draft-ohba-core-eap-based-bootstrapping §3 on loopback, each on its own sockets and, where it
 * has one, its own SA database: the AS (RADIUS + EAP-TLS, and its key service on a record-sec endpoint), the AA
 * (CoAP-EAP authenticator, RADIUS pass-through), the UE ({@link DemoUe}: CoAP-EAP peer whose EAP-TLS peer is the
 * secure element, {@link UePeer#CARD}, or Bouncy Castle's TLS client, {@link UePeer#HOST}) and the ApS (record-sec
 * CoAP server with the pull-key resource). With the card the PKI is RSA-2048 ({@link DemoPki#rsa}) and the card is
 * provisioned first ({@link DemoCard}). The ApS-AS channel is protected by an SA pair installed by
 * hand in both SADs, as the issue allows. Used by {@code recsec demo --kmp eap} and the end-to-end tests.
 */
public final class EapWorld implements AutoCloseable {
    public static final String UE_ID = "ue1@recsec.test";
    public static final String APS_ID = "aps.recsec.test";
    public static final String AS_ID = "as.recsec.test";
    private static final byte[] RADIUS_SECRET = "recsec-demo-radius-secret".getBytes(StandardCharsets.US_ASCII);

    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    private final Configuration config;
    private final boolean ownsAps;
    private final java.util.function.UnaryOperator<org.eclipse.californium.elements.Connector> wrap;
    public final String ueId;
    public final String apsId;
    private final SecureRandom random;
    private final Clock clock;
    private final Consumer<String> trace;
    public final DemoPki pki;
    public final SessionStore sessions;
    public final AuthenticationServer as;
    public final SecurityAssociationDatabase asSad;
    private KeyService keyService;
    private final java.util.List<AutoCloseable> extraApplicationServers = new java.util.ArrayList<>();
    public final SecurityAssociationDatabase apsSad;
    public final SecurityAssociationDatabase ueSad;
    private final ExecutorService aaExecutor = Executors.newFixedThreadPool(2);
    private final CoapServer asKeyServer;
    private final CoapServer aaServer;
    private final CoapEapAuthenticator authenticator;
    private final CoapServer apsServer;
    private final CoapClient apsToAs;
    private final SadSession apsSession;
    private final SadSession asSession;
    private final UePeer uePeer;
    private final SeCard card;
    private volatile org.recsec.kmp.eap.radius.DatagramTap radiusTap;
    private final DemoUe ue;

    private EapWorld(SecureRandom random, Clock clock, int sessionTimeoutSeconds, Consumer<String> trace,
                     Configuration config, CoapServer aps, SecurityAssociationDatabase apsSad, String apsId,
                     SecurityAssociationDatabase ueSad, String ueId,
                     java.util.function.UnaryOperator<org.eclipse.californium.elements.Connector> wrap,
                     UePeer uePeer, SeCard card, int apsProfile)
            throws Exception {
        this.config = config;
        this.wrap = wrap == null ? c -> c : wrap;
        this.ownsAps = aps == null;
        this.ueId = ueId;
        this.apsId = apsId;
        this.random = random;
        this.clock = clock;
        this.trace = trace;
        InetAddress lo = InetAddress.getLoopbackAddress();
        this.uePeer = java.util.Objects.requireNonNull(uePeer, "uePeer");
        if (uePeer == UePeer.CARD) {
            pki = DemoPki.rsa(random, ueId);
            this.card = card != null ? card : new SeCard(org.recsec.se.host.JCardSimLink.open());
            DemoCard.provision(this.card, pki, ueId);
            trace.accept("UE : secure element " + this.card.link().describe() + ": RSA-2048 key pair made on the"
                    + " card, certificate CN=" + ueId + " and trust anchor written; EAP-TLS peer in TLS mode"
                    + " (TLS_DHE_RSA_WITH_AES_128_CCM_8)");
        } else {
            pki = new DemoPki(random, ueId);
            this.card = null;
        }
        sessions = new SessionStore(clock, 64);
        as = new AuthenticationServer(pki.serverCredentials(clock), RADIUS_SECRET, random, clock,
                sessionTimeoutSeconds, 1000, sessions);
        as.start(new InetSocketAddress(lo, 0));
        trace.accept("AS : RADIUS/EAP-TLS on udp/127.0.0.1:" + as.port());

        asSad = SecurityAssociationDatabase.builder(clock, random).localIdentities(Set.of(AS_ID)).build();
        this.apsSad = apsSad != null ? apsSad
                : SecurityAssociationDatabase.builder(clock, random).localIdentities(Set.of(apsId)).build();
        this.ueSad = ueSad != null ? ueSad
                : SecurityAssociationDatabase.builder(clock, random).localIdentities(Set.of(ueId))
                        .acquireTimeout(java.time.Duration.ofSeconds(20)).build();
        asSession = asSad.openSession(b -> { });
        apsSession = this.apsSad.openSession(b -> { });
        installPairWithAs(apsSession, apsId);

        asKeyServer = new CoapServer(config);
        asKeyServer.addEndpoint(RecSec.endpointBuilder(RecSecConfig.builder(asSad, LocalId.of(AS_ID))
                .protectResource(KeyService.PATH).build()).setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(lo, 0)).build());
        keyService = new KeyService(sessions, Set.of(apsId), clock);
        asKeyServer.add(keyService);
        asKeyServer.start();
        trace.accept("AS : key service coap://127.0.0.1:" + port(asKeyServer) + "/" + KeyService.PATH
                + " (record-sec protected, ApS-AS SA pair installed by hand)");

        aaServer = new CoapServer(config);
        aaServer.addEndpoint(DemoUe.plainEndpoint(config, this.wrap));
        authenticator = new CoapEapAuthenticator(aaServer, this::radiusBackend, aaExecutor);
        aaServer.start();
        trace.accept("AA : CoAP-EAP authenticator coap://127.0.0.1:" + port(aaServer) + "/.well-known/coap-eap");

        if (aps != null) {
            apsServer = aps;
        } else {
            apsServer = new CoapServer(config);
            apsServer.addEndpoint(RecSec.endpointBuilder(RecSecConfig.builder(this.apsSad, LocalId.of(apsId))
                    .protectResource("hello").build()).setConfiguration(config)
                    .setInetSocketAddress(new InetSocketAddress(lo, 0)).build());
        }
        apsToAs = new CoapClient();
        apsToAs.setEndpoint(RecSec.endpointBuilder(RecSecConfig.builder(this.apsSad, LocalId.of(apsId)).build())
                .setConfiguration(config).setInetSocketAddress(new InetSocketAddress(lo, 0)).build());
        apsToAs.setTimeout(5_000L);
        apsServer.add(new ApplicationServerPull(apsSession, apsId, new CoapKeyFetcher(apsToAs,
                "coap://127.0.0.1:" + port(asKeyServer) + "/" + KeyService.PATH, AS_ID), apsProfile));
        if (ownsAps) {
            apsServer.add(new CoapResource("hello") {
                @Override
                public void handleGET(CoapExchange exchange) {
                    exchange.respond(CoAP.ResponseCode.CONTENT, "hello, " + ueId + ", from " + apsId);
                }
            });
            apsServer.start();
        }
        trace.accept("ApS: " + apsId + ", pull key at " + apsUri(ApplicationServerPull.PATH)
                + (apsProfile == PfKey.RECSEC_PROFILE_DTLS12 ? "" : ", " + SaSpec.profileName(apsProfile) + " SAs"));
        ue = new DemoUe(config, this.wrap, trace, this.ueSad, ueId, apsId, this::uePeer,
                uePeer == UePeer.CARD ? "UE's card" : "UE", () -> new InetSocketAddress(lo, port(aaServer)),
                authenticator, this::apsUri);
    }

    private EapTlsPeer uePeer(String identity) {
        return uePeer == UePeer.CARD ? new EapTlsPeer(identity, new CardTlsEngine(card), 1000)
                : new EapTlsPeer(identity, pki.clientCredentials(clock), random, 1000);
    }

    /** Where the UE's EAP-TLS peer runs. */
    public UePeer uePeer() {
        return uePeer;
    }

    /** Starts every role on loopback, the ApS with a protected {@code /hello}. */
    public static EapWorld start(SecureRandom random, Clock clock, int sessionTimeoutSeconds, Consumer<String> trace)
            throws Exception {
        return start(random, clock, sessionTimeoutSeconds, trace, UePeer.HOST, null);
    }

    /**
     * Starts every role on loopback with the UE's EAP-TLS peer where {@code uePeer} says; {@code card} is the UE's
     * secure element ({@link UePeer#CARD} only; null for the applet in jcardsim's terminal), provisioned afresh.
     */
    public static EapWorld start(SecureRandom random, Clock clock, int sessionTimeoutSeconds, Consumer<String> trace,
                                 UePeer uePeer, SeCard card) throws Exception {
        return new EapWorld(random, clock, sessionTimeoutSeconds, trace, Configuration.createStandardWithoutFile(),
                null, null, APS_ID, null, UE_ID, null, uePeer, card, PfKey.RECSEC_PROFILE_DTLS12);
    }

    /**
     * Starts every role on loopback, the UE's EAP-TLS peer on the host, the ApS configured to install SA pairs of
     * record profile {@code apsProfile} (a {@link PfKey} {@code RECSEC_PROFILE_*} id) and to refuse pulls for others.
     */
    public static EapWorld start(SecureRandom random, Clock clock, int sessionTimeoutSeconds, Consumer<String> trace,
                                 int apsProfile) throws Exception {
        return new EapWorld(random, clock, sessionTimeoutSeconds, trace, Configuration.createStandardWithoutFile(),
                null, null, APS_ID, null, UE_ID, null, UePeer.HOST, null, apsProfile);
    }

    /**
     * Starts AS and AA on loopback around an existing ApS (a started CoAP server whose record-sec endpoint leaves
     * {@value ApplicationServerPull#PATH} unprotected, and its SAD) and an existing UE SAD: the pull-key resource is
     * added to the ApS, the ApS-AS SA pair to {@code apsSad}. The caller keeps owning what it passed in.
     * {@code wrap}, when not null, wraps the UDP connector of every plain CoAP endpoint of UE and AA (the CoAP-EAP
     * exchange and the pull request), e.g. to capture their datagrams.
     */
    public static EapWorld attach(SecureRandom random, Clock clock, int sessionTimeoutSeconds, Consumer<String> trace,
                                  Configuration config, CoapServer aps, SecurityAssociationDatabase apsSad,
                                  String apsId, SecurityAssociationDatabase ueSad, String ueId,
                                  java.util.function.UnaryOperator<org.eclipse.californium.elements.Connector> wrap)
            throws Exception {
        return attach(random, clock, sessionTimeoutSeconds, trace, config, aps, apsSad, apsId, ueSad, ueId, wrap,
                UePeer.HOST);
    }

    /** {@link #attach} with the UE's EAP-TLS peer where {@code uePeer} says (the card: jcardsim's). */
    public static EapWorld attach(SecureRandom random, Clock clock, int sessionTimeoutSeconds, Consumer<String> trace,
                                  Configuration config, CoapServer aps, SecurityAssociationDatabase apsSad,
                                  String apsId, SecurityAssociationDatabase ueSad, String ueId,
                                  java.util.function.UnaryOperator<org.eclipse.californium.elements.Connector> wrap,
                                  UePeer uePeer) throws Exception {
        return attach(random, clock, sessionTimeoutSeconds, trace, config, aps, apsSad, apsId, ueSad, ueId, wrap,
                uePeer, PfKey.RECSEC_PROFILE_DTLS12);
    }

    /** {@link #attach} with the UE's peer where {@code uePeer} says and the ApS installing {@code apsProfile} SAs. */
    public static EapWorld attach(SecureRandom random, Clock clock, int sessionTimeoutSeconds, Consumer<String> trace,
                                  Configuration config, CoapServer aps, SecurityAssociationDatabase apsSad,
                                  String apsId, SecurityAssociationDatabase ueSad, String ueId,
                                  java.util.function.UnaryOperator<org.eclipse.californium.elements.Connector> wrap,
                                  UePeer uePeer, int apsProfile) throws Exception {
        return new EapWorld(random, clock, sessionTimeoutSeconds, trace, config, aps, apsSad, apsId, ueSad, ueId,
                wrap, uePeer, null, apsProfile);
    }

    private String apsUri(String path) {
        InetSocketAddress a = apsServer.getEndpoints().get(0).getAddress();
        return "coap://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/" + path;
    }

    private static int port(CoapServer s) {
        return s.getEndpoints().get(0).getAddress().getPort();
    }

    /**
     * Shows every RADIUS datagram between AA and AS of the conversations that start from now on to {@code tap} (e.g.
     * the demo's capture file); null stops it.
     */
    public void tapRadius(org.recsec.kmp.eap.radius.DatagramTap tap) {
        radiusTap = tap;
    }

    private RadiusPassThrough radiusBackend() {
        try {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            RadiusClient client = new RadiusClient(socket, new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    as.port()), RADIUS_SECRET, random, 2000, 3);
            client.tap(radiusTap);
            return new RadiusPassThrough(client, "aa.recsec.test");
        } catch (SocketException e) {
            throw new IllegalStateException("no socket for the RADIUS client", e);
        }
    }

    /**
     * A second ApS that the AS also serves, with its own record SA pair with the AS (installed by hand like the
     * first's): a client on a fresh SAD of identity {@code otherApsId}, whose requests reach the AS protected and
     * authenticated as {@code otherApsId}. Closed with the world.
     *
     * @return a client whose {@link KeyPuller#pull} posts a key request to the AS's key service
     */
    public KeyPuller otherApplicationServer(String otherApsId) throws Exception {
        SecurityAssociationDatabase sad = SecurityAssociationDatabase.builder(clock, random)
                .localIdentities(Set.of(otherApsId)).build();
        SadSession session = sad.openSession(b -> { });
        installPairWithAs(session, otherApsId);
        keyService.serve(otherApsId);
        CoapClient c = new CoapClient();
        c.setEndpoint(RecSec.endpointBuilder(RecSecConfig.builder(sad, LocalId.of(otherApsId)).build())
                .setConfiguration(config).setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .build());
        c.setTimeout(5_000L);
        String uri = "coap://127.0.0.1:" + port(asKeyServer) + "/" + KeyService.PATH;
        KeyPuller p = request -> {
            Request post = Request.newPost();
            post.setURI(uri);
            post.setPayload(request.encode());
            return c.advanced(RecSec.protect(post, PeerId.of(AS_ID)));
        };
        extraApplicationServers.add(() -> {
            c.shutdown();
            session.close();
            sad.close();
        });
        return p;
    }

    /** Posts a pull-key request to the AS under an ApS's record SA pair. */
    @FunctionalInterface
    public interface KeyPuller {
        /** @return the AS's answer, or null when none came */
        CoapResponse pull(org.recsec.kmp.eap.aps.PullMessages.KeyRequest request) throws Exception;
    }

    private void installPairWithAs(SadSession apsSide, String who) throws Exception {
        CipherSuite suite = CipherSuite.AES_128_CCM_8;
        SaSpec[] pair = new SaSpec[2];
        long[] spis = {0x1000 + random.nextInt(0x10000), 0x20000 + random.nextInt(0x10000)};
        String[][] ends = {{who, AS_ID}, {AS_ID, who}};
        for (int i = 0; i < 2; i++) {
            byte[] k = new byte[suite.keySizeBytes()];
            byte[] iv = new byte[suite.ivSizeBytes()];
            random.nextBytes(k);
            random.nextBytes(iv);
            pair[i] = SaSpec.withKeys(spis[i], ends[i][0], ends[i][1], suite, SecretBytes.copyOf(k),
                    SecretBytes.copyOf(iv));
            java.util.Arrays.fill(k, (byte) 0);
        }
        apsSide.add(pair[0]);
        apsSide.add(pair[1]);
        asSession.add(pair[0]);
        asSession.add(pair[1]);
    }

    /** Step 1 (draft §4.3): the UE authenticates with EAP-TLS over CoAP-EAP to the AA, which relays to the AS. */
    public CoapEapPeer.Result authenticateUe() throws Exception {
        return authenticateUe(ueId);
    }

    /** Step 1 with another EAP identity than the UE's SAD identity. */
    public CoapEapPeer.Result authenticateUe(String identity) throws Exception {
        return ue.authenticate(identity);
    }

    /** Step 2 (draft §4.3): the pull key, then both ends hold the SA pair. */
    public UeKeyPull.Installed pull(UeKeys keys, CipherSuite suite) throws EapException {
        return pull(keys, suite, PfKey.RECSEC_PROFILE_DTLS12);
    }

    /** Step 2 for an SA pair of record profile {@code profile}, the UE's configuration ({@link PfKey} id). */
    public UeKeyPull.Installed pull(UeKeys keys, CipherSuite suite, int profile) throws EapException {
        return ue.pull(keys, suite, profile);
    }

    /**
     * Step 2 driven by the SAD: the UE's KMP REGISTERs and answers ACQUIRE with the pull key, so the first
     * protected request to the ApS triggers it (draft §4.3: "initiated by the UE when the UE has CoAP application
     * data to send to the ApS"), for SA pairs of record profile {@code profile} (a {@link PfKey} id).
     */
    public org.recsec.kmp.eap.aps.UeAcquireKmp armAcquire(UeKeys keys, CipherSuite suite, int profile)
            throws Exception {
        return ue.armAcquire(keys, suite, profile);
    }

    /** The usual protected request: GET /hello from the UE to the ApS under the pulled SA pair. */
    public CoapResponse protectedGet() throws Exception {
        return ue.protectedGet();
    }

    /** Stops the AS's key service, as if the AS stopped answering the ApS. */
    public void stopKeyService() {
        asKeyServer.stop();
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : extraApplicationServers) {
            c.close();
        }
        ue.close();
        apsToAs.shutdown();
        if (ownsAps) {
            apsServer.destroy();
        }
        aaServer.destroy();
        asKeyServer.destroy();
        aaExecutor.shutdown();
        aaExecutor.awaitTermination(60, TimeUnit.SECONDS);
        as.close();
        apsSession.close();
        asSession.close();
        if (ownsAps) {
            ueSad.close();
            apsSad.close();
        }
        asSad.close();
    }
}
