package org.recsec.kmp.ticket;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.record.base.SecretBytes;

/**
 * The claims of a validated ticket: a CWT claims set (RFC 8392 §3) whose {@code cnf} (RFC 8747 §3.2) holds the
 * symmetric proof-of-possession key the client and the resource server (RS) derive the SA pair from, plus the SA
 * parameters. Immutable; {@link #toString()} never shows the {@code cnf} key.
 *
 * <h2>Claims on the wire (a CBOR map, the plaintext of the COSE_Encrypt0)</h2>
 * <table>
 *   <caption>ticket claims</caption>
 *   <tr><th>key</th><th>name</th><th>CBOR type</th><th>validator</th></tr>
 *   <tr><td>1</td><td>iss</td><td>tstr</td><td>optional</td></tr>
 *   <tr><td>3</td><td>aud</td><td>tstr, or a non-empty array of tstr (RFC 7519 §4.1.3)</td><td>required; must
 *       contain the RS's audience</td></tr>
 *   <tr><td>4</td><td>exp</td><td>NumericDate: int, or float (floored)</td><td>required</td></tr>
 *   <tr><td>5</td><td>nbf</td><td>NumericDate: int, or float (rounded up)</td><td>optional</td></tr>
 *   <tr><td>6</td><td>iat</td><td>NumericDate: int, or float (floored)</td><td>optional, informative</td></tr>
 *   <tr><td>7</td><td>cti</td><td>bstr, 1..64 bytes</td><td>required, the replay-cache key</td></tr>
 *   <tr><td>8</td><td>cnf</td><td>{1: COSE_Key}; COSE_Key = {1 (kty): 4 (Symmetric), -1 (k): bstr of 16..64
 *       bytes, 2 (kid): bstr, optional}</td><td>required</td></tr>
 *   <tr><td>-65537</td><td>recsec SA suite</td><td>uint, TLS cipher-suite code point (e.g. 0xc0a8)</td>
 *       <td>required</td></tr>
 *   <tr><td>-65538</td><td>recsec record profile</td><td>tstr: dtls12, dtls12-cid, compact</td>
 *       <td>optional, default dtls12</td></tr>
 *   <tr><td>-65539</td><td>recsec soft lifetime, seconds</td><td>uint</td><td>optional, default 0 (none)</td></tr>
 *   <tr><td>-65540</td><td>recsec hard lifetime, seconds</td><td>uint</td><td>optional, default 0 (none)</td></tr>
 *   <tr><td>-65541</td><td>recsec soft lifetime, bytes</td><td>uint</td><td>optional, default 0 (none)</td></tr>
 *   <tr><td>-65542</td><td>recsec hard lifetime, bytes</td><td>uint</td><td>optional, default 0 (none)</td></tr>
 *   <tr><td>-65543</td><td>recsec replay window, records</td><td>uint 1..1024</td><td>optional, default 64</td></tr>
 * </table>
 * The recsec claims use keys from the CWT registry's private-use range (integers below -65536, RFC 8392 §9.1), so
 * they never collide with registered claims. Claims the validator does not know are ignored (RFC 7519 §4); a known
 * claim of the wrong type or out of range is refused ({@link TicketException.Reason#INVALID_CLAIM}).
 */
public final class TicketClaims {
    public static final long ISS = 1;
    public static final long SUB = 2;
    public static final long AUD = 3;
    public static final long EXP = 4;
    public static final long NBF = 5;
    public static final long IAT = 6;
    public static final long CTI = 7;
    public static final long CNF = 8;
    /** cnf member holding a COSE_Key (RFC 8747 §3.2). */
    public static final long CNF_COSE_KEY = 1;
    public static final long SA_SUITE = -65537;
    public static final long SA_RECORD_PROFILE = -65538;
    public static final long SA_SOFT_SECONDS = -65539;
    public static final long SA_HARD_SECONDS = -65540;
    public static final long SA_SOFT_BYTES = -65541;
    public static final long SA_HARD_BYTES = -65542;
    public static final long SA_REPLAY_WINDOW = -65543;

    private final String issuer;
    private final List<String> audience;
    private final long expiresAt;
    private final Long notBefore;
    private final Long issuedAt;
    private final byte[] cti;
    private final SecretBytes cnfKey;
    private final byte[] cnfKid;
    private final TicketSaParameters sa;

    TicketClaims(String issuer, List<String> audience, long expiresAt, Long notBefore, Long issuedAt, byte[] cti,
                 SecretBytes cnfKey, byte[] cnfKid, TicketSaParameters sa) {
        this.issuer = issuer;
        this.audience = List.copyOf(audience);
        this.expiresAt = expiresAt;
        this.notBefore = notBefore;
        this.issuedAt = issuedAt;
        this.cti = cti.clone();
        this.cnfKey = Objects.requireNonNull(cnfKey, "cnfKey");
        this.cnfKid = cnfKid == null ? null : cnfKid.clone();
        this.sa = Objects.requireNonNull(sa, "sa");
    }

    /** {@code iss}, if present. */
    public Optional<String> issuer() {
        return Optional.ofNullable(issuer);
    }

    /** {@code aud} as a list (one element when it was a single text string). */
    public List<String> audience() {
        return audience;
    }

    /** {@code exp}, seconds since the epoch. */
    public long expiresAtEpochSeconds() {
        return expiresAt;
    }

    /** {@code nbf}, seconds since the epoch, if present. */
    public OptionalLong notBeforeEpochSeconds() {
        return notBefore == null ? OptionalLong.empty() : OptionalLong.of(notBefore);
    }

    /** {@code iat}, seconds since the epoch, if present. */
    public OptionalLong issuedAtEpochSeconds() {
        return issuedAt == null ? OptionalLong.empty() : OptionalLong.of(issuedAt);
    }

    /** {@code cti}, a copy. */
    public byte[] cti() {
        return cti.clone();
    }

    /** The symmetric proof-of-possession key from {@code cnf}: the HKDF input of {@link TicketKeys#derive}. */
    public SecretBytes cnfKey() {
        return cnfKey;
    }

    /** The COSE_Key kid inside {@code cnf}, a copy, if present. */
    public Optional<byte[]> cnfKid() {
        return cnfKid == null ? Optional.empty() : Optional.of(cnfKid.clone());
    }

    /** The SA parameters, with the documented defaults filled in. */
    public TicketSaParameters sa() {
        return sa;
    }

    @Override
    public String toString() {
        return "TicketClaims[iss=" + issuer + ", aud=" + audience + ", exp=" + expiresAt + ", nbf=" + notBefore
                + ", iat=" + issuedAt + ", cnf=" + cnfKey + ", sa=" + sa + "]";
    }
}
