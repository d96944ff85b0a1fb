package org.recsec.bench;

import java.util.Random;
import org.recsec.record.CipherSuite;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.SecretBytes;
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
            sender.install(ManualSa.outbound(spi + dir, suite, 1, 1, from, to,
                    RecordCiphers.dtls12(suite, SecretBytes.copyOf(key), iv)));
            receiver.install(ManualSa.inbound(spi + dir, suite, 1, ReplayWindow.MAX_SIZE, to, from,
                    RecordCiphers.dtls12(suite, SecretBytes.copyOf(key), iv)));
        }
    }
}
