package org.recsec.kmp.ticket;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.recsec.kmp.ticket.internal.CborWriter;
import org.recsec.kmp.ticket.internal.CoseCrypto;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

/** Shared fixtures: an AS key, clocks, a deterministic random source and a builder for hand-made tickets. */
public final class TestTickets {
    public static final byte[] KID = Bytes.fromHex("a5");
    public static final SecretBytes AS_SECRET = SecretBytes.copyOf(Bytes.fromHex("00112233445566778899aabbccddeeff"));
    public static final AsKey AS_KEY = AsKey.of(KID, AS_SECRET);
    public static final String RS = "coap://rs.example";
    public static final long T0 = 1_700_000_000L;
    public static final byte[] IV = Bytes.fromHex("0102030405060708090a0b0c0d");

    private TestTickets() {
    }

    public static Clock clockAt(long epochSeconds) {
        return Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
    }

    /** A SecureRandom whose bytes come from a seeded java.util.Random: reproducible tickets in tests only. */
    public static SecureRandom seeded(long seed) {
        Random r = new Random(seed);
        return new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] bytes) {
                r.nextBytes(bytes);
            }
        };
    }

    public static TicketValidator validator(long now, ReplayCache cache) {
        return new TicketValidator(RS, List.of(AS_KEY), clockAt(now), cache, 0);
    }

    public static TicketValidator validator(long now) {
        return validator(now, new ReplayCache(100));
    }

    public static IssuedTicket issue(long now, long lifetimeSeconds, long seed) {
        return new TicketIssuer(AS_KEY, "coap://as.example", seeded(seed), clockAt(now))
                .issue(RS, java.time.Duration.ofSeconds(lifetimeSeconds),
                        TicketSaParameters.defaults(org.recsec.record.base.CipherSuite.AES_128_CCM_8));
    }

    public static byte[] enc(java.util.function.Consumer<CborWriter> w) {
        CborWriter cw = new CborWriter();
        w.accept(cw);
        return cw.toByteArray();
    }

    /** A claims set as (key, encoded value) entries, starting valid; tests remove or replace entries. */
    public static final class Claims {
        final Map<Long, byte[]> entries = new LinkedHashMap<>();

        Claims() {
            put(TicketClaims.ISS, enc(w -> w.text("coap://as.example")));
            put(TicketClaims.AUD, enc(w -> w.text(RS)));
            put(TicketClaims.EXP, enc(w -> w.integer(T0 + 3600)));
            put(TicketClaims.NBF, enc(w -> w.integer(T0)));
            put(TicketClaims.IAT, enc(w -> w.integer(T0)));
            put(TicketClaims.CTI, enc(w -> w.bytes(Bytes.fromHex("c7c7c7c7"))));
            put(TicketClaims.CNF, cnf(enc(w -> w.integer(4)), enc(w -> w.bytes(new byte[16]))));
            put(TicketClaims.SA_SUITE, enc(w -> w.integer(0xc0a8)));
        }

        static byte[] cnf(byte[] kty, byte[] k) {
            return enc(w -> w.mapHeader(1).integer(1).mapHeader(2).integer(1).raw(kty).integer(-1).raw(k));
        }

        Claims put(long key, byte[] encodedValue) {
            entries.put(key, encodedValue);
            return this;
        }

        Claims remove(long key) {
            entries.remove(key);
            return this;
        }

        byte[] encode() {
            CborWriter w = new CborWriter().mapHeader(entries.size());
            entries.forEach((k, v) -> w.integer(k).raw(v));
            return w.toByteArray();
        }

        byte[] ticket() {
            return TicketIssuer.seal(AS_KEY, IV, encode());
        }
    }

    /** A COSE_Encrypt0 with an arbitrary protected header and unprotected map, under the test AS key. */
    public static byte[] encrypt0(byte[] protectedHeader, byte[] unprotectedMap, byte[] claims) {
        byte[] ct = CoseCrypto.ccmEncrypt(AS_SECRET, IV, CoseCrypto.encStructure(protectedHeader), claims);
        return new CborWriter().tag(16).arrayHeader(3).bytes(protectedHeader).raw(unprotectedMap).bytes(ct)
                .toByteArray();
    }

    public static byte[] kidIvHeader() {
        return enc(w -> w.mapHeader(2).integer(4).bytes(KID).integer(5).bytes(IV));
    }
}
