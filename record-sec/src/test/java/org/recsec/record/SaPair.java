package org.recsec.record;

import org.recsec.record.internal.ReplayWindow;

import java.util.Random;
import org.recsec.record.internal.crypto.RecordCiphers;

/**
 * A client and a server, each with its registry holding the two SAs of one pair: client→server (SPI chosen by the
 * server) and server→client (SPI chosen by the client). Keys from a seeded Random so runs replay.
 */
final class SaPair {
    static final String CLIENT = "coap://127.0.0.1:40000";
    static final String SERVER = "coap://127.0.0.1:5683";

    final InMemorySaRegistry client = new InMemorySaRegistry();
    final InMemorySaRegistry server = new InMemorySaRegistry();
    final RecordProtector clientProtector = new RecordProtector(client);
    final RecordProtector serverProtector = new RecordProtector(server);
    final ManualSa c2sOut;
    final ManualSa c2sIn;
    final ManualSa s2cOut;
    final ManualSa s2cIn;

    SaPair(CipherSuite suite, long seed, int window) {
        Random rnd = new Random(seed);
        byte[] k1 = bytes(rnd, suite.keySizeBytes());
        byte[] iv1 = bytes(rnd, suite.ivSizeBytes());
        byte[] k2 = bytes(rnd, suite.keySizeBytes());
        byte[] iv2 = bytes(rnd, suite.ivSizeBytes());
        long serverSpi = 0x1000 + rnd.nextInt(1000);
        long clientSpi = 0x2000 + rnd.nextInt(1000);
        c2sOut = ManualSa.outbound(serverSpi, suite, 1, 1, CLIENT, SERVER,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k1), iv1));
        c2sIn = ManualSa.inbound(serverSpi, suite, 1, window, SERVER, CLIENT,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k1), iv1));
        s2cOut = ManualSa.outbound(clientSpi, suite, 1, 1, SERVER, CLIENT,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k2), iv2));
        s2cIn = ManualSa.inbound(clientSpi, suite, 1, window, CLIENT, SERVER,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k2), iv2));
        client.install(c2sOut);
        client.install(s2cIn);
        server.install(c2sIn);
        server.install(s2cOut);
    }

    SaPair(CipherSuite suite, long seed) {
        this(suite, seed, ReplayWindow.DEFAULT_SIZE);
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
