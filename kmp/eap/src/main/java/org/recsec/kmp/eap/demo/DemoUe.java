package org.recsec.kmp.eap.demo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.UDPConnector;
import org.eclipse.californium.elements.config.Configuration;
import org.recsec.californium.RecSec;
import org.recsec.californium.RecSecConfig;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.Hex;
import org.recsec.kmp.eap.UeKeys;
import org.recsec.kmp.eap.Usrk;
import org.recsec.kmp.eap.aps.ApplicationServerPull;
import org.recsec.kmp.eap.aps.KeyService;
import org.recsec.kmp.eap.aps.UeAcquireKmp;
import org.recsec.kmp.eap.aps.UeKeyPull;
import org.recsec.kmp.eap.coapeap.CoapEapAuthenticator;
import org.recsec.kmp.eap.coapeap.CoapEapPeer;
import org.recsec.kmp.eap.tls.EapTlsPeer;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;

/**
 * The UE role of {@link EapWorld} (draft-ohba-core-eap-based-bootstrapping §4.3): step 1, EAP-TLS over CoAP-EAP to
 * the AA with the EAP-TLS peer {@code peers} makes (on the host or on the secure element); step 2, the pull key,
 * explicit or driven by ACQUIRE; then the protected GET. Its own CoAP endpoints and PF_KEY sessions.
 */
final class DemoUe implements AutoCloseable {
    private final Configuration config;
    private final UnaryOperator<Connector> wrap;
    private final Consumer<String> trace;
    private final SecurityAssociationDatabase ueSad;
    private final String ueId;
    private final String apsId;
    private final Function<String, EapTlsPeer> peers;
    private final String where;
    private final Supplier<InetSocketAddress> aa;
    private final CoapEapAuthenticator authenticator;
    private final Function<String, String> apsUri;
    private final ExecutorService acquireExecutor = Executors.newSingleThreadExecutor();
    private CoapServer ueServer;
    private SadSession ueSession;
    private UeAcquireKmp acquireKmp;
    private CoapClient acquireClient;

    /**
     * @param peers  the EAP-TLS peer for an EAP identity
     * @param where  where the EMSK lives, for the trace ("UE" or "UE's card")
     * @param apsUri the ApS URI of a path
     */
    DemoUe(Configuration config, UnaryOperator<Connector> wrap, Consumer<String> trace, SecurityAssociationDatabase ueSad,
           String ueId, String apsId, Function<String, EapTlsPeer> peers, String where, Supplier<InetSocketAddress> aa,
           CoapEapAuthenticator authenticator, Function<String, String> apsUri) {
        this.config = config;
        this.wrap = wrap;
        this.trace = trace;
        this.ueSad = ueSad;
        this.ueId = ueId;
        this.apsId = apsId;
        this.peers = Objects.requireNonNull(peers);
        this.where = where;
        this.aa = aa;
        this.authenticator = authenticator;
        this.apsUri = apsUri;
    }

    static CoapEndpoint plainEndpoint(Configuration config, UnaryOperator<Connector> wrap) {
        return new CoapEndpoint.Builder().setConfiguration(config).setConnector(wrap.apply(
                new UDPConnector(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config))).build();
    }

    /** Step 1 with EAP identity {@code identity}. */
    CoapEapPeer.Result authenticate(String identity) throws Exception {
        if (ueServer != null) {
            ueServer.destroy();
        }
        ueServer = new CoapServer(config);
        ueServer.addEndpoint(plainEndpoint(config, wrap));
        ueServer.start();
        CoapEapPeer peer = new CoapEapPeer(peers.apply(identity), ueServer, "eap");
        CoapEapAuthenticator.Result aaResult;
        CoapEapPeer.Result result;
        try {
            var pending = authenticator.result(ueServer.getEndpoints().get(0).getAddress());
            result = peer.start(aa.get()).get(120, TimeUnit.SECONDS);
            aaResult = pending.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
        trace.accept("UE -> AA: POST /.well-known/coap-eap (trigger); AA <-> UE: EAP-TLS in CoAP-EAP POSTs"
                + " (Content-Format 269); AA <-> AS: RADIUS Access-Request/Challenge/Accept");
        trace.accept("UE : EAP-Success, Session-Id " + Hex.encode(result.ueKeys().sessionId()).substring(0, 18)
                + "..., Session-Lifetime " + result.sessionLifetimeSeconds() + " s");
        if (result.keys() != null) {
            trace.accept("AA : got the MSK in MS-MPPE keys (equal to the UE's: "
                    + aaResult.radius().msk().equalsSecret(result.keys().msk()) + "); the EMSK stayed on UE and AS");
        } else {
            trace.accept("AA : got the MSK in MS-MPPE keys; the UE's MSK and EMSK stayed on its card (EAP-KEYS"
                    + " answers only the Session-Id and USRKs), the EMSK on the AS");
        }
        return result;
    }

    /** Step 2, explicit. */
    UeKeyPull.Installed pull(UeKeys keys, CipherSuite suite, int profile) throws EapException {
        CoapClient plain = new CoapClient();
        plain.setEndpoint(plainEndpoint(config, wrap));
        plain.setTimeout(10_000L);
        try {
            UeKeyPull.Installed i = UeKeyPull.pull(session(), ueId, apsId, apsUri.apply(ApplicationServerPull.PATH),
                    suite, profile, keys, plain);
            trace.accept(String.format("UE -> ApS: POST /%s {suite, UE SPI 0x%x, identity, Session-Id}; ApS -> AS"
                    + " (protected): POST /%s; AS -> ApS: USRK; ApS -> UE 2.04 {ApS SPI 0x%x, lifetime %d s}",
                    ApplicationServerPull.PATH, i.ueInboundSpi(), KeyService.PATH, i.apsInboundSpi(),
                    i.lifetimeSeconds()));
            trace.accept(where + ", ApS: USRK = KDF(EMSK, \"" + Usrk.RECSEC_LABEL + "\", \"" + apsId
                    + "\", 64) -> SA pair (" + suite + (profile == PfKey.RECSEC_PROFILE_DTLS12 ? ""
                    : ", " + SaSpec.profileName(profile)) + "), PF_KEY GETSPI/UPDATE/ADD into each SAD");
            return i;
        } finally {
            plain.shutdown();
        }
    }

    /** Step 2 driven by ACQUIRE. */
    UeAcquireKmp armAcquire(UeKeys keys, CipherSuite suite, int profile) throws Exception {
        acquireClient = new CoapClient();
        acquireClient.setEndpoint(plainEndpoint(config, wrap));
        acquireClient.setTimeout(10_000L);
        acquireKmp = new UeAcquireKmp(ueSad, ueId, keys, suite, profile,
                a -> a.equals(apsId) ? apsUri.apply(ApplicationServerPull.PATH) : null, acquireClient,
                acquireExecutor);
        acquireKmp.start();
        trace.accept("UE : KMP registered for ACQUIRE; the first protected request to " + apsId + " pulls the key");
        return acquireKmp;
    }

    private synchronized SadSession session() {
        if (ueSession == null) {
            ueSession = ueSad.openSession(b -> { });
        }
        return ueSession;
    }

    /** GET /hello to the ApS under the pulled SA pair. */
    CoapResponse protectedGet() throws Exception {
        CoapClient c = new CoapClient();
        c.setEndpoint(RecSec.endpointBuilder(RecSecConfig.builder(ueSad, LocalId.of(ueId)).build())
                .setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        c.setTimeout(10_000L);
        try {
            Request get = Request.newGet();
            get.setURI(apsUri.apply("hello"));
            return c.advanced(RecSec.protect(get, PeerId.of(apsId)));
        } finally {
            c.shutdown();
        }
    }

    @Override
    public void close() throws Exception {
        if (acquireKmp != null) {
            acquireKmp.close();
        }
        acquireExecutor.shutdown();
        acquireExecutor.awaitTermination(60, TimeUnit.SECONDS);
        if (acquireClient != null) {
            acquireClient.shutdown();
        }
        if (ueServer != null) {
            ueServer.destroy();
        }
        if (ueSession != null) {
            ueSession.close();
        }
    }
}
