package org.recsec.californium;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.EndpointContextMatcher;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.RawDataChannel;
import org.recsec.record.RecSecException;
import org.recsec.record.RecordProtector;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;

/**
 * A connector wrapper that drops forged protected datagrams before Californium sees them. Californium's matcher
 * and deduplicator keep state for every Confirmable message they receive (about 2 KB for EXCHANGE_LIFETIME,
 * 247 s by default) before any layer of the stack runs; a flood of forged records would fill the heap long before
 * the record-sec layer refused them. The guard runs on the connector's receiver thread and parses only the outer
 * message: a datagram that carries a Record-Security option is passed on only when
 * {@link RecordProtector#verify} accepts it (known usable inbound SA, epoch, replay window, AEAD tag). Nothing is
 * moved: the layer above still unprotects and accepts the record.
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
 */
public final class RecordGuard implements Connector {
    private final Connector inner;
    private final RecSecConfig config;
    private final RecordProtector protector;
    private final AtomicLong replySecond = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong repliesThisSecond = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    private RecordGuard(Connector inner, RecSecConfig config) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.config = Objects.requireNonNull(config, "config");
        this.protector = config.protector();
    }

    /** {@code inner} behind a guard that checks records with the SAs of {@code config}. */
    public static RecordGuard wrap(Connector inner, RecSecConfig config) {
        return new RecordGuard(inner, config);
    }

    /** Datagrams dropped so far. */
    public long dropped() {
        return dropped.get();
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

    /** True when {@code raw} may go up to Californium. */
    boolean admit(RawData raw) {
        byte[] bytes = raw.getBytes();
        CoapMessage m;
        try {
            m = CoapCodec.decode(bytes, 0, bytes.length);
        } catch (RecSecException e) {
            return true; // not CoAP we can read: Californium's own parser decides (no record-sec state involved)
        }
        if (!Messages.hasRecordSecurity(m)) {
            return true;
        }
        try {
            protector.verify(m);
            return true;
        } catch (RecSecException e) {
            if (e.reason() == RecSecException.Reason.REPLAY) {
                return true; // maybe a retransmission: deduplication answers it, the layer refuses a real replay
            }
            dropped.incrementAndGet();
            config.report().refused(RecSecRefusal.Kind.DATAGRAM, e.reason(), Messages.spiOf(m),
                    raw.getInetSocketAddress());
            if (m.isRequest() && (m.type() == CoapMessage.TYPE_CON || m.type() == CoapMessage.TYPE_NON)
                    && mayReply()) {
                byte[] answer = CoapCodec.encode(RecordProtector.errorResponse(m, e.reason()));
                inner.send(RawData.outbound(answer, raw.getEndpointContext(), null, false));
            }
            return false;
        }
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
