package org.recsec.kmp.ticket.exchange;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.recsec.km.pfkey.Endpoints;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.kmp.ticket.AsKey;
import org.recsec.kmp.ticket.ReplayCache;
import org.recsec.kmp.ticket.TicketValidator;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

/**
 * A resource server and a client on loopback UDP with ephemeral ports, each with its own SA database that knows
 * only its own identity: the RS hosts /authz-info, the client has a CoAP endpoint of its own.
 */
final class Loopback implements AutoCloseable {
    static final long T0 = 1_800_000_000L;
    static final AsKey AS_KEY = AsKey.of(Bytes.fromHex("a5"),
            SecretBytes.copyOf(Bytes.fromHex("000102030405060708090a0b0c0d0e0f")));
    static final Configuration CONFIG;

    static {
        CoapConfig.register();
        UdpConfig.register();
        CONFIG = Configuration.createStandardWithoutFile();
    }

    final CoapServer server;
    final CoapEndpoint serverEndpoint;
    final String rsId;
    final SecurityAssociationDatabase rsSad;
    final SadSession rsObserver;
    final CoapEndpoint clientEndpoint;
    final String clientId;
    final SecurityAssociationDatabase clientSad;
    final SadSession clientSession;
    final SadSession clientObserver;
    final CoapClient coap;

    /** The RS validates for audience {@code audience} with the AS key {@code asKey} at {@code rsNow}. */
    Loopback(String audience, AsKey asKey, long rsNow, SecureRandom rsRandom, int rsNonceBytes, long spiMin,
             long spiMax) throws IOException {
        serverEndpoint = endpoint();
        server = new CoapServer(CONFIG);
        server.addEndpoint(serverEndpoint);
        server.start();
        rsId = Endpoints.coapUri(serverEndpoint.getAddress());
        Clock rsClock = clockAt(rsNow);
        rsSad = SecurityAssociationDatabase.builder(rsClock, new Random(1)).localIdentities(Set.of(rsId)).build();
        rsObserver = rsSad.openSession(b -> { });
        TicketValidator validator = new TicketValidator(audience == null ? rsId : audience, List.of(asKey), rsClock,
                new ReplayCache(100), 0);
        server.add(new AuthzInfoResource(new AuthzInfoHandler(validator, rsSad.openSession(b -> { }), rsId,
                rsRandom, rsClock, rsNonceBytes, spiMin, spiMax)));

        clientEndpoint = endpoint();
        clientEndpoint.start();
        clientId = Endpoints.coapUri(clientEndpoint.getAddress());
        clientSad = SecurityAssociationDatabase.builder(rsClock, new Random(2)).localIdentities(Set.of(clientId))
                .build();
        clientSession = clientSad.openSession(b -> { });
        clientObserver = clientSad.openSession(b -> { });
        coap = new CoapClient();
        coap.setEndpoint(clientEndpoint);
        coap.setTimeout(5_000L);
    }

    /** An RS for its own URI, AS_KEY, at T0 + 1, random nonces and SPIs. */
    Loopback() throws IOException {
        this(null, AS_KEY, T0 + 1, new SecureRandom(), AuthzInfoHandler.DEFAULT_NONCE_BYTES, 256, 0xffffffffL);
    }

    static CoapEndpoint endpoint() {
        return new CoapEndpoint.Builder().setConfiguration(CONFIG)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
    }

    static Clock clockAt(long seconds) {
        return Clock.fixed(Instant.ofEpochSecond(seconds), ZoneOffset.UTC);
    }

    /** A client KMP on the client's SAD with a fresh random source, at T0 + 1. */
    TicketClientKmp client() {
        return new TicketClientKmp(clientSession, new SecureRandom(), clockAt(T0 + 1));
    }

    /** Every SA of a SAD as DUMP lists it (no keys), or the one ENOENT reply when it is empty. */
    static List<PfKeyMessage> dump(SadSession s) {
        return new ArrayList<>(s.send(PfKeyRequests.dump(1, 0)));
    }

    /** A SecureRandom that hands out the given byte strings in order, each call exactly one of them. */
    static SecureRandom scripted(byte[]... outputs) {
        return new SecureRandom() {
            private static final long serialVersionUID = 1L;
            private int next;

            @Override
            public synchronized void nextBytes(byte[] bytes) {
                byte[] o = outputs[next++];
                if (o.length != bytes.length) {
                    throw new AssertionError("asked for " + bytes.length + " bytes, script has " + o.length);
                }
                System.arraycopy(o, 0, bytes, 0, o.length);
            }
        };
    }

    @Override
    public void close() {
        coap.shutdown();
        clientEndpoint.destroy();
        server.destroy();
        rsSad.close();
        clientSad.close();
    }
}
