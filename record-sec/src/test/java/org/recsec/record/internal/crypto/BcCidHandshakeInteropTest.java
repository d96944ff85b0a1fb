package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.UDPTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.wire.Bytes;

/**
 * A dtls12-cid SA keyed by a real DTLS 1.2 handshake with Bouncy Castle (bctls 1.84): a PSK client and server on
 * loopback negotiate connection IDs with the connection_id extension (RFC 9146 §3), each choosing the CID it
 * receives with ({@code getNewConnectionID}); the client's handshake leaves its master secret and randoms, from
 * which {@link HandshakeSa} computes the key block (RFC 5246 §6.3) and builds our SA pair standing in for the
 * client: the inbound SA's SPI is the client's CID, the outbound SA's the server's.
 *
 * <p>Both directions over the real sockets: the server's DTLSTransport sends application data, and the datagram on
 * the client's socket (type 25, epoch 1, BC's sequence number, the client's CID) opens with our inbound SA; a
 * protected request's record sent from the client's socket is accepted by the server's DTLSTransport, which hands
 * out the inner plaintext, while a record with one flipped bit is dropped by it.
 */
class BcCidHandshakeInteropTest {
    private static final byte[] CLIENT_CID = {0x00, 0x00, (byte) 0xc1, 0x1e};
    private static final byte[] SERVER_CID = {0x00, 0x00, 0x5e, (byte) 0xe5};
    private static final byte[] IDENTITY = "cid-client".getBytes(StandardCharsets.US_ASCII);
    private static final int TIMEOUT_MILLIS = 30_000;

    /** What the client's handshake leaves: key block and the CIDs BC negotiated. */
    private record Negotiated(byte[] keyBlock, byte[] localCid, byte[] peerCid) {
    }

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void handshakeKeyedCidSaTalksWithBouncyCastle(CipherSuite suite) throws Exception {
        byte[] psk = new byte[16];
        new SecureRandom().nextBytes(psk);
        CompletableFuture<Negotiated> negotiated = new CompletableFuture<>();
        InetAddress lo = InetAddress.getLoopbackAddress();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (DatagramSocket cs = new DatagramSocket(0, lo); DatagramSocket ss = new DatagramSocket(0, lo)) {
            cs.connect(ss.getLocalSocketAddress());
            ss.connect(cs.getLocalSocketAddress());
            Future<DTLSTransport> accepted = pool.submit(() -> new DTLSServerProtocol()
                    .accept(server(suite, psk), new UDPTransport(ss, 1500)));
            new DTLSClientProtocol().connect(client(suite, psk, negotiated),
                    new UDPTransport(cs, 1500));
            DTLSTransport serverT = accepted.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            Negotiated n = negotiated.get();
            // BC names the CIDs by the records they go into (bctls SecurityParameters): the client's "local" CID is
            // the one its records carry, i.e. the server's choice; its "peer" CID is the client's own choice.
            assertArrayEquals(SERVER_CID, n.localCid(), "BC negotiated the server's CID for the client's records");
            assertArrayEquals(CLIENT_CID, n.peerCid(), "BC negotiated the client's CID for the server's records");
            HandshakeSa.Pair ours = HandshakeSa.of(suite, n.keyBlock(), true, CLIENT_CID, SERVER_CID, 1);

            // BC's server -> our inbound SA
            byte[] data = ("2.05 from BC over " + suite).getBytes(StandardCharsets.US_ASCII);
            serverT.send(data, 0, data.length);
            byte[] record = receiveCidRecord(cs);
            Dtls12CidRecordCipher in = (Dtls12CidRecordCipher) ours.in().cipher();
            Dtls12CidRecordCipher.Header h = in.readHeader(record, 0, record.length);
            assertEquals(1, h.epoch(), "application data in epoch 1");
            assertTrue(h.seq() >= 1, "after the server's Finished (sequence 0)");
            assertArrayEquals(CLIENT_CID, Arrays.copyOfRange(record, 11, 15));
            assertFalse(ours.in().shouldDiscard(h.seq()));
            assertArrayEquals(data, in.open(record, 0, record.length));
            ours.in().reportAuthenticated(h.seq(), data.length);
            assertTrue(ours.in().shouldDiscard(h.seq()), "the replay window moved");

            // our outbound SA -> BC's server
            InMemorySaRegistry reg = new InMemorySaRegistry();
            reg.install(ours.out());
            RecordProtector protector = new RecordProtector(reg);
            CoapMessage get = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 0x0707, new byte[] {5},
                    List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "temp")), new byte[0]);
            ProtectedRequest first = protector.protectRequest(get, HandshakeSa.US, HandshakeSa.STACK);
            byte[] ours1 = first.outer().payload();
            cs.send(new DatagramPacket(ours1, ours1.length));
            // inner plaintext: 000000VV(01) ‖ code GET ‖ Uri-Path "temp"
            assertArrayEquals(new byte[] {0x01, 0x01, (byte) 0xb4, 't', 'e', 'm', 'p'}, receive(serverT));

            CoapMessage post = new CoapMessage(CoapMessage.TYPE_CON, 0x02, 0x0708, new byte[] {6}, List.of(),
                    new byte[] {42});
            byte[] ours2 = protector.protectRequest(post, HandshakeSa.US, HandshakeSa.STACK).outer().payload();
            byte[] flipped = ours2.clone();
            flipped[flipped.length - 3] ^= 0x04;
            cs.send(new DatagramPacket(flipped, flipped.length));
            cs.send(new DatagramPacket(ours2, ours2.length));
            assertArrayEquals(new byte[] {0x01, 0x02, (byte) 0xff, 42}, receive(serverT),
                    "BC dropped the flipped record and delivered the genuine one");
            // Only the server's transport is closed: the client's would seal its close_notify under the client write
            // key with its own next sequence number (1), which our outbound SA already used. Our SA took over the
            // client's sending side; the client's DTLSTransport must not write again.
            serverT.close();
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] receive(DTLSTransport t) throws IOException {
        byte[] buf = new byte[t.getReceiveLimit()];
        int n = t.receive(buf, 0, buf.length, TIMEOUT_MILLIS);
        assertTrue(n >= 0, "BC delivered application data");
        return Arrays.copyOf(buf, n);
    }

    /** The next datagram on {@code s} that starts with a tls12_cid record (a late handshake retransmission is not). */
    private static byte[] receiveCidRecord(DatagramSocket s) throws IOException {
        s.setSoTimeout(TIMEOUT_MILLIS);
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            if (p.getLength() > 0 && (buf[0] & 0xff) == Dtls12CidRecordCipher.TLS12_CID) {
                return Arrays.copyOf(buf, p.getLength());
            }
        }
    }

    private static PSKTlsClient client(CipherSuite suite, byte[] psk, CompletableFuture<Negotiated> negotiated) {
        return new PSKTlsClient(new BcTlsCrypto(new SecureRandom()), IDENTITY, psk) {
            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {suite.code()};
            }

            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            @Override
            protected byte[] getNewConnectionID() {
                return CLIENT_CID.clone();
            }

            @Override
            public int getHandshakeTimeoutMillis() {
                return TIMEOUT_MILLIS;
            }

            @Override
            public void notifyHandshakeComplete() throws IOException {
                super.notifyHandshakeComplete();
                SecurityParameters sp = context.getSecurityParametersConnection();
                negotiated.complete(new Negotiated(HandshakeSa.keyBlock(suite, sp.getMasterSecret(),
                        sp.getClientRandom(), sp.getServerRandom()), sp.getConnectionIDLocal(),
                        sp.getConnectionIDPeer()));
            }
        };
    }

    private static PSKTlsServer server(CipherSuite suite, byte[] psk) {
        byte[] key = psk.clone();
        TlsPSKIdentityManager ids = new TlsPSKIdentityManager() {
            @Override
            public byte[] getHint() {
                return null;
            }

            @Override
            public byte[] getPSK(byte[] identity) {
                return Arrays.equals(identity, IDENTITY) ? key.clone() : null;
            }
        };
        return new PSKTlsServer(new BcTlsCrypto(new SecureRandom()), ids) {
            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {suite.code()};
            }

            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            @Override
            protected byte[] getNewConnectionID() {
                return SERVER_CID.clone();
            }

            @Override
            public int getHandshakeTimeoutMillis() {
                return TIMEOUT_MILLIS;
            }
        };
    }
}
