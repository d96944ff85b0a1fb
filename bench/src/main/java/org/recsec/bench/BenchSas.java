package org.recsec.bench;

import java.util.Random;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.internal.crypto.RecordCiphers;

/**
 * SA pairs with seeded random keys for the stack benchmarks: suite c0a8 and profile dtls12, or suite 1305 and profile
 * compact (a traffic secret per direction, 16-bit sequence numbers).
 */
final class BenchSas {
    private BenchSas() {
    }

    /** Installs client-to-server SPI {@code spi} and server-to-client SPI {@code spi + 1}, profile dtls12. */
    static void installPair(InMemorySaRegistry client, String clientId, InMemorySaRegistry server, String serverId,
                            Random random, long spi) {
        installPair(client, clientId, server, serverId, random, spi, false);
    }

    /** As {@link #installPair(InMemorySaRegistry, String, InMemorySaRegistry, String, Random, long)}; compact SAs. */
    static void installPair(InMemorySaRegistry client, String clientId, InMemorySaRegistry server, String serverId,
                            Random random, long spi, boolean compact) {
        CipherSuite suite = CipherSuite.AES_128_CCM_8;
        for (int dir = 0; dir < 2; dir++) {
            byte[] key = new byte[compact ? 32 : suite.keySizeBytes()];
            byte[] iv = new byte[suite.ivSizeBytes()];
            random.nextBytes(key);
            random.nextBytes(iv);
            InMemorySaRegistry sender = dir == 0 ? client : server;
            InMemorySaRegistry receiver = dir == 0 ? server : client;
            String from = dir == 0 ? clientId : serverId;
            String to = dir == 0 ? serverId : clientId;
            sender.install(keyed(ManualSa.outbound(suite).spi(spi + dir).epoch(1).firstSequence(1)
                .route(LocalId.of(from), PeerId.of(to)), compact, key, iv).build());
            receiver.install(keyed(ManualSa.inbound(suite).spi(spi + dir).epoch(1).replayWindow(ReplayWindow.MAX_SIZE)
                .route(LocalId.of(to), PeerId.of(from)), compact, key, iv).build());
        }
    }

    private static <B extends ManualSa.Builder<B>> B keyed(B b, boolean compact, byte[] key, byte[] iv) {
        return compact ? b.profile(RecordProfile.COMPACT).secret(SecretBytes.copyOf(key))
                : b.key(SecretBytes.copyOf(key)).iv(iv);
    }
}
