package org.recsec.record.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.RequestContext;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException.Reason;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.crypto.CompactRecordCipher;
import org.recsec.testsupport.FuzzSupport;

/**
 * Coverage-guided fuzzing of the compact profile's parsers: the RFC 9147 record reader ({@code readHeader}: unified
 * header, record number decryption, sequence number reconstruction; {@code open}: AEAD, inner plaintext padding and
 * type) and unprotect of a compact-profile request.
 *
 * <p>{@code open} input: {@code suite index (1) ‖ seq width flag (1) ‖ secret (32) ‖ expected next (2) ‖ record};
 * carrying the secret lets every record-dtls13.json vector be a seed that authenticates. Contract: refusals are
 * MALFORMED or AUTH_FAILED only; an opened record's content sealed again under the reconstructed sequence number
 * opens to the same content and type.
 *
 * <p>{@code unprotectRequest} input: the wire bytes of an outer message for a server holding one compact inbound SA
 * (SPI 0x1001, suite 1305) that has accepted one genuine request. Contract: a typed refusal, and a refused message
 * never moves the replay window. {@code unprotectResponse}: see there.
 */
class CompactFuzzTest {
    private static final CipherSuite[] SUITES = CipherSuite.values();
    private static final byte[] SECRET = new byte[32];
    private static final LocalId SERVER = LocalId.of("coap://server");
    private static final PeerId CLIENT = PeerId.of("coap://client");

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void open(byte[] input) throws RecSecException {
        int off = 36;
        if (input.length < off) {
            return;
        }
        CipherSuite suite = SUITES[(input[0] & 0xff) % SUITES.length];
        int seqBytes = (input[1] & 1) + 1;
        CompactRecordCipher c = CompactRecordCipher.fromSecret(suite, SecretBytes.copyOf(input, 2, 32), seqBytes);
        long expected = ((input[34] & 0xff) << 8) | (input[35] & 0xff);
        int len = input.length - off;
        CompactRecordCipher.Header h;
        try {
            h = c.readHeader(input, off, len, expected);
        } catch (RecSecException e) {
            assertEquals(Reason.MALFORMED, e.reason(), e::getMessage);
            return;
        }
        assertTrue(h.seq() >= 0 && h.seq() <= CompactRecordCipher.MAX_SEQUENCE);
        assertTrue(Math.abs(h.seq() - expected) <= (1L << (8 * seqBytes - 1)) || h.seq() < (1L << (8 * seqBytes)));
        CompactRecordCipher.Opened o;
        try {
            o = c.open(input, off, len, h, null);
        } catch (RecSecException e) {
            assertTrue(e.reason() == Reason.MALFORMED || e.reason() == Reason.AUTH_FAILED, e::getMessage);
            return;
        }
        CompactRecordCipher again = CompactRecordCipher.fromSecret(suite, SecretBytes.copyOf(input, 2, 32), seqBytes);
        byte[] resealed = again.seal(o.contentType(), h.epochBits(), h.seq(), o.content(), 0, o.content().length);
        CompactRecordCipher.Opened back = again.open(resealed, 0, resealed.length,
                again.readHeader(resealed, 0, resealed.length, h.seq()), null);
        assertEquals(o.contentType(), back.contentType());
        assertArrayEquals(o.content(), back.content());
    }

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void unprotectRequest(byte[] input) throws RecSecException {
        InMemorySaRegistry server = new InMemorySaRegistry();
        ManualSa.Inbound in = ManualSa.inbound(CipherSuite.AES_128_CCM_8).profile(RecordProfile.COMPACT).spi(0x1001)
                .epoch(3).route(SERVER, CLIENT).secret(SecretBytes.copyOf(SECRET)).build();
        server.install(in);
        RecordProtector p = new RecordProtector(server);
        p.unprotectRequest(genuine(10));
        long highest = in.highestAccepted();
        long records = in.recordsUsed();
        CoapMessage outer = ProtectorFixture.decodedOrMalformed(input);
        if (outer == null) {
            return;
        }
        try {
            p.unprotectRequest(outer);
        } catch (RecSecException e) {
            assertEquals(highest, in.highestAccepted(), "a refused message moved the replay window");
            assertEquals(records, in.recordsUsed());
            return;
        } catch (IllegalArgumentException e) {
            // CoapMessage refuses some outer messages (e.g. not a request); never after the window moved.
            assertEquals(highest, in.highestAccepted());
            return;
        }
        assertEquals(records + 1, in.recordsUsed());
    }

    /** The client's two inbound SAs from the server (a rollover: 0x2001 the newer) and its pending request. */
    private static final byte[] OLD_S2C = new byte[32];
    private static final byte[] NEW_S2C = new byte[32];
    private static final long BOUND = (3L << 48) | 10;

    static {
        Arrays.fill(OLD_S2C, (byte) 0x11);
        Arrays.fill(NEW_S2C, (byte) 0x22);
    }

    private static ManualSa.Inbound clientInbound(long spi, byte[] secret) {
        return ManualSa.inbound(CipherSuite.AES_128_CCM_8).profile(RecordProfile.COMPACT).spi(spi).epoch(3)
                .route(CLIENT.asLocal(), SERVER.asPeer()).secret(SecretBytes.copyOf(secret)).build();
    }

    private static ProtectedRequest pending() {
        CoapMessage sent = new CoapMessage(CoapMessage.TYPE_CON, 0x02, 7, new byte[] {1, 2},
                List.of(CoapOption.ofUint(OptionNumbers.RECORD_SECURITY, 0x1001)), new byte[0]);
        return new ProtectedRequest(sent, BOUND, SERVER.asPeer(), CLIENT.asLocal());
    }

    /**
     * {@code unprotectResponse} input: the wire bytes of a response for a client that sent request 10 and holds two
     * compact inbound SAs from the server (a rollover), each of which has accepted one genuine response. A compact
     * response names its SA by the request (an empty Record-Security option), so the client tries both. Contract: a
     * typed refusal never moves either replay window; an accepted response moves exactly one.
     */
    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void unprotectResponse(byte[] input) throws RecSecException {
        InMemorySaRegistry client = new InMemorySaRegistry();
        ManualSa.Inbound old = clientInbound(0x2000, OLD_S2C);
        ManualSa.Inbound newer = clientInbound(0x2001, NEW_S2C);
        client.install(old);
        client.install(newer);
        RecordProtector p = new RecordProtector(client);
        p.unprotectResponse(genuineResponse(0x2000, OLD_S2C, 0), pending());
        p.unprotectResponse(genuineResponse(0x2001, NEW_S2C, 0), pending());
        long used = old.recordsUsed() + newer.recordsUsed();
        long[] highest = {old.highestAccepted(), newer.highestAccepted()};
        CoapMessage outer = ProtectorFixture.decodedOrMalformed(input);
        if (outer == null) {
            return;
        }
        try {
            p.unprotectResponse(outer, pending());
        } catch (RecSecException e) {
            assertEquals(used, old.recordsUsed() + newer.recordsUsed(), "a refused response was counted");
            assertArrayEquals(highest, new long[] {old.highestAccepted(), newer.highestAccepted()});
            return;
        }
        assertEquals(used + 1, old.recordsUsed() + newer.recordsUsed());
    }

    /** A genuine compact response under the server's SA {@code spi}, sequence number {@code seq}, to request 10. */
    static CoapMessage genuineResponse(long spi, byte[] secret, long seq) throws RecSecException {
        InMemorySaRegistry server = new InMemorySaRegistry();
        server.install(ManualSa.outbound(CipherSuite.AES_128_CCM_8).profile(RecordProfile.COMPACT).spi(spi).epoch(3)
                .firstSequence(seq).route(SERVER, CLIENT).secret(SecretBytes.copyOf(secret)).build());
        return new RecordProtector(server).protectResponse(new CoapMessage(CoapMessage.TYPE_ACK, 0x45, 7,
                new byte[] {1, 2}, List.of(CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, 0)), "21.5".getBytes()),
                new RequestContext(SERVER, CLIENT, BOUND));
    }

    static byte[] unprotectResponseSeed(boolean newer, long seq) throws RecSecException {
        return CoapCodec.encode(genuineResponse(newer ? 0x2001 : 0x2000, newer ? NEW_S2C : OLD_S2C, seq));
    }

    /** A genuine compact request with sequence number {@code seq}. */
    static CoapMessage genuine(long seq) throws RecSecException {
        InMemorySaRegistry client = new InMemorySaRegistry();
        client.install(ManualSa.outbound(CipherSuite.AES_128_CCM_8).profile(RecordProfile.COMPACT).spi(0x1001)
                .epoch(3).firstSequence(seq).route(CLIENT.asLocal(), SERVER.asPeer())
                .secret(SecretBytes.copyOf(SECRET)).build());
        return new RecordProtector(client).protectRequest(new CoapMessage(CoapMessage.TYPE_CON, 0x01, 7,
                new byte[] {1, 2}, List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "temp")), new byte[0]),
                CLIENT.asLocal(), SERVER.asPeer()).outer();
    }

    /** Seeds: every record-dtls13.json vector in the open layout, and genuine requests for unprotect. */
    static byte[] openSeed(int suiteIndex, int seqBytes, byte[] secret, int expected, byte[] record) {
        byte[] out = new byte[36 + record.length];
        out[0] = (byte) suiteIndex;
        out[1] = (byte) (seqBytes - 1);
        System.arraycopy(secret, 0, out, 2, 32);
        out[34] = (byte) (expected >> 8);
        out[35] = (byte) expected;
        System.arraycopy(record, 0, out, 36, record.length);
        return out;
    }

    static byte[] unprotectSeed(long seq) throws RecSecException {
        return CoapCodec.encode(genuine(seq));
    }

}
