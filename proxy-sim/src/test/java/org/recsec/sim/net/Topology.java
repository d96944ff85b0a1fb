package org.recsec.sim.net;

import java.util.Random;
import org.recsec.record.CipherSuite;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.RecordProtector;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.SecretBytes;
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
        net = new SimNetwork(seed, profile);
        Random keys = new Random(seed ^ 0x5eed_5eedL);
        byte[] k1 = bytes(keys, suite.keySizeBytes());
        byte[] iv1 = bytes(keys, suite.ivSizeBytes());
        byte[] k2 = bytes(keys, suite.keySizeBytes());
        byte[] iv2 = bytes(keys, suite.ivSizeBytes());
        long serverSpi = 0x100 + keys.nextInt(1000);
        long clientSpi = 0x2000 + keys.nextInt(1000);
        int w = ReplayWindow.DEFAULT_SIZE;
        clientSas.install(ManualSa.outbound(serverSpi, suite, 1, 1, CLIENT_ID, SERVER_ID,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k1), iv1)));
        serverSas.install(ManualSa.inbound(serverSpi, suite, 1, w, SERVER_ID, CLIENT_ID,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k1), iv1)));
        serverSas.install(ManualSa.outbound(clientSpi, suite, 1, 1, SERVER_ID, CLIENT_ID,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k2), iv2)));
        clientSas.install(ManualSa.inbound(clientSpi, suite, 1, w, CLIENT_ID, SERVER_ID,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k2), iv2)));
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
