package org.recsec.californium;

import org.recsec.record.base.RecSecException;

/**
 * Counters of the messages refused by every endpoint that uses one {@link RecSecConfig}, read with
 * {@link RecSecConfig#refusals()}. Monotonic since the config was built.
 */
public final class RecSecRefusals {
    private final RefusalReport report;

    RecSecRefusals(RefusalReport report) {
        this.report = report;
    }

    /** Messages refused (or not protected) for {@code reason}. */
    public long count(RecSecException.Reason reason) {
        return report.count(reason);
    }

    /**
     * Protected datagrams the transport guards ({@link RecordGuard}) dropped unread because their source had just sent
     * too many records that failed verification (the penalty box). Not included in {@link #total()} or the per-reason
     * counts, which only count what was read and refused, each also reported to the listener.
     */
    public long droppedUnread() {
        return report.droppedUnread().sum();
    }

    /** All refusals, every reason. */
    public long total() {
        return report.total();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RecSecRefusals[");
        String sep = "";
        for (RecSecException.Reason r : RecSecException.Reason.values()) {
            long n = report.count(r);
            if (n > 0) {
                sb.append(sep).append(r).append('=').append(n);
                sep = ", ";
            }
        }
        long unread = droppedUnread();
        if (unread > 0) {
            sb.append(sep).append("dropped unread=").append(unread);
        }
        return sb.append(']').toString();
    }
}
