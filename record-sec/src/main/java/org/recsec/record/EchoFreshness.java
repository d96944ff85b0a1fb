package org.recsec.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.recsec.record.base.PeerId;

/**
 * Request freshness with the Echo option (RFC 9175 §2): the server side of the challenge-response that tells a
 * fresh request from a genuine one a proxy held back and released later. The anti-replay window stops duplicates;
 * it cannot see a delayed original. A server that needs freshness for a resource answers a request without a fresh
 * Echo with 4.01 Unauthorized carrying {@link #issue} (inside the protected response, the option is Class E,
 * RFC 9175 §2.3); the client repeats the request with that value inside its record, and {@link #isFresh} accepts it
 * only within {@code lifetime} of issuing it and only for the same SA.
 *
 * <p>The values are stateless (RFC 9175 §2.3, "time-based freshness with integrity protection"): 8 bytes of issue
 * time in milliseconds of the injected clock, then 8 bytes of HMAC-SHA256 over a label, the SA's SPI, the peer
 * identity and that time, keyed by 32 random bytes this object draws once and never shows. So the server keeps no
 * state per challenge, a value from one SA is worthless under another, and a value cannot be forged or stretched
 * by the client. The time is visible only to the peer that holds the SA (the Echo travels inside the record).
 * Thread-safe.
 */
public final class EchoFreshness {
    /** Length of the Echo values this class issues; RFC 9175 §2.2.1 allows 1 to 40 bytes. */
    public static final int VALUE_LENGTH = 16;
    private static final byte[] LABEL = "recsec echo v1".getBytes(StandardCharsets.US_ASCII);

    private final Duration lifetime;
    private final InstantSource clock;
    private final SecretKeySpec key;

    private EchoFreshness(Duration lifetime, InstantSource clock, byte[] keyBytes) {
        this.lifetime = lifetime;
        this.clock = clock;
        this.key = new SecretKeySpec(keyBytes, "HmacSHA256");
        java.util.Arrays.fill(keyBytes, (byte) 0);
    }

    /**
     * @param lifetime how long after issuing a value it proves freshness (RFC 9175 §2.4 leaves it to the
     *                 application: seconds for an actuator)
     * @param clock    the time source; tests inject their own
     * @param random   where the MAC key comes from
     */
    public static EchoFreshness create(Duration lifetime, InstantSource clock, SecureRandom random) {
        Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime must be positive");
        }
        byte[] k = new byte[32];
        random.nextBytes(k);
        return new EchoFreshness(lifetime, Objects.requireNonNull(clock, "clock"), k);
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** A new Echo value for requests under the inbound SA {@code spi} from {@code peerId}. */
    public byte[] issue(long spi, PeerId peerId) {
        long now = clock.millis();
        byte[] out = new byte[VALUE_LENGTH];
        ByteBuffer.wrap(out).putLong(now);
        System.arraycopy(mac(spi, peerId, now), 0, out, 8, 8);
        return out;
    }

    /**
     * True when {@code echo} was issued by this object for {@code spi} and {@code peerId} no longer than the
     * lifetime ago (and not in the future of the clock). Any other value, of any length, is false.
     */
    public boolean isFresh(byte[] echo, long spi, PeerId peerId) {
        if (echo == null || echo.length != VALUE_LENGTH) {
            return false;
        }
        long issued = ByteBuffer.wrap(echo).getLong();
        byte[] expected = mac(spi, peerId, issued);
        byte[] got = java.util.Arrays.copyOfRange(echo, 8, VALUE_LENGTH);
        if (!MessageDigest.isEqual(java.util.Arrays.copyOf(expected, 8), got)) {
            return false;
        }
        long age = clock.millis() - issued;
        return age >= 0 && age <= lifetime.toMillis();
    }

    private byte[] mac(long spi, PeerId peerId, long millis) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update(LABEL);
            m.update(ByteBuffer.allocate(16).putLong(spi).putLong(millis).array());
            m.update(peerId.value().getBytes(StandardCharsets.UTF_8));
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "EchoFreshness[lifetime=" + lifetime + "]"; // never the key
    }
}
