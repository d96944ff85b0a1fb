package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.util.DatagramReader;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.ConnectionIdGenerator;
import org.eclipse.californium.scandium.dtls.DTLSContext;
import org.eclipse.californium.scandium.dtls.DTLSSession;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.SessionAdapter;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.RecordProtector;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * A dtls12-cid SA keyed by a real DTLS 1.2 handshake between two Scandium connectors (Californium's DTLS, the
 * version of californium-core) on loopback, PSK, with connection IDs: each connector's {@link ConnectionIdGenerator}
 * hands out the one CID that end receives with. The keys: the client's session listener takes the randoms from its
 * handshaker and the master secret from its session (Scandium keeps it package-private, like a key log would hold it:
 * read here by reflection), and {@link HandshakeSa} computes the key block (RFC 5246 §6.3) and our SA pair standing in
 * for the client.
 *
 * <p>Both directions: the server connector's application data record, taken off its socket (the connector's
 * {@code sendNextDatagramOverNetwork}, overridden to divert it), opens with our inbound SA; a protected request's
 * record, sent to the server from another socket with the client's next epoch 1 sequence number, is found by its CID
 * and delivered by the server connector, while a record with one flipped bit is dropped. The three AES suites:
 * Scandium 3.13 has no ChaCha20-Poly1305 PSK suite.
 */
class ScandiumCidHandshakeInteropTest {
    private static final byte[] CLIENT_CID = {0x00, 0x00, 0x0c, 0x1d};
    private static final byte[] SERVER_CID = {0x00, 0x00, 0x5c, 0x1d};
    private static final String IDENTITY = "cid-client";
    private static final long TIMEOUT_MILLIS = 30_000;

    /** What the client's handshake leaves. */
    private record Negotiated(byte[] keyBlock, DTLSContext context) {
    }

    /** A connector whose outgoing datagrams can be diverted into a queue instead of the socket. */
    private static final class DivertingConnector extends DTLSConnector {
        final BlockingQueue<byte[]> diverted = new LinkedBlockingQueue<>();
        volatile boolean divert;

        DivertingConnector(DtlsConnectorConfig config) {
            super(config);
        }

        @Override
        protected void sendNextDatagramOverNetwork(DatagramPacket p) throws java.io.IOException {
            if (divert) {
                diverted.add(Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength()));
            } else {
                super.sendNextDatagramOverNetwork(p);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = CipherSuite.class, names = {"AES_128_CCM_8", "AES_128_CCM", "AES_128_GCM"})
    void handshakeKeyedCidSaTalksWithScandium(CipherSuite suite) throws Exception {
        DtlsConfig.register();
        Configuration cfg = Configuration.createStandardWithoutFile();
        byte[] psk = new byte[16];
        new SecureRandom().nextBytes(psk);
        org.eclipse.californium.scandium.dtls.cipher.CipherSuite scSuite =
                org.eclipse.californium.scandium.dtls.cipher.CipherSuite.getTypeByCode(suite.code());
        InetAddress lo = InetAddress.getLoopbackAddress();
        CompletableFuture<Negotiated> negotiated = new CompletableFuture<>();
        AdvancedMultiPskStore keys = new AdvancedMultiPskStore();
        keys.setKey(IDENTITY, psk);
        DivertingConnector server = new DivertingConnector(DtlsConnectorConfig.builder(cfg)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                .set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false)
                .set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(scSuite)).setAddress(new InetSocketAddress(lo, 0))
                .setAdvancedPskStore(keys).setConnectionIdGenerator(new FixedCid(SERVER_CID)).build());
        DTLSConnector client = new DTLSConnector(DtlsConnectorConfig.builder(cfg)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false)
                .set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(scSuite)).setAddress(new InetSocketAddress(lo, 0))
                .setAdvancedPskStore(new AdvancedSinglePskStore(IDENTITY, psk))
                .setConnectionIdGenerator(new FixedCid(CLIENT_CID))
                .setSessionListener(new SessionAdapter() {
                    @Override
                    public void contextEstablished(Handshaker handshaker, DTLSContext context) {
                        try {
                            negotiated.complete(new Negotiated(HandshakeSa.keyBlock(suite,
                                    masterSecret(context.getSession()), handshaker.getClientRandom().getBytes(),
                                    handshaker.getServerRandom().getBytes()), context));
                        } catch (ReflectiveOperationException | RuntimeException e) {
                            negotiated.completeExceptionally(e);
                        }
                    }
                }).build());
        BlockingQueue<byte[]> atServer = new LinkedBlockingQueue<>();
        server.setRawDataReceiver(raw -> atServer.add(raw.getBytes()));
        client.setRawDataReceiver(raw -> { });
        try (DatagramSocket injector = new DatagramSocket(0, lo)) {
            server.start();
            client.start();
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            client.send(RawData.outbound(hello, new AddressEndpointContext(server.getAddress()), null, false));
            assertArrayEquals(hello, atServer.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS), "handshake and hello");
            Negotiated n = negotiated.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            assertArrayEquals(CLIENT_CID, n.context().getReadConnectionId().getBytes(), "client reads its CID");
            assertArrayEquals(SERVER_CID, n.context().getWriteConnectionId().getBytes(), "client writes the server's");
            // our SA writes two records as the client: reserve both numbers, so the client never uses them itself
            long next = n.context().getNextSequenceNumber();
            assertEquals(next + 1, n.context().getNextSequenceNumber());
            HandshakeSa.Pair ours = HandshakeSa.of(suite, n.keyBlock(), true, CLIENT_CID, SERVER_CID, next);

            // Scandium's server -> our inbound SA
            server.divert = true;
            byte[] data = ("2.05 from Scandium over " + suite).getBytes(StandardCharsets.US_ASCII);
            server.send(RawData.outbound(data, new AddressEndpointContext(client.getAddress()), null, false));
            byte[] record = server.diverted.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            assertNotNull(record, "the server sent its record");
            Dtls12CidRecordCipher in = (Dtls12CidRecordCipher) ours.in().cipher();
            Dtls12CidRecordCipher.Header h = in.readHeader(record, 0, record.length);
            assertEquals(1, h.epoch(), "application data in epoch 1");
            assertTrue(h.seq() >= 1, "after the server's Finished (sequence 0)");
            assertFalse(ours.in().shouldDiscard(h.seq()));
            assertArrayEquals(data, in.open(record, 0, record.length));
            ours.in().reportAuthenticated(h.seq(), data.length);

            // our outbound SA -> Scandium's server, from a socket the connection never used: found by its CID
            InMemorySaRegistry reg = new InMemorySaRegistry();
            reg.install(ours.out());
            RecordProtector protector = new RecordProtector(reg);
            CoapMessage get = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 0x0909, new byte[] {3},
                    List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "temp")), new byte[0]);
            byte[] ours1 = protector.protectRequest(get, HandshakeSa.US, HandshakeSa.STACK).outer().payload();
            assertEquals(next, new DatagramReader(Arrays.copyOfRange(ours1, 5, 11)).readLong(48),
                    "our record continues the client's sequence numbers");
            CoapMessage post = new CoapMessage(CoapMessage.TYPE_CON, 0x02, 0x090a, new byte[] {4}, List.of(),
                    new byte[] {42});
            byte[] ours2 = protector.protectRequest(post, HandshakeSa.US, HandshakeSa.STACK).outer().payload();
            byte[] flipped = ours2.clone();
            flipped[flipped.length - 2] ^= 0x10;
            for (byte[] r : new byte[][] {ours1, flipped, ours2}) {
                injector.send(new DatagramPacket(r, r.length, server.getAddress()));
            }
            // inner plaintexts: 000000VV(01) ‖ code ‖ options ‖ [ff ‖ payload]
            assertArrayEquals(new byte[] {0x01, 0x01, (byte) 0xb4, 't', 'e', 'm', 'p'},
                    atServer.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
            assertArrayEquals(new byte[] {0x01, 0x02, (byte) 0xff, 42},
                    atServer.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS),
                    "Scandium dropped the flipped record and delivered the genuine one");
        } finally {
            client.destroy();
            server.destroy();
        }
    }

    /** The master secret Scandium's session holds (its getter is package-private). */
    private static byte[] masterSecret(DTLSSession session) throws ReflectiveOperationException {
        Method m = DTLSSession.class.getDeclaredMethod("getMasterSecret");
        m.setAccessible(true);
        return ((SecretKey) m.invoke(session)).getEncoded();
    }

    /** Hands out one fixed 4-byte CID, so the SPI it stands for is known. */
    private record FixedCid(byte[] cid) implements ConnectionIdGenerator {
        @Override
        public boolean useConnectionId() {
            return true;
        }

        @Override
        public ConnectionId createConnectionId() {
            return new ConnectionId(cid.clone());
        }

        @Override
        public ConnectionId read(DatagramReader reader) {
            return new ConnectionId(reader.readBytes(cid.length));
        }
    }
}
