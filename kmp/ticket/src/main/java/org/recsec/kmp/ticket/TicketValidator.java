package org.recsec.kmp.ticket;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.recsec.kmp.ticket.error.TicketException.Reason;
import org.recsec.kmp.ticket.internal.CoseCrypto;
import org.recsec.kmp.ticket.internal.CoseMessage;
import org.recsec.kmp.ticket.error.TicketException;

/**
 * The resource server's ticket check: a ticket is a CWT (RFC 8392) in a COSE_Encrypt0 (RFC 9052 §5.2, tag 16,
 * optionally inside the CWT tag 61) under AES-CCM-16-64-128 (alg 10) with an {@link AsKey}. Checks, in this order,
 * each refusal a {@link TicketException}:
 * <ol>
 *   <li>size at most {@link #MAX_TICKET_BYTES} and strict CBOR/COSE structure ({@code MALFORMED_CBOR});</li>
 *   <li>COSE_Encrypt0 with alg 10 in the protected header ({@code UNSUPPORTED_ALG});</li>
 *   <li>a kid naming one of the configured AS keys ({@code BAD_KEY});</li>
 *   <li>the CCM tag over the Enc_structure with the protected header bytes as received ({@code BAD_TAG});</li>
 *   <li>the claims of {@link TicketClaims}: present and well typed ({@code MALFORMED_CBOR}, {@code MISSING_CLAIM},
 *       {@code INVALID_CLAIM});</li>
 *   <li>{@code nbf <= now + skew} ({@code NOT_YET_VALID}) and {@code now - skew < exp} ({@code EXPIRED}),
 *       RFC 8392 §3.1.4-5;</li>
 *   <li>the RS's audience equal to {@code aud} or one of its elements ({@code WRONG_AUDIENCE});</li>
 *   <li>{@code cti} not used before, then recorded until {@code exp + skew} ({@code REPLAYED},
 *       {@code REPLAY_CACHE_FULL}).</li>
 * </ol>
 * Only a ticket that passed every check is recorded in the replay cache, so a refused ticket leaves no state.
 * Thread-safe as long as the clock is.
 */
public final class TicketValidator {
    /** Tickets are a few hundred bytes; anything much larger is refused before parsing. */
    public static final int MAX_TICKET_BYTES = 4096;
    /** Upper bound on the clock skew a validator may tolerate. */
    public static final long MAX_CLOCK_SKEW_SECONDS = 300;

    private final String audience;
    private final List<AsKey> asKeys;
    private final Clock clock;
    private final ReplayCache replayCache;
    private final long clockSkewSeconds;

    /**
     * @param audience         this RS's identity as the AS writes it into {@code aud}, e.g.
     *                         {@code coap://light.example.com}; compared exactly
     * @param asKeys           the AS keys this RS accepts, distinct kids
     * @param clock            the time source for exp/nbf
     * @param replayCache      the cache of used {@code cti}s (one per RS, shared by its validators)
     * @param clockSkewSeconds leeway for exp and nbf, 0..{@link #MAX_CLOCK_SKEW_SECONDS}; 0 is exact
     * @throws IllegalArgumentException for an empty key list, duplicate kids or a skew out of range
     */
    public TicketValidator(String audience, List<AsKey> asKeys, Clock clock, ReplayCache replayCache,
                           long clockSkewSeconds) {
        this.audience = Objects.requireNonNull(audience, "audience");
        this.asKeys = List.copyOf(asKeys);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.replayCache = Objects.requireNonNull(replayCache, "replayCache");
        if (this.asKeys.isEmpty()) {
            throw new IllegalArgumentException("no AS key");
        }
        for (int i = 0; i < this.asKeys.size(); i++) {
            for (int j = i + 1; j < this.asKeys.size(); j++) {
                if (this.asKeys.get(i).hasKid(this.asKeys.get(j).kid())) {
                    throw new IllegalArgumentException("duplicate AS kid");
                }
            }
        }
        if (clockSkewSeconds < 0 || clockSkewSeconds > MAX_CLOCK_SKEW_SECONDS) {
            throw new IllegalArgumentException("clock skew must be 0.." + MAX_CLOCK_SKEW_SECONDS + " s");
        }
        this.clockSkewSeconds = clockSkewSeconds;
    }

    /**
     * Validates a ticket and records its {@code cti}.
     *
     * @return the claims, including the {@code cnf} key and SA parameters
     * @throws TicketException with the reason of the first failed check (see the class comment)
     */
    public TicketClaims validate(byte[] ticket) throws TicketException {
        TicketClaims claims = open(ticket);
        long now = clock.instant().getEpochSecond();
        if (claims.notBeforeEpochSeconds().isPresent()
                && now + clockSkewSeconds < claims.notBeforeEpochSeconds().getAsLong()) {
            throw new TicketException(Reason.NOT_YET_VALID, "ticket not valid before its nbf");
        }
        if (now - clockSkewSeconds >= claims.expiresAtEpochSeconds()) {
            throw new TicketException(Reason.EXPIRED, "ticket expired");
        }
        if (!claims.audience().contains(audience)) {
            throw new TicketException(Reason.WRONG_AUDIENCE, "ticket is not for this resource server");
        }
        long keepUntil = claims.expiresAtEpochSeconds() > Long.MAX_VALUE - clockSkewSeconds
                ? Long.MAX_VALUE : claims.expiresAtEpochSeconds() + clockSkewSeconds;
        replayCache.checkAndRecord(claims.cti(), keepUntil, now);
        return claims;
    }

    /** Steps 1-5: structure, alg, key, tag, claims; no clock, audience or replay check. */
    TicketClaims open(byte[] ticket) throws TicketException {
        Objects.requireNonNull(ticket, "ticket");
        if (ticket.length > MAX_TICKET_BYTES) {
            throw new TicketException(Reason.MALFORMED_CBOR, "ticket longer than " + MAX_TICKET_BYTES + " bytes");
        }
        CoseMessage m = CoseMessage.parse(ticket, CoseMessage.Kind.ENCRYPT0);
        if (m.kind() != CoseMessage.Kind.ENCRYPT0) {
            throw new TicketException(Reason.UNSUPPORTED_ALG, "ticket is not a COSE_Encrypt0");
        }
        if (m.alg() != CoseCrypto.ALG_AES_CCM_16_64_128) {
            throw new TicketException(Reason.UNSUPPORTED_ALG, "ticket alg " + m.alg() + " is not 10");
        }
        if (m.kid() == null) {
            throw new TicketException(Reason.BAD_KEY, "ticket has no kid");
        }
        AsKey key = null;
        for (AsKey k : asKeys) {
            if (k.hasKid(m.kid())) {
                key = k;
            }
        }
        if (key == null) {
            throw new TicketException(Reason.BAD_KEY, "no AS key for the ticket's kid");
        }
        byte[] claims = CoseCrypto.ccmDecrypt(key.key(), m.iv(), CoseCrypto.encStructure(m.protectedBytes()),
                m.content());
        try {
            return ClaimsCodec.decode(claims);
        } finally {
            java.util.Arrays.fill(claims, (byte) 0);
        }
    }
}
