package org.recsec.bench;

import java.util.Random;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.internal.crypto.RecordCiphers;

/** SA pairs with seeded random keys for the stack benchmarks (suite c0a8, profile dtls12). */
final class BenchSas {
    private BenchSas() {
    }

    /** Installs client-to-server SPI {@code spi} and server-to-client SPI {@code spi + 1}. */
    static void installPair(InMemorySaRegistry client, String clientId, InMemorySaRegistry server, String serverId,
                            Random random, long spi) {
        CipherSuite suite = CipherSuite.AES_128_CCM_8;
        for (int dir = 0; dir < 2; dir++) {
            byte[] key = new byte[suite.keySizeBytes()];
            byte[] iv = new byte[suite.ivSizeBytes()];
            random.nextBytes(key);
            random.nextBytes(iv);
            InMemorySaRegistry sender = dir == 0 ? client : server;
            InMemorySaRegistry receiver = dir == 0 ? server : client;
            String from = dir == 0 ? clientId : serverId;
            String to = dir == 0 ? serverId : clientId;
            sender.install(ManualSa.outbound(suite).spi(spi + dir).epoch(1).firstSequence(1)
                .route(LocalId.of(from), PeerId.of(to)).key(SecretBytes.copyOf(key)).iv(iv).build());
            receiver.install(ManualSa.inbound(suite).spi(spi + dir).epoch(1).replayWindow(ReplayWindow.MAX_SIZE)
                .route(LocalId.of(to), PeerId.of(from)).key(SecretBytes.copyOf(key)).iv(iv).build());
        }
    }
}
