package org.recsec.record;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.ReplayWindow;

import java.util.Random;

/**
 * A client and a server, each with its registry holding the two SAs of one pair: client→server (SPI chosen by the
 * server) and server→client (SPI chosen by the client). Keys from a seeded Random so runs replay.
 */
final class SaPair {
    /** The client's identity, as the client names itself. */
    static final LocalId CLIENT = LocalId.of("coap://127.0.0.1:40000");
    /** The server's identity, as the client names it. */
    static final PeerId SERVER = PeerId.of("coap://127.0.0.1:5683");

    final InMemorySaRegistry client = new InMemorySaRegistry();
    final InMemorySaRegistry server = new InMemorySaRegistry();
    final RecordProtector clientProtector = new RecordProtector(client);
    final RecordProtector serverProtector = new RecordProtector(server);
    final ManualSa.Outbound c2sOut;
    final ManualSa.Inbound c2sIn;
    final ManualSa.Outbound s2cOut;
    final ManualSa.Inbound s2cIn;

    SaPair(CipherSuite suite, long seed, int window) {
        Random rnd = new Random(seed);
        byte[] k1 = bytes(rnd, suite.keySizeBytes());
        byte[] iv1 = bytes(rnd, suite.ivSizeBytes());
        byte[] k2 = bytes(rnd, suite.keySizeBytes());
        byte[] iv2 = bytes(rnd, suite.ivSizeBytes());
        long serverSpi = 0x1000 + rnd.nextInt(1000);
        long clientSpi = 0x2000 + rnd.nextInt(1000);
        c2sOut = ManualSa.outbound(suite).spi(serverSpi).epoch(1).firstSequence(1).route(CLIENT, SERVER)
                .key(SecretBytes.copyOf(k1)).iv(iv1).build();
        c2sIn = ManualSa.inbound(suite).spi(serverSpi).epoch(1).replayWindow(window)
                .route(SERVER.asLocal(), CLIENT.asPeer()).key(SecretBytes.copyOf(k1)).iv(iv1).build();
        s2cOut = ManualSa.outbound(suite).spi(clientSpi).epoch(1).firstSequence(1)
                .route(SERVER.asLocal(), CLIENT.asPeer()).key(SecretBytes.copyOf(k2)).iv(iv2).build();
        s2cIn = ManualSa.inbound(suite).spi(clientSpi).epoch(1).replayWindow(window).route(CLIENT, SERVER)
                .key(SecretBytes.copyOf(k2)).iv(iv2).build();
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
