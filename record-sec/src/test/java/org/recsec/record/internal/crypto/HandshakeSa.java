package org.recsec.record.internal.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.ManualSa;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

/**
 * The dtls12-cid SA pair of one end of a real DTLS 1.2 handshake that negotiated connection IDs (RFC 9146): the
 * key block is {@code PRF(master_secret, "key expansion", server_random ‖ client_random)} (RFC 5246 §6.3; an AEAD
 * suite has no MAC keys, RFC 6655 §3 / RFC 5288 §3 / RFC 7905), split into client_write_key, server_write_key,
 * client_write_IV, server_write_IV; the CID each end receives with is the SPI of the SA that end opens with.
 * Both SAs are in epoch 1; the Finished messages used sequence number 0 of it.
 */
final class HandshakeSa {
    static final LocalId US = LocalId.of("coap://recsec");
    static final PeerId STACK = PeerId.of("coap://dtls-stack");

    /** Our SAs, as the end whose traffic the stack's peer would otherwise carry. */
    record Pair(ManualSa.Outbound out, ManualSa.Inbound in) {
    }

    private HandshakeSa() {
    }

    /**
     * The key block of the handshake, computed with Bouncy Castle's TLS 1.2 PRF (SHA-256, the PRF of every suite
     * here) from the master secret and the randoms.
     */
    static byte[] keyBlock(CipherSuite suite, byte[] masterSecret, byte[] clientRandom, byte[] serverRandom) {
        TlsSecret ms = new BcTlsCrypto(new SecureRandom()).createSecret(masterSecret);
        return keyBlock(suite, ms, clientRandom, serverRandom);
    }

    /** The key block from a master secret a Bouncy Castle handshake holds (RFC 5246 §6.3). */
    static byte[] keyBlock(CipherSuite suite, TlsSecret masterSecret, byte[] clientRandom, byte[] serverRandom) {
        byte[] seed = Arrays.copyOf(serverRandom, serverRandom.length + clientRandom.length);
        System.arraycopy(clientRandom, 0, seed, serverRandom.length, clientRandom.length);
        int len = 2 * suite.keySizeBytes() + 2 * suite.ivSizeBytes();
        return masterSecret.deriveUsingPRF(PRFAlgorithm.tls_prf_sha256, "key expansion", seed, len).extract();
    }

    /**
     * Our SA pair standing in for one end of the handshake.
     *
     * @param client    true to stand in for the client (we seal with client_write_key), false for the server
     * @param ownCid    the CID this end receives with: the SPI of the inbound SA
     * @param peerCid   the CID the other end receives with: the SPI of the outbound SA
     * @param firstSeq  the outbound SA's first sequence number in epoch 1 (1 after the Finished message)
     */
    static Pair of(CipherSuite suite, byte[] keyBlock, boolean client, byte[] ownCid, byte[] peerCid,
                   long firstSeq) {
        int k = suite.keySizeBytes();
        int iv = suite.ivSizeBytes();
        byte[] clientKey = Arrays.copyOfRange(keyBlock, 0, k);
        byte[] serverKey = Arrays.copyOfRange(keyBlock, k, 2 * k);
        byte[] clientIv = Arrays.copyOfRange(keyBlock, 2 * k, 2 * k + iv);
        byte[] serverIv = Arrays.copyOfRange(keyBlock, 2 * k + iv, 2 * k + 2 * iv);
        ManualSa.Outbound out = ManualSa.outbound(suite).profile(RecordProfile.DTLS12_CID).spi(spiOf(peerCid))
                .epoch(1).route(US, STACK).key(SecretBytes.copyOf(client ? clientKey : serverKey))
                .iv(client ? clientIv : serverIv).firstSequence(firstSeq).build();
        ManualSa.Inbound in = ManualSa.inbound(suite).profile(RecordProfile.DTLS12_CID).spi(spiOf(ownCid))
                .epoch(1).route(US, STACK).key(SecretBytes.copyOf(client ? serverKey : clientKey))
                .iv(client ? serverIv : clientIv).build();
        return new Pair(out, in);
    }

    /** The SPI a 4-byte CID stands for (the inverse of {@link Dtls12CidRecordCipher#cidOf}). */
    static long spiOf(byte[] cid) {
        if (cid.length != 4) {
            throw new IllegalArgumentException("the dtls12-cid profile's CIDs are 4 bytes");
        }
        return Bytes.readUint32Be(cid, 0);
    }
}
