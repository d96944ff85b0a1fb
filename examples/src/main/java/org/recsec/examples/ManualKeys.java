package org.recsec.examples;

import java.security.SecureRandom;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.SecretBytes;

/**
 * Installs one SA pair (client to server, server to client) with fresh random keys in two registries, as a
 * key-management protocol would through PF_KEY ADD. Real deployments get their SAs from a KMP (setkey, a ticket,
 * the secure element); this is the manual-keys case.
 */
public final class ManualKeys {
    private ManualKeys() {
    }

    /** Installs the pair: the client's outbound and inbound SAs in {@code client}, the server's in {@code server}. */
    public static void installPair(InMemorySaRegistry client, String clientId, InMemorySaRegistry server,
                                   String serverId, SecureRandom random) {
        CipherSuite suite = CipherSuite.AES_128_CCM_8;
        long toServerSpi = 1 + random.nextInt(Integer.MAX_VALUE);
        long toClientSpi = 1 + random.nextInt(Integer.MAX_VALUE);
        byte[] k1 = bytes(random, suite.keySizeBytes());
        byte[] iv1 = bytes(random, suite.ivSizeBytes());
        byte[] k2 = bytes(random, suite.keySizeBytes());
        byte[] iv2 = bytes(random, suite.ivSizeBytes());
        client.install(ManualSa.outbound(suite).spi(toServerSpi).epoch(1).firstSequence(1)
                .route(LocalId.of(clientId), PeerId.of(serverId)).key(SecretBytes.copyOf(k1)).iv(iv1).build());
        server.install(ManualSa.inbound(suite).spi(toServerSpi).epoch(1)
                .route(LocalId.of(serverId), PeerId.of(clientId)).key(SecretBytes.copyOf(k1)).iv(iv1).build());
        server.install(ManualSa.outbound(suite).spi(toClientSpi).epoch(1).firstSequence(1)
                .route(LocalId.of(serverId), PeerId.of(clientId)).key(SecretBytes.copyOf(k2)).iv(iv2).build());
        client.install(ManualSa.inbound(suite).spi(toClientSpi).epoch(1)
                .route(LocalId.of(clientId), PeerId.of(serverId)).key(SecretBytes.copyOf(k2)).iv(iv2).build());
    }

    private static byte[] bytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
