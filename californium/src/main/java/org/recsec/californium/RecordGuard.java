package org.recsec.californium;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.EndpointContextMatcher;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.RawDataChannel;
import org.eclipse.californium.elements.config.Configuration;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.VerifiedRecord;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;

/**
 * A connector wrapper that drops forged protected datagrams before Californium sees them. Californium's matcher
 * and deduplicator keep state for every Confirmable message they receive (about 2 KB for EXCHANGE_LIFETIME,
 * 247 s by default) before any layer of the stack runs; a flood of forged records would fill the heap long before
 * the record-sec layer refused them. The guard runs on the connector's receiver thread and parses only the outer
 * message: a datagram that carries a Record-Security option is passed on only when
 * {@link RecordProtector#verify} accepts it (known usable inbound SA, epoch, replay window, AEAD tag). Nothing is
 * moved: the layer above still accepts the record, with what the guard found out ({@code GuardVerdicts}, keyed by
 * the datagram's array: the opened record, so no second SA lookup, decode or AEAD open).
 *
 * <p>Passed on unchanged: datagrams that do not parse as CoAP (Californium answers or ignores them as RFC 7252
 * says), datagrams without Record-Security (the layer answers a plain request to a protected resource with 4.01),
 * and records refused only as REPLAY: a retransmitted Confirmable request carries the same record, and Californium's
 * deduplication must see it to answer with the stored response; a true replay is refused by the layer as before.
 *
 * <p>A dropped request gets a stateless error answer (RFC 7252 §4.2 piggybacked ACK for a CON, a NON for a NON;
 * 4.01 for an unknown or expired SA, 4.00 otherwise; no options, no payload: never larger than the request), at most
 * {@link RecSecConfig.Builder#guardRepliesPerSecond} per second, so a genuine client with a stale SA learns why and a
 * forged flood gains no reflector. Every drop is counted and reported as a {@link RecSecRefusal.Kind#DATAGRAM}.
 *
 * <p>Cheap before dear: the raw bytes are first walked only up to the Record-Security option ({@code RecordPreParse},
 * no allocation): a datagram without one goes up untouched, a record whose SPI names no usable inbound SA is dropped
 * before the message is decoded (with {@link #udp}, once the second's stateless answers are spent, even before
 * Californium processes the datagram), and only the rest is decoded and verified (the AEAD). Counters are
 * {@link LongAdder}s; the log gets at most one WARN per interval ({@link RecSecConfig.Builder#warnInterval}).
 *
 * <p>Penalty box ({@code SourcePenalties}): a source (IP address and port) whose records failed verification more
 * than {@link RecSecConfig.Builder#guardFailuresPerSourcePerSecond} times in one second has its protected datagrams
 * dropped unread for the rest of that second and the next one: no decoding, no crypto, no allocation, no exception,
 * no log line; counted in {@link #penalized()} and, for every guard of one config,
 * {@link RecSecRefusals#droppedUnread()}. Verifying a forged record costs an AEAD; a flood from one address would
 * otherwise keep the receiver thread so busy that genuine datagrams overflow the socket buffer. With
 * {@link #udp} (what {@link RecSec#endpointBuilder} uses) the drop happens right after the socket read, before
 * Californium copies the datagram. Keyed by address and port and counting only the source's own failures, so a
 * genuine client on the same host or behind the same NAT is not punished for a flooding neighbour; plain CoAP from
 * a penalized source still goes through. At most 4,096 sources are tracked in a fixed table
 * (bounded memory whatever the number of spoofed sources; an untracked source is verified, never dropped unread).
 * A sender that spoofs a genuine peer's exact address and port can get that peer's records dropped for two
 * seconds at a time, as it could by flooding that peer's path; UDP offers nothing better without a handshake.
 */
public final class RecordGuard implements Connector {
    /** Sources the penalty box tracks at most (a fixed table: bounded whatever the number of spoofed sources). */
    static final int TRACKED_SOURCES = 4096;

    private final Connector inner;
    private final RecSecConfig config;
    private final RecordProtector protector;
    private final SourcePenalties penalties;
    private final AtomicLong replySecond = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong repliesThisSecond = new AtomicLong();
    private final LongAdder dropped = new LongAdder();

    private RecordGuard(Connector inner, RecSecConfig config, SourcePenalties penalties) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.config = Objects.requireNonNull(config, "config");
        this.protector = config.protector();
        this.penalties = penalties;
    }

    private static SourcePenalties penalties(RecSecConfig config) {
        return new SourcePenalties(config.guardFailuresPerSourcePerSecond(), TRACKED_SOURCES, config.clock(),
                new SecureRandom().nextInt(), config.report().droppedUnread());
    }

    /** {@code inner} behind a guard that checks records with the SAs of {@code config}. */
    public static RecordGuard wrap(Connector inner, RecSecConfig config) {
        return new RecordGuard(inner, config, penalties(config));
    }

    /**
     * A UDP connector bound to {@code bind} behind a guard that checks records with the SAs of {@code config}. Unlike
     * {@link #wrap}, the connector drops a penalized source's records, and records under an unknown SPI once the
     * second's stateless answers are spent, right after reading them from the socket, before Californium processes
     * them at all (see the class comment): invalid records are discarded silently as RFC 6347 §4.1.2.7 does for
     * DTLS, before any RFC 7252 §4.5 deduplication state exists for them.
     */
    public static RecordGuard udp(InetSocketAddress bind, Configuration configuration, RecSecConfig config) {
        GuardedUdpConnector connector = new GuardedUdpConnector(bind, configuration);
        RecordGuard guard = new RecordGuard(connector, config, penalties(config));
        connector.guardedBy(guard);
        return guard;
    }

    /** Datagrams dropped after verification failed, so far. */
    public long dropped() {
        return dropped.sum();
    }

    /** Datagrams dropped unread because their source address was in the penalty box, so far. */
    public long penalized() {
        return penalties.dropped();
    }

    /** True when {@code source} is in the penalty box now (for tests and diagnostics). */
    boolean penalizes(InetSocketAddress source) {
        return penalties.penalized(source.getAddress(), source.getPort());
    }

    @Override
    public void setRawDataReceiver(RawDataChannel receiver) {
        Objects.requireNonNull(receiver, "receiver");
        inner.setRawDataReceiver(raw -> {
            if (admit(raw)) {
                receiver.receiveData(raw);
            }
        });
    }

    /**
     * The guarded connector's check right after the socket read, on the bytes of its receive buffer: true when the
     * datagram is to be dropped before Californium processes it at all, i.e. a record from a penalized source, or a
     * record whose SPI names no usable inbound SA while no stateless answer may be sent this second (during a flood
     * the cap is spent at once; otherwise {@link #admit} refuses and answers it). Allocates nothing for a penalized
     * source, and for an unknown SPI only the registry's exception and, if a listener is set or a WARN is due, the
     * refusal.
     */
    boolean dropsEarly(InetAddress address, int port, byte[] data, int offset, int length) {
        boolean penalized = penalties.penalized(address, port);
        if (!penalized && !repliesSpent()) {
            return false;
        }
        long spi = RecordPreParse.spi(data, offset, length);
        if (spi == RecordPreParse.NONE) {
            return false;
        }
        if (penalized) {
            penalties.countDrop();
            return true;
        }
        if (spi < 0 || namedByRequest(spi, data, offset)) {
            // a malformed Record-Security option (decoded and refused the usual way), or a compact response, which
            // names no SA to look up: admit checks it against its request
            return false;
        }
        try {
            config.registry().inbound(spi);
            return false;
        } catch (RecSecException e) {
            dropped.increment();
            penalties.failed(address, port);
            config.report().refused(RecSecRefusal.Kind.DATAGRAM, e.reason(), spi, address, port);
            return true;
        }
    }

    /**
     * True when {@code raw} may go up to Californium; for a record the guard verified and opened, the layer finds
     * the opened record in {@code RecSecConfig.verdicts()} (no second open).
     */
    boolean admit(RawData raw) {
        byte[] bytes = raw.getBytes();
        long spi = RecordPreParse.spi(bytes, 0, bytes.length);
        if (spi == RecordPreParse.NONE) {
            return true; // plain CoAP, or not CoAP we can read: Californium's own parser decides
        }
        InetSocketAddress source = raw.getInetSocketAddress();
        InetAddress address = source != null ? source.getAddress() : null;
        int port = source != null ? source.getPort() : 0;
        if (penalties.penalized(address, port)) {
            penalties.countDrop();
            return false;
        }
        ProtectedRequest answered = null;
        if (namedByRequest(spi, bytes, 0)) {
            // A compact-profile response names its SA by the request it answers: verified against that request.
            // One that answers no request of ours goes up: Californium's matcher drops it (no exchange, no state).
            answered = config.awaitedResponses().awaiting(tokenOf(bytes));
            if (answered == null) {
                return true;
            }
        } else if (spi >= 0) {
            try {
                config.registry().inbound(spi); // an unknown or expired SPI is refused before the message is decoded
            } catch (RecSecException e) {
                refuse(raw, null, e.reason(), OptionalLong.of(spi), address, port);
                return false;
            }
        }
        CoapMessage m;
        try {
            m = CoapCodec.decode(bytes, 0, bytes.length);
        } catch (RecSecException e) {
            return true; // not CoAP we can read: Californium's own parser decides (no record-sec state involved)
        }
        try {
            VerifiedRecord verified = answered != null ? protector.verifyRecord(m, answered)
                    : protector.verifyRecord(m);
            if (verified.isOpened()) {
                config.verdicts().put(bytes, verified);
            }
            return true;
        } catch (RecSecException e) {
            if (e.reason() == RecSecException.Reason.REPLAY) {
                return true; // maybe a retransmission: deduplication answers it, the layer refuses a real replay
            }
            refuse(raw, m, e.reason(), Messages.spiOf(m), address, port);
            return false;
        }
    }

    /**
     * True for a response with an empty Record-Security option (SPI 0, reserved: RFC 4303 §2.1), the compact
     * profile's way of naming the SA by the request (docs/profiles.md, "Response binding").
     */
    private static boolean namedByRequest(long spi, byte[] b, int off) {
        return spi == 0 && (b[off + 1] & 0xe0) != 0;
    }

    /** The token of a datagram {@link RecordPreParse} walked (so its header and token length are sound). */
    private static byte[] tokenOf(byte[] b) {
        return java.util.Arrays.copyOfRange(b, 4, 4 + (b[0] & 0x0f));
    }

    /** Counts, reports and (within the cap) answers a dropped record; {@code m} is decoded here when null. */
    private void refuse(RawData raw, CoapMessage m, RecSecException.Reason reason, OptionalLong spi,
                        InetAddress address, int port) {
        dropped.increment();
        penalties.failed(address, port);
        config.report().refused(RecSecRefusal.Kind.DATAGRAM, reason, spi, raw.getInetSocketAddress());
        byte[] b = raw.getBytes();
        int type = (b[0] >>> 4) & 0x03;
        int code = b[1] & 0xff;
        boolean request = code >= 0x01 && code <= 0x1f;
        if (request && (type == CoapMessage.TYPE_CON || type == CoapMessage.TYPE_NON) && mayReply()) {
            try {
                CoapMessage request0 = m != null ? m : CoapCodec.decode(b, 0, b.length);
                byte[] answer = CoapCodec.encode(RecordProtector.errorResponse(request0, reason));
                inner.send(RawData.outbound(answer, raw.getEndpointContext(), null, false));
            } catch (RecSecException e) {
                // not decodable: no answer (Californium would not have answered it either)
            }
        }
    }

    /** True when no stateless answer may be sent in this second any more (without taking one). */
    private boolean repliesSpent() {
        int cap = config.guardRepliesPerSecond();
        return cap == 0 || (replySecond.get() == Math.floorDiv(config.clock().millis(), 1000L)
                && repliesThisSecond.get() >= cap);
    }

    private boolean mayReply() {
        int cap = config.guardRepliesPerSecond();
        if (cap == 0) {
            return false;
        }
        long second = Math.floorDiv(config.clock().millis(), 1000L);
        long current = replySecond.get();
        if (current != second && replySecond.compareAndSet(current, second)) {
            repliesThisSecond.set(0);
        }
        return repliesThisSecond.incrementAndGet() <= cap;
    }

    // ------------------------------------------------------------------ delegation

    @Override
    public void start() throws IOException {
        inner.start();
    }

    @Override
    public void stop() {
        inner.stop();
    }

    @Override
    public void destroy() {
        inner.destroy();
    }

    @Override
    public void send(RawData msg) {
        inner.send(msg);
    }

    @Override
    public void setEndpointContextMatcher(EndpointContextMatcher matcher) {
        inner.setEndpointContextMatcher(matcher);
    }

    @Override
    public InetSocketAddress getAddress() {
        return inner.getAddress();
    }

    @Override
    public String getProtocol() {
        return inner.getProtocol();
    }

    @Override
    public boolean isRunning() {
        return inner.isRunning();
    }

    @Override
    public void processDatagram(DatagramPacket datagram) {
        inner.processDatagram(datagram);
    }

    @Override
    public String toString() {
        return "RecordGuard[" + inner + "]";
    }
}
