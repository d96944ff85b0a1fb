package org.recsec.record.fuzz;

import org.recsec.testsupport.FuzzSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.recsec.record.fuzz.ProtectorFixture.HISTORY_SEQ;
import static org.recsec.record.fuzz.ProtectorFixture.REQUEST_SEQUENCE;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.recsec.record.ManualSa;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.base.RecSecException.Reason;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.crypto.RecordHeader;

/**
 * Coverage-guided fuzzing of {@link RecordProtector#unprotectRequest} and {@link RecordProtector#unprotectResponse}
 * with the fixed SA pair of {@link ProtectorFixture}. Seeds are genuine protected messages, so the fuzzer starts
 * past the CoAP parser, the SA lookup and the tag.
 *
 * <p>Each input meets a fresh inbound SA that has already accepted one genuine message (sequence number
 * {@link ProtectorFixture#HISTORY_SEQ}). Contract: a refusal carries one of the documented reasons and leaves the
 * SA untouched (highest accepted number and use counters as before), and the genuine message carrying the refused
 * record's sequence number is still accepted afterwards; an acceptance moves the window to that number and the
 * same bytes are then refused as a replay.
 */
class UnprotectFuzzTest {
    private static final Set<Reason> REQUEST_REFUSALS = EnumSet.of(Reason.UNPROTECTED, Reason.UNKNOWN_SA,
            Reason.REPLAY, Reason.AUTH_FAILED, Reason.MALFORMED);
    private static final Set<Reason> RESPONSE_REFUSALS = EnumSet.of(Reason.UNPROTECTED, Reason.UNKNOWN_SA,
            Reason.REPLAY, Reason.AUTH_FAILED, Reason.MALFORMED, Reason.BAD_BINDING);

    private static final CoapMessage REQUEST_HISTORY;
    private static final CoapMessage RESPONSE_HISTORY;

    static {
        try {
            REQUEST_HISTORY = decode(ProtectorFixture.protectedRequest(ProtectorFixture.genericRequest(),
                    HISTORY_SEQ));
            RESPONSE_HISTORY = decode(ProtectorFixture.protectedResponse(ProtectorFixture.genericResponse(),
                    HISTORY_SEQ, REQUEST_SEQUENCE));
        } catch (RecSecException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void unprotectRequest(byte[] input) throws RecSecException {
        CoapMessage outer = decodeOrNull(input);
        if (outer == null) {
            return; // CoapCodecFuzzTest owns the datagram parser
        }
        ManualSa.Inbound in = ProtectorFixture.c2sIn();
        RecordProtector server = ProtectorFixture.protector(in);
        server.unprotectRequest(REQUEST_HISTORY);
        long highest = in.highestAccepted();
        long records = in.recordsUsed();
        long seq = recordSeq(outer);
        try {
            server.unprotectRequest(outer);
        } catch (RecSecException e) {
            assertTrue(REQUEST_REFUSALS.contains(e.reason()), e::toString);
            assertUntouched(in, highest, records);
            if (seq >= 0 && seq != HISTORY_SEQ) {
                // Throws (and fails the target) if the refusal burnt the number.
                server.unprotectRequest(decode(ProtectorFixture.protectedRequest(
                        ProtectorFixture.genericRequest(), seq)));
            }
            return;
        }
        assertAccepted(in, highest, records, seq);
        Reason again = assertThrows(RecSecException.class, () -> server.unprotectRequest(outer)).reason();
        assertEquals(Reason.REPLAY, again, "an accepted request is refused the second time");
    }

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void unprotectResponse(byte[] input) throws RecSecException {
        CoapMessage outer = decodeOrNull(input);
        if (outer == null) {
            return;
        }
        ProtectedRequest request = ProtectorFixture.pendingRequest();
        ManualSa.Inbound in = ProtectorFixture.s2cIn();
        RecordProtector client = ProtectorFixture.protector(in);
        client.unprotectResponse(RESPONSE_HISTORY, request);
        long highest = in.highestAccepted();
        long records = in.recordsUsed();
        long seq = recordSeq(outer);
        try {
            client.unprotectResponse(outer, request);
        } catch (RecSecException e) {
            assertTrue(RESPONSE_REFUSALS.contains(e.reason()), e::toString);
            assertUntouched(in, highest, records);
            if (seq >= 0 && seq != HISTORY_SEQ) {
                client.unprotectResponse(decode(ProtectorFixture.protectedResponse(
                        ProtectorFixture.genericResponse(), seq, REQUEST_SEQUENCE)), request);
            }
            return;
        }
        assertAccepted(in, highest, records, seq);
        Reason again = assertThrows(RecSecException.class, () -> client.unprotectResponse(outer, request)).reason();
        assertEquals(Reason.REPLAY, again, "an accepted response is refused the second time");
    }

    /**
     * The parser behind the tag: input = flags ‖ inner plaintext (flags bit 0: response, bit 1: the outer code of a
     * message with Observe). The harness seals the plaintext under the pair's key, so every input authenticates and
     * the fuzzer works on the inner header, the option list, the code checks and the response binding. Contract:
     * a refusal is MALFORMED (or BAD_BINDING for a response) and leaves the SA untouched; an accepted request
     * protects back to the very same record.
     */
    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void innerPlaintext(byte[] input) throws RecSecException {
        if (input.length < 1 || input.length - 1 > 1 << 14) {
            return;
        }
        boolean response = (input[0] & 1) != 0;
        boolean observeCode = (input[0] & 2) != 0;
        long seq = HISTORY_SEQ + 1;
        ManualSa.Outbound sender = response ? ProtectorFixture.s2cOut(seq) : ProtectorFixture.c2sOut(seq);
        byte[] record = sender.cipher().seal(RecordProtector.CONTENT_TYPE_APPLICATION_DATA, ProtectorFixture.EPOCH,
                seq, input, 1, input.length - 1);
        int code = response ? (observeCode ? 0x45 : 0x44) : (observeCode ? 0x05 : 0x02);
        CoapMessage outer = new CoapMessage(response ? CoapMessage.TYPE_ACK : CoapMessage.TYPE_CON, code, 0x7001,
                response ? ProtectorFixture.TOKEN : new byte[] {1, 2},
                List.of(CoapOption.ofUint(OptionNumbers.RECORD_SECURITY, sender.spi())), record);
        ManualSa.Inbound in = response ? ProtectorFixture.s2cIn() : ProtectorFixture.c2sIn();
        RecordProtector receiver = ProtectorFixture.protector(in);
        try {
            if (response) {
                CoapMessage m = receiver.unprotectResponse(outer, ProtectorFixture.pendingRequest());
                assertEquals(input[2] & 0xff, m.code());
                assertFalse(m.hasOption(OptionNumbers.REQUEST_SEQUENCE), "the binding option is removed");
            } else {
                CoapMessage m = receiver.unprotectRequest(outer).message();
                byte[] again = ProtectorFixture.protector(ProtectorFixture.c2sOut(seq))
                        .protectRequest(m, ProtectorFixture.CLIENT, ProtectorFixture.SERVER).outer().payload();
                assertArrayEquals(record, again, "unprotect-then-protect gives the same record");
            }
        } catch (RecSecException e) {
            assertTrue(e.reason() == Reason.MALFORMED || response && e.reason() == Reason.BAD_BINDING, e::toString);
            assertUntouched(in, -1, 0);
            return;
        }
        assertAccepted(in, -1, 0, seq);
    }

    private static void assertUntouched(ManualSa.Inbound in, long highest, long records) {
        assertEquals(highest, in.highestAccepted(), "a refused message moved the replay window");
        assertEquals(records, in.recordsUsed(), "a refused message was counted as used");
    }

    private static void assertAccepted(ManualSa.Inbound in, long highest, long records, long seq) {
        assertTrue(seq >= 0, "accepted without a record header");
        assertEquals(Math.max(highest, seq), in.highestAccepted());
        assertEquals(records + 1, in.recordsUsed());
    }

    /** The sequence number of the record in the payload, or -1 when the payload is no DTLS 1.2 record. */
    private static long recordSeq(CoapMessage outer) {
        byte[] record = outer.payload();
        try {
            return RecordHeader.parse(record, 0, record.length).seq();
        } catch (RecSecException e) {
            return -1;
        }
    }

    private static CoapMessage decodeOrNull(byte[] b) {
        try {
            return CoapCodec.decode(b, 0, b.length);
        } catch (RecSecException e) {
            return null;
        }
    }

    private static CoapMessage decode(byte[] b) throws RecSecException {
        return CoapCodec.decode(b, 0, b.length);
    }
}
