package org.recsec.examples;

import java.security.SecureRandom;
import org.recsec.record.CipherSuite;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.SecretBytes;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.internal.crypto.RecordCiphers;

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
        client.install(ManualSa.outbound(toServerSpi, suite, 1, 1, clientId, serverId,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k1), iv1)));
        server.install(ManualSa.inbound(toServerSpi, suite, 1, ReplayWindow.DEFAULT_SIZE, serverId, clientId,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k1), iv1)));
        server.install(ManualSa.outbound(toClientSpi, suite, 1, 1, serverId, clientId,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k2), iv2)));
        client.install(ManualSa.inbound(toClientSpi, suite, 1, ReplayWindow.DEFAULT_SIZE, clientId, serverId,
                RecordCiphers.dtls12(suite, SecretBytes.copyOf(k2), iv2)));
    }

    private static byte[] bytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
