package org.recsec.californium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.EndpointContextMatcher;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.RawDataChannel;
import org.junit.jupiter.api.Test;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.internal.crypto.RecordCiphers;

/** {@link RecordGuard} without sockets: a connector stub, an injected clock. */
class RecordGuardTest {
    private final RecSecCaliforniumTest.MutableClock clock = new RecSecCaliforniumTest.MutableClock();
    private final InMemorySaRegistry server = new InMemorySaRegistry();
    private final InMemorySaRegistry client = new InMemorySaRegistry();
    private final StubConnector inner = new StubConnector();
    private final List<RawData> passed = new ArrayList<>();
    private RecordGuard guard;

    private void setUp(int repliesPerSecond, int failuresPerSource) {
        CipherSuite suite = CipherSuite.AES_128_GCM;
        byte[] k = new byte[16];
        byte[] iv = new byte[4];
        new Random(1).nextBytes(k);
        client.install(ManualSa.outbound(suite).spi(9).epoch(1).firstSequence(1).route(LocalId.of("c"), PeerId.of("s"))
                .key(SecretBytes.copyOf(k)).iv(iv).build());
        server.install(ManualSa.inbound(suite).spi(9).epoch(1).replayWindow(ReplayWindow.DEFAULT_SIZE).route(LocalId.of("s"), PeerId.of("c"))
                .key(SecretBytes.copyOf(k)).iv(iv).build());
        RecSecConfig cfg = RecSecConfig.builder(server, LocalId.of("s")).clock(clock).warnInterval(Duration.ofHours(1))
                .guardRepliesPerSecond(repliesPerSecond).guardFailuresPerSourcePerSecond(failuresPerSource).build();
        guard = RecordGuard.wrap(inner, cfg);
        guard.setRawDataReceiver(passed::add);
    }

    private byte[] genuine(int mid) throws Exception {
        CoapMessage get = new CoapMessage(CoapMessage.TYPE_CON, 0x01, mid, new byte[] {1, 2},
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "x")), new byte[0]);
        ProtectedRequest pr = new RecordProtector(client).protectRequest(get, LocalId.of("c"), PeerId.of("s"));
        return CoapCodec.encode(pr.outer());
    }

    private static byte[] forged(byte[] genuine) {
        byte[] f = genuine.clone();
        f[f.length - 1] ^= 1;
        return f;
    }

    private void receive(byte[] d, int port) {
        inner.receiver.receiveData(RawData.inbound(d, new AddressEndpointContext(
                new InetSocketAddress("127.0.0.1", port)), false, 0, new InetSocketAddress(5683)));
    }

    @Test
    void genuineRecordsPlainMessagesAndGarbagePassForgedOnesAreDroppedAndAnsweredWithinTheCap() throws Exception {
        setUp(2, 0);
        receive(genuine(1), 1000);
        receive(new byte[] {0x40, 0x01, 0, 1}, 1000); // plain CON GET
        receive(new byte[] {1, 2, 3}, 1000); // not CoAP: Californium decides
        assertEquals(3, passed.size());
        for (int i = 0; i < 5; i++) {
            receive(forged(genuine(10 + i)), 1000);
        }
        assertEquals(3, passed.size());
        assertEquals(5, guard.dropped());
        assertEquals(2, inner.sent.size(), "at most 2 stateless answers per second");
        CoapMessage answer = CoapCodec.decode(inner.sent.get(0).bytes, 0, inner.sent.get(0).bytes.length);
        assertEquals(0x80, answer.code());
        assertEquals(CoapMessage.TYPE_ACK, answer.type());
        clock.advance(Duration.ofSeconds(1));
        receive(forged(genuine(20)), 1000);
        assertEquals(3, inner.sent.size());
    }

    @Test
    void aSourceThatKeepsFailingIsIgnoredForAWhileOthersAreNot() throws Exception {
        setUp(0, 3);
        for (int i = 0; i < 10; i++) {
            receive(forged(genuine(i)), 2000);
        }
        assertEquals(4, guard.dropped(), "verified until the limit was passed");
        assertEquals(6, guard.penalized(), "then dropped unread");
        receive(genuine(50), 2000);
        assertTrue(passed.isEmpty(), "the penalized source's records wait");
        receive(new byte[] {0x40, 0x01, 0, 2}, 2000);
        assertEquals(1, passed.size(), "its plain messages do not");
        receive(genuine(51), 2001);
        assertEquals(2, passed.size(), "another port of the same host is not penalized");
        clock.advance(Duration.ofSeconds(2));
        receive(genuine(52), 2000);
        assertEquals(3, passed.size(), "the penalty ends");
    }

    @Test
    void carriesRecordReadsOptionHeadersOnly() throws Exception {
        setUp(0, 0);
        assertTrue(RecordGuard.carriesRecord(genuine(1)));
        assertFalse(RecordGuard.carriesRecord(new byte[] {0x40, 0x01, 0, 1}));
        assertFalse(RecordGuard.carriesRecord(new byte[] {0x40, 0x01, 0, 1, (byte) 0xff, 1}));
        Random r = new Random(5);
        for (int i = 0; i < 10_000; i++) {
            byte[] junk = new byte[r.nextInt(40)];
            r.nextBytes(junk);
            RecordGuard.carriesRecord(junk); // never throws
        }
    }

    /** Records what the guard sends and hands it the receiver. */
    private static final class StubConnector implements Connector {
        RawDataChannel receiver;
        final List<RawData> sent = new ArrayList<>();

        @Override
        public void start() throws IOException {
        }

        @Override
        public void stop() {
        }

        @Override
        public void destroy() {
        }

        @Override
        public void send(RawData msg) {
            sent.add(msg);
        }

        @Override
        public void setRawDataReceiver(RawDataChannel r) {
            receiver = r;
        }

        @Override
        public void setEndpointContextMatcher(EndpointContextMatcher matcher) {
        }

        @Override
        public InetSocketAddress getAddress() {
            return new InetSocketAddress(0);
        }

        @Override
        public String getProtocol() {
            return "UDP";
        }

        @Override
        public boolean isRunning() {
            return true;
        }

        @Override
        public void processDatagram(DatagramPacket datagram) {
        }
    }
}
