package org.recsec.californium;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.EndpointContextMatcher;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.RawDataChannel;
import org.recsec.record.RecordProtector;
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
 *
 * <p>Penalty box: a source (IP address and port) whose records failed verification more than
 * {@link RecSecConfig.Builder#guardFailuresPerSourcePerSecond} times in one second has all its protected datagrams
 * dropped without parsing or crypto for the rest of that second and the next one (counted in {@link #penalized()},
 * not reported one by one). Verifying a forged record costs an AEAD; a flood from one address would otherwise keep
 * the receiver thread so busy that genuine datagrams overflow the socket buffer. Keyed by address and port, so a
 * genuine client on the same host or behind the same NAT is not punished for a flooding neighbour. At most 10,000
 * sources are tracked; past that the table starts again (bounded memory whatever the number of spoofed sources).
 */
public final class RecordGuard implements Connector {
    private final Connector inner;
    private final RecSecConfig config;
    private final RecordProtector protector;
    private final AtomicLong replySecond = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong repliesThisSecond = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong penalized = new AtomicLong();
    private final ConcurrentHashMap<InetSocketAddress, Failures> failures = new ConcurrentHashMap<>();
    private static final int MAX_TRACKED_SOURCES = 10_000;

    /** Verification failures of one source address in one second. */
    private static final class Failures {
        final long second;
        final AtomicLong count = new AtomicLong();

        Failures(long second) {
            this.second = second;
        }
    }

    private RecordGuard(Connector inner, RecSecConfig config) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.config = Objects.requireNonNull(config, "config");
        this.protector = config.protector();
    }

    /** {@code inner} behind a guard that checks records with the SAs of {@code config}. */
    public static RecordGuard wrap(Connector inner, RecSecConfig config) {
        return new RecordGuard(inner, config);
    }

    /** Datagrams dropped after verification failed, so far. */
    public long dropped() {
        return dropped.get();
    }

    /** Datagrams dropped unread because their source address was in the penalty box, so far. */
    public long penalized() {
        return penalized.get();
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
        int limit = config.guardFailuresPerSourcePerSecond();
        InetSocketAddress source = raw.getInetSocketAddress();
        long second = 0;
        if (limit > 0 && source != null) {
            second = Math.floorDiv(config.clock().millis(), 1000L);
            Failures f = failures.get(source);
            if (f != null && f.second >= second - 1 && f.count.get() > limit && carriesRecord(raw.getBytes())) {
                penalized.incrementAndGet();
                return false;
            }
        }
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
            if (limit > 0 && source != null) {
                countFailure(source, second);
            }
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

    private void countFailure(InetSocketAddress source, long second) {
        if (failures.size() >= MAX_TRACKED_SOURCES) {
            failures.clear();
        }
        Failures f = failures.compute(source, (k, v) -> v == null || v.second != second ? new Failures(second) : v);
        f.count.incrementAndGet();
    }

    /**
     * Cheap look at the raw bytes: does the message have a Record-Security option? (Only those are ever penalized:
     * a plain CoAP message, an empty ACK or RST from the same address still goes through.) Walks the option headers
     * without allocating; anything that does not parse counts as "no".
     */
    static boolean carriesRecord(byte[] b) {
        if (b.length < 4) {
            return false;
        }
        int i = 4 + (b[0] & 0x0f);
        int number = 0;
        while (i < b.length) {
            int h = b[i++] & 0xff;
            if (h == 0xff) {
                return false;
            }
            int delta = h >>> 4;
            int len = h & 0x0f;
            if (delta == 13) {
                if (i >= b.length) {
                    return false;
                }
                delta = 13 + (b[i++] & 0xff);
            } else if (delta == 14) {
                if (i + 1 >= b.length) {
                    return false;
                }
                delta = 269 + (((b[i] & 0xff) << 8) | (b[i + 1] & 0xff));
                i += 2;
            } else if (delta == 15) {
                return false;
            }
            if (len == 13) {
                if (i >= b.length) {
                    return false;
                }
                len = 13 + (b[i++] & 0xff);
            } else if (len == 14) {
                if (i + 1 >= b.length) {
                    return false;
                }
                len = 269 + (((b[i] & 0xff) << 8) | (b[i + 1] & 0xff));
                i += 2;
            } else if (len == 15) {
                return false;
            }
            number += delta;
            if (number == org.recsec.record.coap.OptionNumbers.RECORD_SECURITY) {
                return true;
            }
            if (number > org.recsec.record.coap.OptionNumbers.RECORD_SECURITY) {
                return false;
            }
            i += len;
        }
        return false;
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
