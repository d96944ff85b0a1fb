package org.recsec.kmp.ticket;

import java.util.Objects;
import java.util.Set;
import org.recsec.record.base.CipherSuite;

/**
 * The parameters of the SA pair a ticket authorizes, carried in the private-use claims described on
 * {@link TicketClaims}. Immutable and validated when built. Lifetimes follow PF_KEY (RFC 2367 §2.3.3): 0 means no
 * limit from the ticket; the ticket's {@code exp} is a separate bound the SA database may also apply.
 *
 * @param suite                the AEAD suite (TLS code point on the wire)
 * @param recordProfile        the record profile: {@code dtls12}, {@code dtls12-cid} or {@code compact}
 * @param softLifetimeSeconds  seconds after installation when EXPIRE(soft) fires; 0 = none
 * @param hardLifetimeSeconds  seconds after installation when the SA dies; 0 = none
 * @param softLifetimeBytes    protected plaintext bytes after which EXPIRE(soft) fires; 0 = none
 * @param hardLifetimeBytes    protected plaintext bytes after which the SA dies; 0 = none
 * @param replayWindow         inbound anti-replay window in records, 1..1024
 */
public record TicketSaParameters(CipherSuite suite, String recordProfile, long softLifetimeSeconds,
                                 long hardLifetimeSeconds, long softLifetimeBytes, long hardLifetimeBytes,
                                 int replayWindow) {

    /** The record profiles of docs/DESIGN.md a ticket may name. */
    public static final Set<String> RECORD_PROFILES = Set.of("dtls12", "dtls12-cid", "compact");
    public static final String DEFAULT_RECORD_PROFILE = "dtls12";
    public static final int DEFAULT_REPLAY_WINDOW = 64;
    public static final int MAX_REPLAY_WINDOW = 1024;

    /** @throws IllegalArgumentException for an unknown profile, negative lifetimes, soft above hard, a bad window */
    public TicketSaParameters {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(recordProfile, "recordProfile");
        if (!RECORD_PROFILES.contains(recordProfile)) {
            throw new IllegalArgumentException("unknown record profile");
        }
        checkPair(softLifetimeSeconds, hardLifetimeSeconds, "seconds");
        checkPair(softLifetimeBytes, hardLifetimeBytes, "bytes");
        if (replayWindow < 1 || replayWindow > MAX_REPLAY_WINDOW) {
            throw new IllegalArgumentException("replay window must be 1.." + MAX_REPLAY_WINDOW);
        }
    }

    /** The defaults a ticket that names only its suite gets: dtls12, no lifetimes, window 64. */
    public static TicketSaParameters defaults(CipherSuite suite) {
        return new TicketSaParameters(suite, DEFAULT_RECORD_PROFILE, 0, 0, 0, 0, DEFAULT_REPLAY_WINDOW);
    }

    private static void checkPair(long soft, long hard, String unit) {
        if (soft < 0 || hard < 0) {
            throw new IllegalArgumentException("negative lifetime in " + unit);
        }
        if (soft != 0 && hard != 0 && soft > hard) {
            throw new IllegalArgumentException("soft lifetime above hard lifetime in " + unit);
        }
    }
}
