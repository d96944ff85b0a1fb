package org.recsec.californium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
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
import org.recsec.record.VerifiedRecord;
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
    private RecSecConfig config;

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
        config = cfg;
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
    void aVerifiedRecordLeavesAVerdictTakenOnceAndOnlyForItsOwnDatagram() throws Exception {
        setUp(0, 0);
        byte[] g = genuine(1);
        receive(g, 1000);
        receive(new byte[] {0x40, 0x01, 0, 1}, 1000);
        assertEquals(2, passed.size());
        assertTrue(passed.get(0).getBytes() == g, "the datagram goes up unchanged");
        UdpDataParser parser = new UdpDataParser();
        Message verified = parser.parseMessage(passed.get(0));
        Message plain = parser.parseMessage(passed.get(1));
        GuardVerdicts verdicts = config.verdicts();
        assertNull(verdicts.take(plain), "plain CoAP has no verdict");
        assertNull(verdicts.take(parser.parseMessage(g.clone())),
                "equal bytes in another array: not the datagram the guard verified");
        VerifiedRecord v = verdicts.take(verified);
        assertNotNull(v);
        assertEquals(9, v.spi());
        assertTrue(v.isOpened());
        assertNull(verdicts.take(verified), "taken at most once");
        byte[] forged = forged(genuine(2));
        receive(forged, 1001);
        assertEquals(2, passed.size());
        Message refused = parser.parseMessage(forged);
        assertNull(verdicts.take(refused), "a refused record leaves nothing");
    }

    @Test
    void thePreParseFindsTheSpiOfEveryRecordAndAgreesWithTheDecoder() throws Exception {
        setUp(0, 0);
        assertEquals(9, RecordPreParse.spi(genuine(1), 0, genuine(1).length));
        byte[] plain = {0x40, 0x01, 0, 1};
        assertEquals(RecordPreParse.NONE, RecordPreParse.spi(plain, 0, plain.length));
        byte[] payloadOnly = {0x40, 0x01, 0, 1, (byte) 0xff, 1};
        assertEquals(RecordPreParse.NONE, RecordPreParse.spi(payloadOnly, 0, payloadOnly.length));
        byte[] g = genuine(2);
        byte[] framed = new byte[g.length + 7];
        System.arraycopy(g, 0, framed, 3, g.length);
        assertEquals(9, RecordPreParse.spi(framed, 3, g.length), "offset and length of a receive buffer");
        Random r = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            byte[] m = genuine(3 + i % 50);
            int flips = 1 + r.nextInt(3);
            for (int k = 0; k < flips; k++) {
                m[r.nextInt(Math.min(m.length, 24))] ^= (byte) (1 << r.nextInt(8));
            }
            long spi = RecordPreParse.spi(m, 0, m.length); // never throws
            try {
                CoapMessage decoded = CoapCodec.decode(m, 0, m.length);
                java.util.OptionalLong viaDecoder = Messages.spiOf(decoded);
                if (spi >= 0) {
                    assertEquals(viaDecoder.getAsLong(), spi, "the same SPI as the decoder");
                } else if (spi == RecordPreParse.NONE && (m[0] & 0xc0) == 0x40) {
                    assertTrue(viaDecoder.isEmpty(), "no record the decoder sees is missed");
                }
            } catch (org.recsec.record.base.RecSecException e) {
                // not CoAP: whatever the pre-parse said, Californium's parser decides
            }
        }
    }

    @Test
    void anUnknownSpiIsDroppedAndTheUnreadDropsAreVisibleInTheRefusalCounters() throws Exception {
        setUp(0, 2);
        byte[] g = genuine(1);
        for (int i = 0; i < 6; i++) {
            byte[] unknown = genuine(2 + i);
            unknown[unknown.length - 1] ^= 1;
            receive(withSpi(unknown, 0x55), 3000);
        }
        assertEquals(3, guard.dropped(), "read and refused until the limit was passed");
        assertEquals(3, guard.penalized(), "then dropped unread");
        assertEquals(3, config.refusals().count(org.recsec.record.base.RecSecException.Reason.UNKNOWN_SA));
        assertEquals(3, config.refusals().droppedUnread(), "the operator sees the unread drops");
        assertTrue(config.refusals().toString().contains("dropped unread=3"), config.refusals().toString());
        receive(g, 3001);
        assertEquals(1, passed.size(), "a genuine peer on another port of the same host is served");
    }

    @Test
    void rightAfterTheSocketReadOnlyPenalizedSourcesAndUnknownSpisBeyondTheAnswerCapAreDropped() throws Exception {
        setUp(1, 2);
        java.net.InetAddress host = java.net.InetAddress.getByName("127.0.0.1");
        byte[] g = genuine(1);
        byte[] unknown = withSpi(genuine(2), 0x55);
        byte[] plain = {0x40, 0x01, 0, 1};
        assertFalse(guard.dropsEarly(host, 4000, g, 0, g.length));
        assertFalse(guard.dropsEarly(host, 4000, unknown, 0, unknown.length), "an answer may still be sent");
        receive(unknown, 4000);
        assertEquals(1, inner.sent.size(), "admit refused and answered it");
        assertTrue(guard.dropsEarly(host, 4000, unknown, 0, unknown.length), "the cap is spent: dropped unread");
        assertEquals(2, guard.dropped());
        assertEquals(2, config.refusals().count(org.recsec.record.base.RecSecException.Reason.UNKNOWN_SA));
        assertFalse(guard.dropsEarly(host, 4000, g, 0, g.length), "a genuine record goes on");
        byte[] forged = forged(genuine(3));
        assertFalse(guard.dropsEarly(host, 4000, forged, 0, forged.length), "a known SPI needs the AEAD: admit");
        assertFalse(guard.dropsEarly(host, 4000, plain, 0, plain.length));
        assertTrue(guard.dropsEarly(host, 4000, unknown, 0, unknown.length)); // third failure: past the limit
        assertEquals(0, guard.penalized());
        assertTrue(guard.dropsEarly(host, 4000, g, 0, g.length), "the penalized source's records, even genuine");
        assertEquals(1, guard.penalized());
        assertFalse(guard.dropsEarly(host, 4000, plain, 0, plain.length), "but not its plain CoAP");
        assertFalse(guard.dropsEarly(host, 4001, g, 0, g.length), "nor another port of the host");
        clock.advance(Duration.ofSeconds(2));
        assertFalse(guard.dropsEarly(host, 4000, g, 0, g.length), "the penalty and the cap end");
        assertFalse(guard.dropsEarly(host, 4000, unknown, 0, unknown.length));
    }

    /** {@code record} with its one-byte Record-Security value replaced (the test SPI 9 is encoded in one byte). */
    private static byte[] withSpi(byte[] record, int spi) {
        byte[] b = record.clone();
        int i = 4 + (b[0] & 0x0f);
        int number = 0;
        while (true) {
            int h = b[i] & 0xff;
            int delta = h >>> 4;
            int skip = 1;
            if (delta == 13) {
                delta = 13 + (b[i + 1] & 0xff);
                skip = 2;
            } else if (delta == 14) {
                delta = 269 + (((b[i + 1] & 0xff) << 8) | (b[i + 2] & 0xff));
                skip = 3;
            }
            int len = h & 0x0f; // short options in these test messages
            number += delta;
            if (number == OptionNumbers.RECORD_SECURITY) {
                assertEquals(1, len);
                b[i + skip] = (byte) spi;
                return b;
            }
            i += skip + len;
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
