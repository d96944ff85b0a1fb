package org.recsec.kmp.se.coap;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.se.host.DtlsRecords;

/**
 * The server side of the CoAP flight transport, independent of any CoAP stack: {@link #handle} takes what a
 * request to the handshake resource carried and returns the response's code, Location id and payload. The CoAP
 * messaging around it (deduplication, piggybacked ACK, Block1 reassembly, Block2) is the stack's:
 * {@link FlightResource} on Californium, or a simulator node.
 *
 * <ul>
 *   <li>A ClientHello to the resource itself goes through Bouncy Castle's stateless {@link DTLSVerifier} (RFC 6347
 *   §4.2.1), the cookie bound to the requester's IP address (through a proxy: the proxy's). Without a valid cookie
 *   the answer is the HelloVerifyRequest and no state is kept.</li>
 *   <li>With a valid cookie a handshake is created under a random 16-character id and its
 *   {@link DtlsServerEngine} started on an {@link ExchangeTransport}; the same ClientHello again (a retransmission,
 *   or a proxy replaying it) gets the same handshake and the same answer.</li>
 *   <li>A flight to {@code <resource>/<id>} goes to that handshake only; the same flight twice in a row gets the
 *   cached answer, so a lost response costs one exchange and never a second handshake step. An empty answer (2.04,
 *   no records) means the flight completed the handshake; a flight whose records Bouncy Castle discarded without
 *   completing it (RFC 6347 §4.1.2.7: e.g. a Finished damaged on the way) gets 5.03, not cached, so the client
 *   sends it again instead of taking an empty 2.04 for the server's consent.</li>
 *   <li>At most {@code maxHandshakes} are kept (5.03 beyond); a handshake is forgotten {@code lifetimeMillis}
 *   after it was created.</li>
 * </ul>
 *
 * <p>When a handshake completes, {@code onEstablished} gets its {@link PskDtlsServer.Established} (on the engine's
 * thread); a failed handshake's alert goes back to the client in the response, as it would over UDP. That is before
 * the answer to the completing flight has left: a server that stops after a number of handshakes first waits in
 * {@link #awaitAnswered} until the CoAP stack reported that answer sent ({@link #answerSent}), or the client is left
 * without its last answer (the server's Finished, or the empty 2.04 of an abbreviated handshake).
 */
public final class CoapFlightServer implements AutoCloseable {
    /** How long one exchange waits for the server's flight. */
    static final long FLIGHT_WAIT_MILLIS = 10_000;
    /** How long a handshake is kept by default: past a client's EXCHANGE_LIFETIME (247 s, RFC 7252 §4.8.2). */
    public static final long DEFAULT_LIFETIME_MILLIS = 300_000;
    /** The largest flight accepted in one request (after Block1 reassembly). */
    public static final int MAX_FLIGHT_BYTES = 16_384;

    /**
     * The answer to one request.
     *
     * @param code        the CoAP response code
     * @param handshakeId the new handshake's id for the Location-Path (2.01 only), else null
     * @param payload     the server's flight (possibly empty)
     * @param completes   the handshake's id when this answers the flight that completed the handshake (the CoAP
     *                    stack reports it sent with {@link #answerSent}), else null
     */
    public record Reply(int code, String handshakeId, byte[] payload, String completes) {
        @Override
        public String toString() {
            return "Reply[" + FlightCoap.code(code) + (handshakeId != null ? " id " + handshakeId : "") + ", "
                    + payload.length + " bytes]";
        }
    }

    private final DtlsServerEngine engine;
    private final SecureRandom random;
    private final Clock clock;
    private final Consumer<PskDtlsServer.Established> onEstablished;
    private final DTLSVerifier verifier;
    private final int maxHandshakes;
    private final long lifetimeMillis;
    private final Map<String, Handshake> byId = new HashMap<>();
    private final Map<String, Handshake> byClientHello = new HashMap<>();
    private long completed;
    private long failed;
    private long answered;
    private boolean closed;

    /**
     * @param engine         the handshake mode
     * @param random         handshake ids and the cookie secret
     * @param clock          handshake lifetimes
     * @param maxHandshakes  handshakes kept at once
     * @param lifetimeMillis how long a handshake is kept after its creation
     * @param onEstablished  called with each completed handshake
     */
    public CoapFlightServer(DtlsServerEngine engine, SecureRandom random, Clock clock, int maxHandshakes,
                            long lifetimeMillis, Consumer<PskDtlsServer.Established> onEstablished) {
        this.engine = Objects.requireNonNull(engine);
        this.random = Objects.requireNonNull(random);
        this.clock = Objects.requireNonNull(clock);
        this.onEstablished = Objects.requireNonNull(onEstablished);
        if (maxHandshakes < 1 || lifetimeMillis < 1) {
            throw new IllegalArgumentException("maxHandshakes and lifetimeMillis must be positive");
        }
        this.maxHandshakes = maxHandshakes;
        this.lifetimeMillis = lifetimeMillis;
        this.verifier = new DTLSVerifier(new BcTlsCrypto(random));
    }

    /** A server keeping 64 handshakes for {@link #DEFAULT_LIFETIME_MILLIS} each. */
    public CoapFlightServer(DtlsServerEngine engine, SecureRandom random,
                            Consumer<PskDtlsServer.Established> onEstablished) {
        this(engine, random, Clock.systemUTC(), 64, DEFAULT_LIFETIME_MILLIS, onEstablished);
    }

    /**
     * Handles one request to the resource.
     *
     * @param handshakeId   the Uri-Path segment after the resource, or null for the resource itself
     * @param contentFormat the request's Content-Format, or -1 when absent
     * @param payload       the flight (the whole body, after Block1 reassembly)
     * @param requester     the requester's IP address as the server sees it (cookie binding)
     */
    public Reply handle(String handshakeId, int contentFormat, byte[] payload, String requester) {
        if (contentFormat != FlightCoap.CONTENT_FORMAT) {
            return error(FlightCoap.UNSUPPORTED_CONTENT_FORMAT);
        }
        if (payload.length > MAX_FLIGHT_BYTES) {
            return error(FlightCoap.REQUEST_ENTITY_TOO_LARGE);
        }
        List<byte[]> records = DtlsRecords.split(payload);
        if (records.isEmpty() || DtlsRecords.concat(records).length != payload.length) {
            return error(FlightCoap.BAD_REQUEST);
        }
        try {
            return handshakeId == null ? start(payload, Objects.requireNonNull(requester))
                    : step(handshakeId, payload, records);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(FlightCoap.SERVICE_UNAVAILABLE);
        }
    }

    private Reply start(byte[] payload, String requester) throws InterruptedException {
        List<byte[]> hvr = new ArrayList<>();
        DTLSRequest request = verifier.verifyRequest(requester.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                payload, 0, payload.length, new DatagramSender() {
                    @Override
                    public int getSendLimit() {
                        return ExchangeTransport.MTU;
                    }

                    @Override
                    public void send(byte[] buf, int off, int len) {
                        hvr.add(Arrays.copyOfRange(buf, off, off + len));
                    }
                });
        if (request == null) {
            return hvr.isEmpty() ? error(FlightCoap.BAD_REQUEST)
                    : new Reply(FlightCoap.CHANGED, null, DtlsRecords.concat(hvr), null);
        }
        String digest = digest(payload);
        Handshake h;
        synchronized (this) {
            expire();
            if (closed) {
                return error(FlightCoap.SERVICE_UNAVAILABLE);
            }
            h = byClientHello.get(digest);
            if (h == null) {
                if (byId.size() >= maxHandshakes) {
                    return error(FlightCoap.SERVICE_UNAVAILABLE);
                }
                String id;
                do {
                    byte[] b = new byte[12];
                    random.nextBytes(b);
                    id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
                } while (byId.containsKey(id));
                h = new Handshake(id, digest, clock.millis());
                byId.put(id, h);
                byClientHello.put(digest, h);
                Handshake started = h;
                h.transport.beginFirstFlight();
                Thread t = new Thread(() -> run(started, request), "coap-flight-hs-" + id);
                t.setDaemon(true);
                t.start();
            }
        }
        return h.answer(payload, List.of(), FlightCoap.CREATED);
    }

    private Reply step(String id, byte[] payload, List<byte[]> records) throws InterruptedException {
        Handshake h;
        synchronized (this) {
            expire();
            h = FlightCoap.isValidId(id) ? byId.get(id) : null;
        }
        if (h == null) {
            return error(FlightCoap.NOT_FOUND);
        }
        return h.answer(payload, records, FlightCoap.CHANGED);
    }

    private void run(Handshake h, DTLSRequest request) {
        try {
            PskDtlsServer.Established e = engine.accept(h.transport, request);
            synchronized (this) {
                completed++;
            }
            h.succeeded = true;
            h.transport.finished();
            onEstablished.accept(e);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                failed++;
            }
            h.transport.finished();
        }
    }

    private void expire() {
        long now = clock.millis();
        for (Iterator<Handshake> it = byId.values().iterator(); it.hasNext(); ) {
            Handshake h = it.next();
            if (now - h.createdMillis >= lifetimeMillis || now < h.createdMillis) {
                it.remove();
                byClientHello.remove(h.clientHelloDigest);
                h.transport.close();
            }
        }
    }

    /** Handshakes kept now. */
    public synchronized int handshakes() {
        expire();
        return byId.size();
    }

    /** Handshakes that completed so far. */
    public synchronized long completed() {
        return completed;
    }

    /** Handshakes that failed so far (alert, timeout, closed). */
    public synchronized long failed() {
        return failed;
    }

    /**
     * The CoAP stack sent {@code reply}: when it answered a completing flight, that handshake counts as answered
     * (once, however often a cached answer is sent again).
     */
    public void answerSent(Reply reply) {
        String id = reply.completes();
        if (id == null) {
            return;
        }
        Handshake h;
        synchronized (this) {
            h = byId.get(id);
        }
        if (h != null && h.markAnswered()) {
            synchronized (this) {
                answered++;
                notifyAll();
            }
        }
    }

    /**
     * Waits until at least {@code handshakes} completed handshakes had their completing answer sent.
     *
     * @return false when {@code timeoutMillis} passed first
     */
    public synchronized boolean awaitAnswered(long handshakes, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (answered < handshakes) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** Ends every handshake. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Handshake h : byId.values()) {
            h.transport.close();
        }
        byId.clear();
        byClientHello.clear();
    }

    private static Reply error(int code) {
        return new Reply(code, null, new byte[0], null);
    }

    private static String digest(byte[] b) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JCA algorithm", e);
        }
    }

    /** One handshake: its transport and the last request and answer (for repeated flights). */
    private static final class Handshake {
        final String id;
        final String clientHelloDigest;
        final long createdMillis;
        final ExchangeTransport transport = new ExchangeTransport();
        private byte[] lastRequest;
        private Reply lastReply;
        /** Set before the transport is finished when the engine completed the handshake. */
        private volatile boolean succeeded;
        private boolean answered;

        Handshake(String id, String clientHelloDigest, long createdMillis) {
            this.id = id;
            this.clientHelloDigest = clientHelloDigest;
            this.createdMillis = createdMillis;
        }

        /** One exchange at a time per handshake; the same flight as last time gets the same answer. */
        synchronized Reply answer(byte[] payload, List<byte[]> records, int code) throws InterruptedException {
            if (lastRequest != null && Arrays.equals(lastRequest, payload)) {
                return lastReply;
            }
            List<byte[]> sent = transport.exchange(datagrams(records), FLIGHT_WAIT_MILLIS);
            if (sent == null) {
                return error(FlightCoap.SERVICE_UNAVAILABLE);
            }
            if (sent.isEmpty() && !succeeded) {
                // The flight did not move the handshake (Bouncy Castle discarded its records, e.g. a damaged
                // Finished, RFC 6347 §4.1.2.7): no empty 2.04, which would tell the client its last flight was
                // taken. 5.03, not cached: the client sends the flight again.
                return error(FlightCoap.SERVICE_UNAVAILABLE);
            }
            Reply r = new Reply(code, code == FlightCoap.CREATED ? id : null, DtlsRecords.concat(sent),
                    succeeded ? id : null);
            lastRequest = payload.clone();
            lastReply = r;
            return r;
        }

        /** True the first time only. */
        synchronized boolean markAnswered() {
            boolean first = !answered;
            answered = true;
            return first;
        }

        /** The records packed into datagrams as a UDP socket agent would send them. */
        private static List<byte[]> datagrams(List<byte[]> records) {
            List<byte[]> out = new ArrayList<>();
            List<byte[]> pack = new ArrayList<>();
            int size = 0;
            for (byte[] r : records) {
                if (!pack.isEmpty() && size + r.length > ExchangeTransport.MTU) {
                    out.add(DtlsRecords.concat(pack));
                    pack.clear();
                    size = 0;
                }
                pack.add(r);
                size += r.length;
            }
            if (!pack.isEmpty()) {
                out.add(DtlsRecords.concat(pack));
            }
            return out;
        }
    }
}
