package org.recsec.kmp.ticket.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.kmp.ticket.IssuedTicket;
import org.recsec.kmp.ticket.ReplayCache;
import org.recsec.kmp.ticket.TicketIssuer;
import org.recsec.kmp.ticket.TicketSaParameters;
import org.recsec.kmp.ticket.TicketValidator;
import org.recsec.record.base.CipherSuite;

/** Untrusted bytes to the /authz-info handler: never an exception, a 4.xx, and the SAD changes only on 2.01. */
class AuthzInfoProperties {
    private static final String RS = "coap://127.0.0.1:5683";
    private static final String CLIENT = "coap://127.0.0.1:40000";
    private static final SecurityAssociationDatabase SAD;
    private static final SadSession OBSERVER;
    private static final AuthzInfoHandler HANDLER;
    private static final byte[] GOOD;

    static {
        try {
            SAD = SecurityAssociationDatabase.builder(Loopback.clockAt(Loopback.T0), new Random(3))
                    .localIdentities(Set.of(RS)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OBSERVER = SAD.openSession(b -> { });
        TicketValidator validator = new TicketValidator(RS, List.of(Loopback.AS_KEY), Loopback.clockAt(Loopback.T0),
                new ReplayCache(10_000), 0);
        HANDLER = new AuthzInfoHandler(validator, SAD.openSession(b -> { }), RS, new SecureRandom(),
                Loopback.clockAt(Loopback.T0));
        IssuedTicket t = new TicketIssuer(Loopback.AS_KEY, null, new SecureRandom(), Loopback.clockAt(Loopback.T0))
                .issue(RS, Duration.ofHours(1), TicketSaParameters.defaults(CipherSuite.AES_128_CCM));
        GOOD = new AuthzInfoMessages.Request(t.ticket(), new byte[16], 0x1234).encode();
    }

    @Property(tries = 300)
    void randomBytesGet4xxAndChangeNothing(@ForAll @Size(max = 300) byte[] bytes) {
        List<PfKeyMessage> before = Loopback.dump(OBSERVER);
        AuthzInfoHandler.Reply r = HANDLER.handle(bytes, CLIENT);
        assertEquals(4, r.code() >>> 5, r.toString());
        assertEquals(0, r.payload().length);
        assertEquals(before, Loopback.dump(OBSERVER));
    }

    /** One edit: replace, insert or delete a byte (position modulo the length). */
    record Edit(int kind, int position, byte value) {
        byte[] apply(byte[] in) {
            int p = position % (in.length + 1);
            if (kind == 0 && p < in.length) {
                byte[] out = in.clone();
                out[p] = value;
                return out;
            }
            if (kind == 1 || p == in.length) {
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
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 10_000),
                Arbitraries.bytes()).as(Edit::new).list().ofMinSize(1).ofMaxSize(3);
    }

    @Property(tries = 300)
    void editedRequestsNeverThrowAndOnly201ChangesTheSad(@ForAll("edits") List<Edit> edits) {
        byte[] b = GOOD;
        for (Edit e : edits) {
            b = e.apply(b);
        }
        int before = SAD.size();
        List<PfKeyMessage> dump = Loopback.dump(OBSERVER);
        AuthzInfoHandler.Reply r = HANDLER.handle(b, CLIENT);
        if (r.code() == AuthzInfoHandler.CREATED) {
            // An edit inside the nonce or the SPI leaves a valid request; the ticket then works once.
            assertEquals(before + 2, SAD.size());
        } else {
            assertTrue(r.code() == AuthzInfoHandler.BAD_REQUEST || r.code() == AuthzInfoHandler.UNAUTHORIZED
                    || r.code() == AuthzInfoHandler.INTERNAL_SERVER_ERROR, r.toString());
            assertEquals(dump, Loopback.dump(OBSERVER));
        }
    }
}
