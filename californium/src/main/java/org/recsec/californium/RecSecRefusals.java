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
        return sb.append(']').toString();
    }
}
