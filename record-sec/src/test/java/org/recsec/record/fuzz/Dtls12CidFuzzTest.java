package org.recsec.record.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.RecordProtector;
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
import org.recsec.record.internal.crypto.Dtls12CidRecordCipher;
import org.recsec.record.internal.crypto.RecordCiphers;
import org.recsec.testsupport.FuzzSupport;

/**
 * Coverage-guided fuzzing of the dtls12-cid profile's parsers: the RFC 9146 record reader ({@code readHeader}: type,
 * version, CID, length) and {@code openInner} (AEAD, DTLSInnerPlaintext padding and real type), and unprotect of a
 * dtls12-cid request.
 *
 * <p>{@code open} input: {@code suite index (1) ‖ cid (4) ‖ key ‖ iv ‖ record} (key and IV of the suite's sizes);
 * carrying the keys lets every record-dtls12-cid.json vector be a seed that authenticates. Contract: refusals are
 * MALFORMED or AUTH_FAILED only; an opened record's content sealed again under its epoch and sequence number opens
 * to the same content and type.
 *
 * <p>{@code unprotectRequest} input: the wire bytes of an outer message for a server holding one dtls12-cid inbound
 * SA (SPI 0x1001, c0a8) that has accepted one genuine request. Contract: a typed refusal, and a refused message
 * never moves the replay window.
 */
class Dtls12CidFuzzTest {
    private static final CipherSuite[] SUITES = CipherSuite.values();
    private static final byte[] KEY = new byte[16];
    private static final byte[] SALT = {1, 2, 3, 4};
    private static final LocalId SERVER = LocalId.of("coap://server");
    private static final PeerId CLIENT = PeerId.of("coap://client");

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void open(byte[] input) throws RecSecException {
        if (input.length < 5) {
            return;
        }
        CipherSuite suite = SUITES[(input[0] & 0xff) % SUITES.length];
        int off = 5 + suite.keySizeBytes() + suite.ivSizeBytes();
        if (input.length < off) {
            return;
        }
        byte[] cid = Arrays.copyOfRange(input, 1, 5);
        SecretBytes key = SecretBytes.copyOf(input, 5, suite.keySizeBytes());
        byte[] iv = Arrays.copyOfRange(input, 5 + suite.keySizeBytes(), off);
        Dtls12CidRecordCipher c = (Dtls12CidRecordCipher) RecordCiphers.dtls12Cid(suite, key, iv, cid);
        int len = input.length - off;
        Dtls12CidRecordCipher.Header h;
        try {
            h = c.readHeader(input, off, len);
        } catch (RecSecException e) {
            assertEquals(Reason.MALFORMED, e.reason(), e::getMessage);
            return;
        }
        assertTrue(h.epoch() >= 0 && h.epoch() <= 0xffff && h.seq() >= 0 && h.seq() < (1L << 48));
        Dtls12CidRecordCipher.Opened o;
        try {
            o = c.openInner(input, off, len);
        } catch (RecSecException e) {
            assertTrue(e.reason() == Reason.MALFORMED || e.reason() == Reason.AUTH_FAILED, e::getMessage);
            return;
        }
        assertTrue(o.contentType() != 0);
        if (o.contentType() == 25) {
            return; // a real type of tls12_cid: authentic, but nothing this cipher seals
        }
        byte[] resealed = c.seal(o.contentType(), h.epoch(), h.seq(), o.content(), 0, o.content().length);
        Dtls12CidRecordCipher.Opened back = c.openInner(resealed, 0, resealed.length);
        assertEquals(o.contentType(), back.contentType());
        assertArrayEquals(o.content(), back.content());
    }

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void unprotectRequest(byte[] input) throws RecSecException {
        InMemorySaRegistry server = new InMemorySaRegistry();
        ManualSa.Inbound in = ManualSa.inbound(CipherSuite.AES_128_CCM_8).profile(RecordProfile.DTLS12_CID)
                .spi(0x1001).epoch(1).route(SERVER, CLIENT).key(SecretBytes.copyOf(KEY)).iv(SALT).build();
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
            assertEquals(highest, in.highestAccepted());
            return;
        }
        assertEquals(records + 1, in.recordsUsed());
    }

    /** A genuine dtls12-cid request with sequence number {@code seq}. */
    static CoapMessage genuine(long seq) throws RecSecException {
        InMemorySaRegistry client = new InMemorySaRegistry();
        client.install(ManualSa.outbound(CipherSuite.AES_128_CCM_8).profile(RecordProfile.DTLS12_CID).spi(0x1001)
                .epoch(1).firstSequence(seq).route(CLIENT.asLocal(), SERVER.asPeer())
                .key(SecretBytes.copyOf(KEY)).iv(SALT).build());
        return new RecordProtector(client).protectRequest(new CoapMessage(CoapMessage.TYPE_CON, 0x01, 7,
                new byte[] {1, 2}, List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "temp")), new byte[0]),
                CLIENT.asLocal(), SERVER.asPeer()).outer();
    }

    /** A seed in the {@code open} layout. */
    static byte[] openSeed(int suiteIndex, byte[] cid, byte[] key, byte[] iv, byte[] record) {
        byte[] out = new byte[1 + 4 + key.length + iv.length + record.length];
        out[0] = (byte) suiteIndex;
        System.arraycopy(cid, 0, out, 1, 4);
        System.arraycopy(key, 0, out, 5, key.length);
        System.arraycopy(iv, 0, out, 5 + key.length, iv.length);
        System.arraycopy(record, 0, out, 5 + key.length + iv.length, record.length);
        return out;
    }

    static byte[] unprotectSeed(long seq) throws RecSecException {
        return CoapCodec.encode(genuine(seq));
    }
}
