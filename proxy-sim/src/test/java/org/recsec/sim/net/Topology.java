package org.recsec.sim.net;

import java.util.Random;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.RecordProtector;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.internal.crypto.RecordCiphers;

/**
 * Test fixture: one network, a client identity and a server identity holding the two SAs of a pair
 * (client→server, SPI chosen by the server; server→client, SPI chosen by the client), keys drawn from a Random
 * seeded from the run's seed so a run replays.
 */
final class Topology {
    static final String CLIENT_ID = "coap://client.example";
    static final String SERVER_ID = "coap://server.example";
    static final String CLIENT = "client";
    static final String PROXY = "proxy";
    static final String SERVER = "server";
    static final String SERVER_HOST = "server.example";

    final SimNetwork net;
    final InMemorySaRegistry clientSas = new InMemorySaRegistry();
    final InMemorySaRegistry serverSas = new InMemorySaRegistry();
    final RecordProtector clientProtector = new RecordProtector(clientSas);
    final RecordProtector serverProtector = new RecordProtector(serverSas);

    Topology(long seed, LinkProfile profile, CipherSuite suite) {
        this(seed, profile, suite, RecordProfile.DTLS12);
    }

    /**
     * With {@code recordProfile} DTLS12 or DTLS12_CID the SAs are keyed by key and IV; with COMPACT by one traffic
     * secret per direction (16-bit sequence numbers, epoch 3).
     */
    Topology(long seed, LinkProfile profile, CipherSuite suite, RecordProfile recordProfile) {
        net = new SimNetwork(seed, profile);
        Random keys = new Random(seed ^ 0x5eed_5eedL);
        if (recordProfile == RecordProfile.COMPACT) {
            byte[] s1 = bytes(keys, 32);
            byte[] s2 = bytes(keys, 32);
            long serverSpi = 0x100 + keys.nextInt(1000);
            long clientSpi = 0x2000 + keys.nextInt(1000);
            int w = ReplayWindow.DEFAULT_SIZE;
            clientSas.install(ManualSa.outbound(suite).profile(recordProfile).spi(serverSpi).epoch(3).firstSequence(1)
                    .route(LocalId.of(CLIENT_ID), PeerId.of(SERVER_ID)).secret(SecretBytes.copyOf(s1)).build());
            serverSas.install(ManualSa.inbound(suite).profile(recordProfile).spi(serverSpi).epoch(3).replayWindow(w)
                    .route(LocalId.of(SERVER_ID), PeerId.of(CLIENT_ID)).secret(SecretBytes.copyOf(s1)).build());
            serverSas.install(ManualSa.outbound(suite).profile(recordProfile).spi(clientSpi).epoch(3).firstSequence(1)
                    .route(LocalId.of(SERVER_ID), PeerId.of(CLIENT_ID)).secret(SecretBytes.copyOf(s2)).build());
            clientSas.install(ManualSa.inbound(suite).profile(recordProfile).spi(clientSpi).epoch(3).replayWindow(w)
                    .route(LocalId.of(CLIENT_ID), PeerId.of(SERVER_ID)).secret(SecretBytes.copyOf(s2)).build());
            return;
        }
        byte[] k1 = bytes(keys, suite.keySizeBytes());
        byte[] iv1 = bytes(keys, suite.ivSizeBytes());
        byte[] k2 = bytes(keys, suite.keySizeBytes());
        byte[] iv2 = bytes(keys, suite.ivSizeBytes());
        long serverSpi = 0x100 + keys.nextInt(1000);
        long clientSpi = 0x2000 + keys.nextInt(1000);
        int w = ReplayWindow.DEFAULT_SIZE;
        clientSas.install(ManualSa.outbound(suite).profile(recordProfile).spi(serverSpi).epoch(1).firstSequence(1)
                .route(LocalId.of(CLIENT_ID), PeerId.of(SERVER_ID)).key(SecretBytes.copyOf(k1)).iv(iv1).build());
        serverSas.install(ManualSa.inbound(suite).profile(recordProfile).spi(serverSpi).epoch(1).replayWindow(w)
                .route(LocalId.of(SERVER_ID), PeerId.of(CLIENT_ID)).key(SecretBytes.copyOf(k1)).iv(iv1).build());
        serverSas.install(ManualSa.outbound(suite).profile(recordProfile).spi(clientSpi).epoch(1).firstSequence(1)
                .route(LocalId.of(SERVER_ID), PeerId.of(CLIENT_ID)).key(SecretBytes.copyOf(k2)).iv(iv2).build());
        clientSas.install(ManualSa.inbound(suite).profile(recordProfile).spi(clientSpi).epoch(1).replayWindow(w)
                .route(LocalId.of(CLIENT_ID), PeerId.of(SERVER_ID)).key(SecretBytes.copyOf(k2)).iv(iv2).build());
    }

    Topology(long seed, LinkProfile profile) {
        this(seed, profile, CipherSuite.AES_128_CCM_8);
    }

    SimClient client() {
        return new SimClient(net, CLIENT, clientProtector, CLIENT_ID);
    }

    SimServer server(SimServer.Handler handler) {
        return new SimServer(net, SERVER, serverProtector, handler);
    }

    /** A forward proxy that routes server.example:5683 to the server. */
    ForwardingProxy proxy() {
        return new ForwardingProxy(net, PROXY).route(SERVER_HOST, 5683, SERVER);
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
