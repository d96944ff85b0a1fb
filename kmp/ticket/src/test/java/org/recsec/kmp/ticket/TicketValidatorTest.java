package org.recsec.kmp.ticket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.recsec.kmp.ticket.TestTickets.AS_KEY;
import static org.recsec.kmp.ticket.TestTickets.KID;
import static org.recsec.kmp.ticket.TestTickets.RS;
import static org.recsec.kmp.ticket.TestTickets.T0;
import static org.recsec.kmp.ticket.TestTickets.enc;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsec.kmp.ticket.TestTickets.Claims;
import org.recsec.kmp.ticket.error.TicketException.Reason;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

class TicketValidatorTest {

    static Reason refusal(TicketValidator v, byte[] ticket) {
        return assertThrows(TicketException.class, () -> v.validate(ticket)).reason();
    }

    @Test
    void issuedTicketValidatesWithAllClaims() throws Exception {
        TicketSaParameters sa = new TicketSaParameters(CipherSuite.CHACHA20_POLY1305, "compact", 60, 120, 1000,
                2000, 256);
        IssuedTicket t = new TicketIssuer(AS_KEY, "coap://as.example", TestTickets.seeded(1), TestTickets.clockAt(T0))
                .issue(RS, java.time.Duration.ofSeconds(600), sa);
        TicketClaims c = TestTickets.validator(T0 + 5).validate(t.ticket());
        assertEquals(List.of(RS), c.audience());
        assertEquals("coap://as.example", c.issuer().orElseThrow());
        assertEquals(T0 + 600, c.expiresAtEpochSeconds());
        assertEquals(T0 + 600, t.expiresAtEpochSeconds());
        assertEquals(T0, c.notBeforeEpochSeconds().getAsLong());
        assertEquals(T0, c.issuedAtEpochSeconds().getAsLong());
        assertArrayEquals(t.cti(), c.cti());
        assertEquals(16, t.cti().length);
        assertArrayEquals(t.cti(), c.cnfKid().orElseThrow());
        assertTrue(c.cnfKey().equalsSecret(t.cnfKey()));
        assertEquals(16, c.cnfKey().length());
        assertEquals(sa, c.sa());
        String hexKey = Bytes.toHex(t.cnfKey().toByteArray());
        assertFalse(c.toString().contains(hexKey));
        assertFalse(t.toString().contains(hexKey));
        // the wire format the issuer promises: tag 16, protected a1010a, {4: kid, 5: iv}
        assertEquals("d08343a1010aa20441a5054d", Bytes.toHex(t.ticket()).substring(0, 24));
    }

    @Test
    void freshRandomnessPerTicket() {
        TicketIssuer issuer = new TicketIssuer(AS_KEY, null, TestTickets.seeded(2), TestTickets.clockAt(T0));
        TicketSaParameters sa = TicketSaParameters.defaults(CipherSuite.AES_128_CCM_8);
        IssuedTicket a = issuer.issue(RS, java.time.Duration.ofSeconds(60), sa);
        IssuedTicket b = issuer.issue(RS, java.time.Duration.ofSeconds(60), sa);
        assertFalse(a.cnfKey().equalsSecret(b.cnfKey()));
        assertFalse(java.util.Arrays.equals(a.cti(), b.cti()));
        assertFalse(java.util.Arrays.equals(a.ticket(), b.ticket()));
    }

    @Test
    void handBuiltTicketWithDefaultsValidates() throws Exception {
        TicketClaims c = TestTickets.validator(T0).validate(new Claims().ticket());
        assertEquals(TicketSaParameters.defaults(CipherSuite.AES_128_CCM_8), c.sa());
        assertArrayEquals(Bytes.fromHex("c7c7c7c7"), c.cti());
        assertTrue(c.cnfKid().isEmpty());
    }

    @Test
    void cwtTagWrappedAndUntaggedTicketsValidate() throws Exception {
        byte[] t = TestTickets.issue(T0, 100, 15).ticket();
        byte[] wrapped = new byte[t.length + 2];
        wrapped[0] = (byte) 0xd8;
        wrapped[1] = 0x3d; // tag 61, RFC 8392 §6
        System.arraycopy(t, 0, wrapped, 2, t.length);
        TestTickets.validator(T0).validate(wrapped);
        TestTickets.validator(T0).validate(java.util.Arrays.copyOfRange(t, 1, t.length)); // untagged
        byte[] otherTag = t.clone();
        otherTag[0] = (byte) 0xd2; // tag 18: a COSE_Sign1 shape with 3 elements
        assertEquals(Reason.MALFORMED_CBOR, refusal(TestTickets.validator(T0), otherTag));
    }

    @Test
    void expiredAtExpAndWithinSkewBefore() throws Exception {
        byte[] t = TestTickets.issue(T0, 100, 3).ticket();
        assertEquals(Reason.EXPIRED, refusal(TestTickets.validator(T0 + 100), t));
        assertEquals(Reason.EXPIRED, refusal(TestTickets.validator(T0 + 10_000), t));
        TestTickets.validator(T0 + 99).validate(t);
        TicketValidator skewed = new TicketValidator(RS, List.of(AS_KEY), TestTickets.clockAt(T0 + 129),
                new ReplayCache(10), 30);
        skewed.validate(t);
        TicketValidator skewedLate = new TicketValidator(RS, List.of(AS_KEY), TestTickets.clockAt(T0 + 130),
                new ReplayCache(10), 30);
        assertEquals(Reason.EXPIRED, refusal(skewedLate, t));
    }

    @Test
    void notYetValidBeforeNbf() throws Exception {
        byte[] t = TestTickets.issue(T0, 100, 4).ticket();
        assertEquals(Reason.NOT_YET_VALID, refusal(TestTickets.validator(T0 - 1), t));
        new TicketValidator(RS, List.of(AS_KEY), TestTickets.clockAt(T0 - 5), new ReplayCache(10), 5).validate(t);
        // a float nbf is rounded up: 0.5 s early is still early
        byte[] nbfHalfPast = new Claims().put(TicketClaims.NBF, enc(w -> w.raw(float64(T0 + 0.5)))).ticket();
        assertEquals(Reason.NOT_YET_VALID, refusal(TestTickets.validator(T0), nbfHalfPast));
        TestTickets.validator(T0 + 1).validate(nbfHalfPast);
    }

    static byte[] float64(double d) {
        byte[] out = new byte[9];
        out[0] = (byte) 0xfb;
        org.recsec.record.internal.wire.Bytes.writeUint64Be(out, 1, Double.doubleToLongBits(d));
        return out;
    }

    @Test
    void wrongAudience() {
        byte[] t = TestTickets.issue(T0, 100, 5).ticket();
        TicketValidator other = new TicketValidator("coap://other.example", List.of(AS_KEY), TestTickets.clockAt(T0),
                new ReplayCache(10), 0);
        assertEquals(Reason.WRONG_AUDIENCE, refusal(other, t));
    }

    @Test
    void audienceArray() throws Exception {
        byte[] listed = new Claims().put(TicketClaims.AUD,
                enc(w -> w.arrayHeader(2).text("coap://a.example").text(RS))).ticket();
        TestTickets.validator(T0).validate(listed);
        byte[] notListed = new Claims().put(TicketClaims.AUD,
                enc(w -> w.arrayHeader(1).text("coap://a.example"))).ticket();
        assertEquals(Reason.WRONG_AUDIENCE, refusal(TestTickets.validator(T0), notListed));
        byte[] badItem = new Claims().put(TicketClaims.AUD, enc(w -> w.arrayHeader(2).text(RS).integer(1))).ticket();
        assertEquals(Reason.INVALID_CLAIM, refusal(TestTickets.validator(T0), badItem));
        byte[] empty = new Claims().put(TicketClaims.AUD, enc(w -> w.arrayHeader(0))).ticket();
        assertEquals(Reason.INVALID_CLAIM, refusal(TestTickets.validator(T0), empty));
    }

    @Test
    void replayedTicketIsRefusedUntilItExpires() throws Exception {
        ReplayCache cache = new ReplayCache(10);
        byte[] t = TestTickets.issue(T0, 100, 6).ticket();
        TestTickets.validator(T0, cache).validate(t);
        assertEquals(Reason.REPLAYED, refusal(TestTickets.validator(T0, cache), t));
        assertEquals(Reason.REPLAYED, refusal(TestTickets.validator(T0 + 99, cache), t));
        assertEquals(Reason.EXPIRED, refusal(TestTickets.validator(T0 + 100, cache), t));
        assertEquals(1, cache.size());
    }

    @Test
    void fullCacheRefusesNewTicketsUntilEntriesExpire() throws Exception {
        ReplayCache cache = new ReplayCache(2);
        TestTickets.validator(T0, cache).validate(TestTickets.issue(T0, 100, 7).ticket());
        TestTickets.validator(T0, cache).validate(TestTickets.issue(T0, 200, 8).ticket());
        byte[] third = TestTickets.issue(T0, 300, 9).ticket();
        assertEquals(Reason.REPLAY_CACHE_FULL, refusal(TestTickets.validator(T0 + 1, cache), third));
        assertEquals(2, cache.size());
        TestTickets.validator(T0 + 100, cache).validate(third); // the first entry expired and was purged
        assertEquals(2, cache.size());
        assertEquals(Reason.REPLAYED, refusal(TestTickets.validator(T0 + 100, cache), third));
    }

    @Test
    void refusedTicketsLeaveNoReplayState() throws Exception {
        ReplayCache cache = new ReplayCache(10);
        byte[] t = TestTickets.issue(T0, 100, 10).ticket();
        TicketValidator other = new TicketValidator("coap://other.example", List.of(AS_KEY), TestTickets.clockAt(T0),
                cache, 0);
        assertEquals(Reason.WRONG_AUDIENCE, refusal(other, t));
        assertEquals(0, cache.size());
        TestTickets.validator(T0, cache).validate(t);
    }

    @Test
    void badTagForWrongKeyOrTamperedCiphertext() {
        byte[] t = TestTickets.issue(T0, 100, 11).ticket();
        AsKey wrong = AsKey.of(KID, SecretBytes.copyOf(new byte[16]));
        TicketValidator v = new TicketValidator(RS, List.of(wrong), TestTickets.clockAt(T0), new ReplayCache(10), 0);
        assertEquals(Reason.BAD_TAG, refusal(v, t));
        byte[] x = t.clone();
        x[x.length - 1] ^= 1;
        assertEquals(Reason.BAD_TAG, refusal(TestTickets.validator(T0), x));
    }

    @Test
    void badKeyForUnknownOrMissingKid() {
        byte[] claims = new Claims().encode();
        byte[] unknownKid = TestTickets.encrypt0(Bytes.fromHex("a1010a"),
                enc(w -> w.mapHeader(2).integer(4).bytes(Bytes.fromHex("b6")).integer(5).bytes(TestTickets.IV)),
                claims);
        assertEquals(Reason.BAD_KEY, refusal(TestTickets.validator(T0), unknownKid));
        byte[] noKid = TestTickets.encrypt0(Bytes.fromHex("a1010a"),
                enc(w -> w.mapHeader(1).integer(5).bytes(TestTickets.IV)), claims);
        assertEquals(Reason.BAD_KEY, refusal(TestTickets.validator(T0), noKid));
    }

    @Test
    void unsupportedAlgorithms() {
        byte[] claims = new Claims().encode();
        byte[] alg11 = TestTickets.encrypt0(Bytes.fromHex("a1010b"), TestTickets.kidIvHeader(), claims);
        assertEquals(Reason.UNSUPPORTED_ALG, refusal(TestTickets.validator(T0), alg11));
        byte[] algText = TestTickets.encrypt0(enc(w -> w.mapHeader(1).integer(1).text("A128CCM")),
                TestTickets.kidIvHeader(), claims);
        assertEquals(Reason.UNSUPPORTED_ALG, refusal(TestTickets.validator(T0), algText));
        byte[] mac0 = Rfc8392VectorsTest.token("maced"); // a valid COSE_Mac0 CWT is not a ticket
        assertEquals(Reason.UNSUPPORTED_ALG, refusal(TestTickets.validator(T0), mac0));
    }

    @Test
    void malformedStructures() {
        byte[] t = TestTickets.issue(T0, 100, 12).ticket();
        byte[] trailing = java.util.Arrays.copyOf(t, t.length + 1);
        assertEquals(Reason.MALFORMED_CBOR, refusal(TestTickets.validator(T0), trailing));
        assertEquals(Reason.MALFORMED_CBOR, refusal(TestTickets.validator(T0), new byte[0]));
        assertEquals(Reason.MALFORMED_CBOR, refusal(TestTickets.validator(T0), new byte[TicketValidator.MAX_TICKET_BYTES
                + 1]));
        byte[] claims = new Claims().encode();
        byte[] unprotectedAlg = TestTickets.encrypt0(new byte[0],
                enc(w -> w.mapHeader(3).integer(1).integer(10).integer(4).bytes(KID).integer(5).bytes(TestTickets.IV)),
                claims);
        assertEquals(Reason.MALFORMED_CBOR, refusal(TestTickets.validator(T0), unprotectedAlg));
        byte[] shortIv = TestTickets.encrypt0(Bytes.fromHex("a1010a"),
                enc(w -> w.mapHeader(2).integer(4).bytes(KID).integer(5).bytes(new byte[12])), claims);
        assertEquals(Reason.MALFORMED_CBOR, refusal(TestTickets.validator(T0), shortIv));
        byte[] claimsNotMap = TicketIssuer.seal(AS_KEY, TestTickets.IV, enc(w -> w.arrayHeader(0)));
        assertEquals(Reason.MALFORMED_CBOR, refusal(TestTickets.validator(T0), claimsNotMap));
        byte[] dupClaim = TicketIssuer.seal(AS_KEY, TestTickets.IV,
                enc(w -> w.mapHeader(2).integer(4).integer(1).integer(4).integer(2)));
        assertEquals(Reason.MALFORMED_CBOR, refusal(TestTickets.validator(T0), dupClaim));
        byte[] labelTwice = TestTickets.encrypt0(Bytes.fromHex("a1010a"),
                enc(w -> w.mapHeader(3).integer(1).integer(10).integer(4).bytes(KID).integer(5).bytes(TestTickets.IV)),
                claims);
        assertEquals(Reason.MALFORMED_CBOR, refusal(TestTickets.validator(T0), labelTwice));
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] t = TestTickets.issue(T0, 100, 13).ticket();
        for (int n = 0; n < t.length; n++) {
            byte[] p = java.util.Arrays.copyOf(t, n);
            assertThrows(TicketException.class, () -> TestTickets.validator(T0).validate(p), "length " + n);
        }
    }

    @Test
    void everySingleBitFlipIsRefusedAndLeavesNoState() {
        byte[] t = TestTickets.issue(T0, 100, 14).ticket();
        ReplayCache cache = new ReplayCache(10);
        TicketValidator v = TestTickets.validator(T0, cache);
        for (int bit = 0; bit < t.length * 8; bit++) {
            byte[] x = t.clone();
            x[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(TicketException.class, () -> v.validate(x), "bit " + bit);
        }
        assertEquals(0, cache.size());
    }

    @Test
    void missingClaims() throws Exception {
        for (long key : new long[] {TicketClaims.AUD, TicketClaims.EXP, TicketClaims.CTI, TicketClaims.CNF,
                TicketClaims.SA_SUITE}) {
            byte[] t = new Claims().remove(key).ticket();
            assertEquals(Reason.MISSING_CLAIM, refusal(TestTickets.validator(T0), t), "claim " + key);
        }
        // optional ones may go
        for (long key : new long[] {TicketClaims.ISS, TicketClaims.NBF, TicketClaims.IAT}) {
            TicketClaims c = TestTickets.validator(T0).validate(new Claims().remove(key).ticket());
            assertEquals(T0 + 3600, c.expiresAtEpochSeconds(), "claim " + key);
        }
    }

    @Test
    void rfc8392A5IsAValidCwtButNotATicket() {
        AsKey a21 = AsKey.of(Bytes.fromHex("53796d6d6574726963313238"),
                SecretBytes.copyOf(Bytes.fromHex("231f4c4d4d3051fdc2ec0a3851d5b383")));
        TicketValidator v = new TicketValidator("coap://light.example.com", List.of(a21),
                TestTickets.clockAt(1443944944L), new ReplayCache(10), 0);
        assertEquals(Reason.MISSING_CLAIM, refusal(v, Rfc8392VectorsTest.token("encrypted")));
    }

    @Test
    void invalidClaims() {
        byte[][] bad = {
            new Claims().put(TicketClaims.EXP, enc(w -> w.text("tomorrow"))).ticket(),
            new Claims().put(TicketClaims.ISS, enc(w -> w.integer(1))).ticket(),
            new Claims().put(TicketClaims.CTI, enc(w -> w.bytes(new byte[0]))).ticket(),
            new Claims().put(TicketClaims.CTI, enc(w -> w.bytes(new byte[65]))).ticket(),
            new Claims().put(TicketClaims.CTI, enc(w -> w.text("c7"))).ticket(),
            new Claims().put(TicketClaims.CNF, Claims.cnf(enc(w -> w.integer(2)), enc(w -> w.bytes(new byte[16]))))
                    .ticket(),
            new Claims().put(TicketClaims.CNF, Claims.cnf(enc(w -> w.integer(4)), enc(w -> w.bytes(new byte[8]))))
                    .ticket(),
            new Claims().put(TicketClaims.CNF, enc(w -> w.mapHeader(1).integer(3).bytes(new byte[4]))).ticket(),
            new Claims().put(TicketClaims.SA_SUITE, enc(w -> w.integer(0x1234))).ticket(),
            new Claims().put(TicketClaims.SA_SUITE, enc(w -> w.integer(-1))).ticket(),
            new Claims().put(TicketClaims.SA_RECORD_PROFILE, enc(w -> w.text("tls13"))).ticket(),
            new Claims().put(TicketClaims.SA_REPLAY_WINDOW, enc(w -> w.integer(0))).ticket(),
            new Claims().put(TicketClaims.SA_REPLAY_WINDOW, enc(w -> w.integer(1025))).ticket(),
            new Claims().put(TicketClaims.SA_SOFT_SECONDS, enc(w -> w.integer(100)))
                    .put(TicketClaims.SA_HARD_SECONDS, enc(w -> w.integer(50))).ticket(),
            new Claims().put(TicketClaims.SA_HARD_BYTES, enc(w -> w.integer(-5))).ticket(),
        };
        for (int i = 0; i < bad.length; i++) {
            assertEquals(Reason.INVALID_CLAIM, refusal(TestTickets.validator(T0), bad[i]), "case " + i);
        }
    }

    @Test
    void validatorArgumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new TicketValidator(RS, List.of(), TestTickets.clockAt(0),
                new ReplayCache(1), 0));
        assertThrows(IllegalArgumentException.class, () -> new TicketValidator(RS, List.of(AS_KEY, AS_KEY),
                TestTickets.clockAt(0), new ReplayCache(1), 0));
        assertThrows(IllegalArgumentException.class, () -> new TicketValidator(RS, List.of(AS_KEY),
                TestTickets.clockAt(0), new ReplayCache(1), 301));
        assertThrows(IllegalArgumentException.class, () -> AsKey.of(KID, SecretBytes.copyOf(new byte[32])));
        assertThrows(IllegalArgumentException.class, () -> new ReplayCache(0));
    }
}
