package org.recsec.kmp.ticket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.kmp.ticket.internal.CborReader;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;

/** Untrusted bytes only ever give a TicketException; issued tickets always validate. */
class TicketProperties {
    private static final byte[] GOOD = TestTickets.issue(TestTickets.T0, 3600, 99).ticket();

    /** One edit of a byte array: replace, insert or delete at a position (taken modulo the length). */
    record Edit(int kind, int position, byte value) {
        byte[] apply(byte[] in) {
            if (kind == 0 && in.length > 0) {
                byte[] out = in.clone();
                out[position % in.length] = value;
                return out;
            }
            int p = in.length == 0 ? 0 : position % (in.length + 1);
            if (kind == 1 || in.length == 0 || p == in.length) {
                byte[] out = new byte[in.length + 1];
                System.arraycopy(in, 0, out, 0, p);
                out[p] = value;
                System.arraycopy(in, p, out, p + 1, in.length - p);
                return out;
            }
            byte[] out = new byte[in.length - 1];
            System.arraycopy(in, 0, out, 0, p);
            System.arraycopy(in, p + 1, out, p, in.length - p - 1);
            return out;
        }
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 10_000), Arbitraries.bytes()).as(Edit::new);
        return edit.list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 300)
    void randomBytesGiveOnlyTypedErrors(@ForAll @Size(max = 400) byte[] bytes) {
        expectOnlyTicketException(bytes);
        try {
            CborReader.decode(bytes);
        } catch (TicketException e) {
            assertEquals(TicketException.Reason.MALFORMED_CBOR, e.reason());
        }
        try {
            CwtInspector.open(bytes, SecretBytes.copyOf(new byte[16]), null, null);
        } catch (TicketException e) {
            assertTrue(e.reason() != null);
        }
    }

    /** Random bytes behind a valid COSE_Encrypt0 prefix reach deeper into the parser. */
    @Property(tries = 300)
    void randomBytesAfterAPlausiblePrefix(@ForAll @Size(max = 200) byte[] tail, @ForAll @IntRange(max = 24) int cut) {
        byte[] prefix = Arrays.copyOf(GOOD, Math.min(cut, GOOD.length));
        byte[] bytes = Arrays.copyOf(prefix, prefix.length + tail.length);
        System.arraycopy(tail, 0, bytes, prefix.length, tail.length);
        expectOnlyTicketException(bytes);
    }

    @Property(tries = 300)
    void mutatedTicketsAreRefused(@ForAll("edits") List<Edit> edits) throws Exception {
        byte[] t = GOOD;
        for (Edit e : edits) {
            t = e.apply(t);
        }
        if (Arrays.equals(untagged(t), untagged(GOOD))) {
            // the edits cancelled out, or only added/removed the unauthenticated tags 61 / 16, which a
            // validator accepts by design (RFC 8392 §6, RFC 9052 §2): still the same ticket
            TestTickets.validator(TestTickets.T0).validate(t);
            return;
        }
        expectOnlyTicketException(t);
    }

    /** The bytes without a leading CWT tag (d8 3d) and COSE_Encrypt0 tag (d0). */
    static byte[] untagged(byte[] t) {
        int off = 0;
        if (t.length >= 2 && (t[0] & 0xff) == 0xd8 && t[1] == 0x3d) {
            off = 2;
        }
        if (t.length > off && (t[off] & 0xff) == 0xd0) {
            off++;
        }
        return Arrays.copyOfRange(t, off, t.length);
    }

    private static void expectOnlyTicketException(byte[] bytes) {
        ReplayCache cache = new ReplayCache(4);
        try {
            TestTickets.validator(TestTickets.T0, cache).validate(bytes);
            throw new AssertionError("accepted a ticket the AS never issued");
        } catch (TicketException e) {
            assertTrue(e.reason() != null);
            assertEquals(0, cache.size());
        }
    }

    @Property(tries = 100)
    void issuedTicketsValidate(@ForAll @LongRange(min = 1, max = 10_000_000) long lifetime,
                               @ForAll @IntRange(min = 0, max = 3) int suiteIndex,
                               @ForAll @IntRange(min = 1, max = 1024) int window,
                               @ForAll @LongRange(max = 1L << 40) long hardBytes,
                               @ForAll long seed) throws Exception {
        TicketSaParameters sa = new TicketSaParameters(CipherSuite.values()[suiteIndex], "dtls12", 0, 0, 0,
                hardBytes, window);
        IssuedTicket t = new TicketIssuer(TestTickets.AS_KEY, null, TestTickets.seeded(seed),
                TestTickets.clockAt(TestTickets.T0)).issue(TestTickets.RS, Duration.ofSeconds(lifetime), sa);
        TicketClaims c = TestTickets.validator(TestTickets.T0 + lifetime - 1).validate(t.ticket());
        assertEquals(sa, c.sa());
        assertTrue(c.cnfKey().equalsSecret(t.cnfKey()));
        assertArrayEquals(t.cti(), c.cti());
        assertTrue(c.issuer().isEmpty());
    }
}
