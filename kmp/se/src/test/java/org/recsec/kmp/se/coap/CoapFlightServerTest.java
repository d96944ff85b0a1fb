package org.recsec.kmp.se.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeFixture;
import org.recsec.se.host.DtlsRecords;
import org.recsec.se.host.SocketAgent;

/**
 * {@link CoapFlightServer} without any CoAP stack: typed answers to bad requests, a repeated flight answered from
 * the cache, a bounded number of handshakes and their lifetime on an injected clock. The client is Bouncy Castle's
 * DTLS client whose flights go straight into {@link CoapFlightServer#handle}.
 */
@Timeout(60)
class CoapFlightServerTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LinkedBlockingQueue<PskDtlsServer.Established> done = new LinkedBlockingQueue<>();

    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    private CoapFlightServer server(int max) {
        return new CoapFlightServer(DtlsServerEngine.psk(SeFixture.IDENTITY, SeFixture.PSK, new SecureRandom()),
                new SecureRandom(), clock, max, 10_000, done::add);
    }

    /** Flights straight into {@link CoapFlightServer#handle}, as a CoAP stack would pass them. */
    static final class DirectAgent implements SocketAgent {
        final CoapFlightServer server;
        String id;
        final List<byte[]> requests = new ArrayList<>();
        final List<CoapFlightServer.Reply> replies = new ArrayList<>();
        private List<byte[]> pending;

        DirectAgent(CoapFlightServer server) {
            this.server = server;
        }

        @Override
        public void sendFlight(List<byte[]> records) throws IOException {
            byte[] payload = DtlsRecords.concat(records);
            CoapFlightServer.Reply r = server.handle(id, FlightCoap.CONTENT_FORMAT, payload, "192.0.2.1");
            requests.add(payload);
            replies.add(r);
            if (r.code() != FlightCoap.CREATED && r.code() != FlightCoap.CHANGED) {
                throw new CoapFlightException("answered " + FlightCoap.code(r.code()), r.code());
            }
            if (r.handshakeId() != null) {
                id = r.handshakeId();
            }
            pending = DtlsRecords.split(r.payload());
        }

        @Override
        public Optional<List<byte[]>> recvFlight(int timeoutMillis) {
            List<byte[]> p = pending;
            pending = null;
            return Optional.ofNullable(p);
        }

        @Override
        public void send(byte[] datagram) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void badRequestsGetTypedAnswersAndNoState() {
        try (CoapFlightServer s = server(4)) {
            byte[] record = {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 7};
            assertEquals(0x8F, s.handle(null, 0, record, "192.0.2.1").code(), "4.15: not a flight");
            assertEquals(0x8F, s.handle(null, -1, record, "192.0.2.1").code());
            assertEquals(0x80, s.handle(null, FlightCoap.CONTENT_FORMAT, new byte[0], "192.0.2.1").code());
            assertEquals(0x80, s.handle(null, FlightCoap.CONTENT_FORMAT, new byte[] {1, 2, 3}, "192.0.2.1").code());
            byte[] trailing = java.util.Arrays.copyOf(record, record.length + 3);
            assertEquals(0x80, s.handle(null, FlightCoap.CONTENT_FORMAT, trailing, "192.0.2.1").code(),
                    "bytes after the last whole record");
            assertEquals(0x80, s.handle(null, FlightCoap.CONTENT_FORMAT, record, "192.0.2.1").code(),
                    "not a ClientHello: no HelloVerifyRequest, no state");
            assertEquals(0x8D, s.handle(null, FlightCoap.CONTENT_FORMAT, new byte[CoapFlightServer.MAX_FLIGHT_BYTES
                    + 1], "192.0.2.1").code());
            assertEquals(0x84, s.handle("AAAAAAAAAAAAAAAA", FlightCoap.CONTENT_FORMAT, record, "192.0.2.1").code());
            assertEquals(0x84, s.handle("../etc", FlightCoap.CONTENT_FORMAT, record, "192.0.2.1").code());
            assertEquals(0x84, s.handle("x".repeat(33), FlightCoap.CONTENT_FORMAT, record, "192.0.2.1").code());
            assertEquals(0, s.handshakes());
        }
    }

    @Test
    void aHandshakeCompletesAndARepeatedFlightGetsTheSameAnswer() throws Exception {
        try (CoapFlightServer s = server(4)) {
            DirectAgent agent = new DirectAgent(s);
            BcFlightClient client = new BcFlightClient();
            client.handshake(agent, SeFixture.IDENTITY, SeFixture.PSK, 5000);
            PskDtlsServer.Established e = done.poll(10, TimeUnit.SECONDS);
            assertNotNull(e);
            assertArrayEquals(client.clientRandom, e.clientRandom());
            assertEquals(3, agent.requests.size());
            assertEquals(FlightCoap.CHANGED, agent.replies.get(0).code(), "HelloVerifyRequest");
            assertEquals(FlightCoap.CREATED, agent.replies.get(1).code());
            // The last flight again (its answer was lost): the same ChangeCipherSpec and Finished.
            CoapFlightServer.Reply again = s.handle(agent.id, FlightCoap.CONTENT_FORMAT, agent.requests.get(2),
                    "192.0.2.1");
            assertArrayEquals(agent.replies.get(2).payload(), again.payload());
            // The ClientHello with the cookie again: the same handshake, not a second one.
            CoapFlightServer.Reply hello = s.handle(null, FlightCoap.CONTENT_FORMAT, agent.requests.get(1),
                    "192.0.2.1");
            assertEquals(agent.id, hello.handshakeId());
            assertEquals(1, s.handshakes());
            assertEquals(1, s.completed());
        }
    }

    /**
     * Only the answer to the completing flight is marked, and its being sent counts once however often it goes out:
     * what {@code recsec se serve --count N} waits for before it stops (else the client misses its last answer).
     */
    @Test
    void theCompletingAnswerCountsAsAnsweredOnceWhenSent() throws Exception {
        try (CoapFlightServer s = server(4)) {
            assertFalse(s.awaitAnswered(1, 1), "nothing answered yet");
            DirectAgent agent = new DirectAgent(s);
            new BcFlightClient().handshake(agent, SeFixture.IDENTITY, SeFixture.PSK, 5000);
            assertNotNull(done.poll(10, TimeUnit.SECONDS));
            assertNull(agent.replies.get(0).completes(), "HelloVerifyRequest");
            assertNull(agent.replies.get(1).completes(), "the server's first flight");
            CoapFlightServer.Reply last = agent.replies.get(2);
            assertEquals(agent.id, last.completes());
            for (int i = 0; i < 2; i++) {
                s.answerSent(agent.replies.get(i));
            }
            assertFalse(s.awaitAnswered(1, 1), "only the completing answer counts");
            s.answerSent(last);
            assertTrue(s.awaitAnswered(1, 1));
            s.answerSent(s.handle(agent.id, FlightCoap.CONTENT_FORMAT, agent.requests.get(2), "192.0.2.1"));
            assertFalse(s.awaitAnswered(2, 1), "the cached answer sent again is the same handshake");
        }
    }

    @Test
    void handshakesAreBoundedAndForgottenAfterTheirLifetime() throws Exception {
        try (CoapFlightServer s = server(1)) {
            new BcFlightClient().handshake(new DirectAgent(s), SeFixture.IDENTITY, SeFixture.PSK, 5000);
            assertNotNull(done.poll(10, TimeUnit.SECONDS));
            DirectAgent second = new DirectAgent(s);
            CoapFlightException full = assertThrows(CoapFlightException.class, () -> new BcFlightClient()
                    .handshake(second, SeFixture.IDENTITY, SeFixture.PSK, 5000));
            assertEquals(0xA3, full.code(), "5.03 while the one handshake is kept");
            now.addAndGet(10_000);
            assertEquals(0, s.handshakes());
            new BcFlightClient().handshake(new DirectAgent(s), SeFixture.IDENTITY, SeFixture.PSK, 5000);
            assertNotNull(done.poll(10, TimeUnit.SECONDS));
        }
    }

    /**
     * A client with the wrong PSK: its Finished does not decrypt, the server discards the record (RFC 6347
     * §4.1.2.7) and answers with an empty flight; the client's own timer ends the handshake. No SA on either side.
     */
    @Test
    void aWrongPskEndsWithoutAnSa() throws Exception {
        try (CoapFlightServer s = server(4)) {
            DirectAgent agent = new DirectAgent(s);
            byte[] wrong = SeFixture.PSK.clone();
            wrong[0] ^= 1;
            BcFlightClient client = new BcFlightClient();
            client.handshakeTimeoutMillis = 3000;
            assertThrows(IOException.class, () -> client.handshake(agent, SeFixture.IDENTITY, wrong, 1000));
            assertEquals(0, agent.replies.get(agent.replies.size() - 1).payload().length, "nothing to answer");
            assertEquals(null, done.poll(200, TimeUnit.MILLISECONDS));
            assertEquals(0, s.completed());
        }
    }
}
