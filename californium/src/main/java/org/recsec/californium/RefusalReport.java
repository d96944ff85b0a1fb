package org.recsec.californium;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.recsec.record.base.RecSecException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts refused messages per reason, tells the configured listener, and logs a WARN through SLF4J at most once
 * per interval (the first refusal at once, later ones with the number suppressed since), so a flood of forged
 * datagrams cannot flood the log. The WARN names the kind, the reason, the SPI and the peer address: never key
 * bytes or message content.
 */
final class RefusalReport {
    private static final Logger LOGGER = LoggerFactory.getLogger("org.recsec.californium.refusals");

    private final Map<RecSecException.Reason, LongAdder> counts = new EnumMap<>(RecSecException.Reason.class);
    private final RefusalListener listener;
    private final InstantSource clock;
    private final long intervalMillis;
    private final AtomicLong nextWarnAt = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder suppressed = new LongAdder();
    private final AtomicLong warnings = new AtomicLong();
    private final LongAdder droppedUnread = new LongAdder();

    RefusalReport(RefusalListener listener, InstantSource clock, Duration warnInterval) {
        for (RecSecException.Reason r : RecSecException.Reason.values()) {
            counts.put(r, new LongAdder());
        }
        this.listener = listener;
        this.clock = clock;
        this.intervalMillis = warnInterval.toMillis();
    }

    void refused(RecSecRefusal.Kind kind, RecSecException.Reason reason, OptionalLong spi, InetSocketAddress peer) {
        counts.get(reason).increment();
        boolean warn = warnDue();
        if (listener == null && !warn) {
            return; // counted; nothing allocated for a refusal nobody is told about
        }
        tell(new RecSecRefusal(kind, reason, spi, peer), warn);
    }

    private void tell(RecSecRefusal refusal, boolean warn) {
        if (listener != null) {
            try {
                listener.onRefusal(refusal);
            } catch (RuntimeException e) {
                LOGGER.debug("refusal listener threw", e);
            }
        }
        if (warn) {
            warn(refusal);
        }
    }

    /**
     * As {@link #refused(RecSecRefusal.Kind, RecSecException.Reason, OptionalLong, InetSocketAddress)}, for the
     * receive path: the SPI and the peer are only turned into objects when a listener is set or a WARN is due.
     */
    void refused(RecSecRefusal.Kind kind, RecSecException.Reason reason, long spi, InetAddress address, int port) {
        counts.get(reason).increment();
        boolean warn = warnDue();
        if (listener == null && !warn) {
            return;
        }
        tell(new RecSecRefusal(kind, reason, OptionalLong.of(spi),
                address == null ? null : new InetSocketAddress(address, port)), warn);
    }

    /** True when this refusal may write the WARN (at most one per interval); otherwise counts it as suppressed. */
    private boolean warnDue() {
        long now = clock.millis();
        long next = nextWarnAt.get();
        if (now < next || !nextWarnAt.compareAndSet(next, now + intervalMillis)) {
            suppressed.increment();
            return false;
        }
        return true;
    }

    private void warn(RecSecRefusal r) {
        warnings.incrementAndGet();
        long more = suppressed.sumThenReset(); // approximate under concurrency: it only words the log line
        String spi = r.spi().isPresent() ? Long.toString(r.spi().getAsLong()) : "none";
        LOGGER.warn("record-sec refused {} from {}: {} (SPI {}){}{}", kindText(r.kind()), r.peer(), r.reason(), spi,
                hint(r.reason()), more == 0 ? "" : "; " + more + " more refusals since the last warning");
    }

    private static String kindText(RecSecRefusal.Kind kind) {
        return switch (kind) {
            case REQUEST -> "a request";
            case RESPONSE -> "a response";
            case NOTIFICATION -> "a notification";
            case DATAGRAM -> "a datagram";
            case REQUEST_NOT_SENT -> "to send a request";
            case RESPONSE_NOT_SENT -> "to send a response";
        };
    }

    private static String hint(RecSecException.Reason reason) {
        return switch (reason) {
            case REPLAY -> " - sequence number already seen: a replay, or a peer that restarted with old sequence"
                    + " numbers (it needs a new SA)";
            case UNKNOWN_SA -> " - no SA with this SPI / for this peer is installed here";
            case SA_EXPIRED -> " - the SA has expired";
            case AUTH_FAILED -> " - forged or corrupted, or the peers hold different keys";
            default -> "";
        };
    }

    /** WARN lines written so far. */
    long warnings() {
        return warnings.get();
    }

    /** The counter of datagrams the transport guards dropped unread (penalty box), summed with {@link #total}. */
    LongAdder droppedUnread() {
        return droppedUnread;
    }

    long count(RecSecException.Reason reason) {
        return counts.get(reason).sum();
    }

    long total() {
        long t = 0;
        for (LongAdder a : counts.values()) {
            t += a.sum();
        }
        return t;
    }
}
