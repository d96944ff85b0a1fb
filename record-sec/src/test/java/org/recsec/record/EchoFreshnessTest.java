package org.recsec.record;

import org.recsec.record.base.PeerId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** RFC 9175 Echo values: bound to the SA and the peer, valid for the lifetime only, unforgeable. */
class EchoFreshnessTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

    private static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private EchoFreshness echo(Duration lifetime) {
        return EchoFreshness.create(lifetime, clock, seeded(3));
    }

    @Test
    void freshWithinTheLifetimeOnlyAndOnlyForItsSaAndPeer() {
        EchoFreshness f = echo(Duration.ofSeconds(10));
        byte[] v = f.issue(42, PeerId.of("client"));
        assertEquals(EchoFreshness.VALUE_LENGTH, v.length);
        assertTrue(f.isFresh(v, 42, PeerId.of("client")));
        assertFalse(f.isFresh(v, 43, PeerId.of("client")), "another SA");
        assertFalse(f.isFresh(v, 42, PeerId.of("other")), "another peer");
        now.addAndGet(10_000);
        assertTrue(f.isFresh(v, 42, PeerId.of("client")), "exactly the lifetime");
        now.addAndGet(1);
        assertFalse(f.isFresh(v, 42, PeerId.of("client")), "expired");
    }

    @Test
    void anotherServersValuesAndValuesFromTheFutureAreRefused() {
        EchoFreshness f = echo(Duration.ofSeconds(10));
        EchoFreshness other = EchoFreshness.create(Duration.ofSeconds(10), clock, seeded(4));
        assertFalse(f.isFresh(other.issue(42, PeerId.of("client")), 42, PeerId.of("client")));
        byte[] v = f.issue(42, PeerId.of("client"));
        now.addAndGet(-1);
        assertFalse(f.isFresh(v, 42, PeerId.of("client")), "issued after now");
    }

    @Test
    void badInputIsFalseNeverAnException() {
        EchoFreshness f = echo(Duration.ofSeconds(10));
        assertFalse(f.isFresh(null, 1, PeerId.of("p")));
        assertFalse(f.isFresh(new byte[0], 1, PeerId.of("p")));
        assertFalse(f.isFresh(new byte[40], 1, PeerId.of("p")));
        assertFalse(f.isFresh(new byte[EchoFreshness.VALUE_LENGTH], 1, PeerId.of("p")));
        assertThrows(IllegalArgumentException.class, () -> echo(Duration.ZERO));
        assertFalse(f.toString().matches(".*[0-9a-f]{16}.*"), "no key material in toString");
    }

    /** Stretching the issue time (to extend the lifetime) or any other single-bit change breaks the MAC. */
    @Property(tries = 300)
    void everyBitFlipIsRefused(@ForAll @IntRange(min = 0, max = EchoFreshness.VALUE_LENGTH * 8 - 1) int bit) {
        EchoFreshness f = echo(Duration.ofSeconds(10));
        byte[] v = f.issue(7, PeerId.of("c"));
        v[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
        assertFalse(f.isFresh(v, 7, PeerId.of("c")));
    }
}
