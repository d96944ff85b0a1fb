package org.recsec.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsec.record.ManualSa;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.ReplayWindow;

/**
 * The benchmarks measure what they claim: every operation really protects or unprotects, sequence numbers
 * advance across the ring reset, the replay window moves, and the AEAD baselines agree with Bouncy Castle.
 * Runs the benchmark methods directly, without JMH.
 */
class BenchTest {

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"GET,dtls12", "POST64,dtls12", "POST1024,dtls12", "GET,compact",
        "POST64,compact", "POST1024,compact", "GET,dtls12-cid", "POST1024,dtls12-cid"})
    void recordSecUnprotectsEveryRingEntryAcrossResets(Messages.Kind kind, String profile) throws Exception {
        RecordSecBench b = new RecordSecBench();
        b.message = kind.name();
        b.profile = profile;
        b.setUp();
        CoapMessage plain = Messages.recsecRequest(kind, 0);
        long previous = -1;
        for (int i = 0; i < 2 * RecordSecBench.RING + 5; i++) {
            UnprotectedRequest u = b.unprotect();
            assertEquals(plain.code(), u.message().code(), "op " + i);
            assertEquals(plain.options(), u.message().options(), "op " + i);
            assertArrayEquals(plain.payload(), u.message().payload(), "op " + i);
            long seq = u.context().requestSequence() & ManualSa48.MASK;
            // Within a pass the sequence number goes up by one; at a reset it starts again at 1.
            assertTrue(seq == previous + 1 || (i % RecordSecBench.RING == 0 && seq == 1), "op " + i + " seq " + seq);
            previous = seq;
            var in = (ManualSa.Inbound) b.serverRegistry().inbound(RecordSecBench.SPI_TO_SERVER);
            assertEquals(seq, in.highestAccepted(), "window must move with every accepted record");
        }
    }

    @ParameterizedTest
    @EnumSource(Messages.Kind.class)
    void recordSecProtectAdvancesAndUnprotects(Messages.Kind kind) throws Exception {
        RecordSecBench b = new RecordSecBench();
        b.message = kind.name();
        b.setUp();
        ProtectedRequest first = b.protect();
        ProtectedRequest second = b.protect();
        assertEquals(first.requestSequence() + 1, second.requestSequence());
        assertTrue(first.outer().hasOption(OptionNumbers.RECORD_SECURITY));
        org.recsec.record.InMemorySaRegistry server = new org.recsec.record.InMemorySaRegistry();
        RecordSecBench.installServerSas(server);
        RecordProtector p = new RecordProtector(server);
        assertArrayEquals(Messages.payload(kind), p.unprotectRequest(first.outer()).message().payload());
        RecSecException replay = assertThrows(RecSecException.class, () -> p.unprotectRequest(first.outer()));
        assertEquals(RecSecException.Reason.REPLAY, replay.reason());
    }

    @ParameterizedTest
    @EnumSource(Messages.Kind.class)
    void oscoreUnprotectsEveryRingEntryAcrossResets(Messages.Kind kind) throws Exception {
        OscoreBench b = new OscoreBench();
        b.message = kind.name();
        b.setUp();
        for (int i = 0; i < 2 * RecordSecBench.RING + 5; i++) {
            Request r = b.unprotect();
            assertEquals(Messages.oscoreCode(kind), r.getCode(), "op " + i);
            assertEquals(List.of("sensors", "temp"), r.getOptions().getUriPath(), "op " + i);
            assertArrayEquals(Messages.payload(kind), r.getPayload(), "op " + i);
            OSCoreCtx ctx = b.serverDb().getContext(OscoreBench.CLIENT_ID);
            // cf-oscore's window: bit k set = lowest + k accepted. Sequence numbers 0 .. j of this pass are in.
            int j = i % RecordSecBench.RING;
            assertEquals(Math.max(0, j - 31), ctx.getLowestRecipientSeq(), "op " + i);
            assertEquals(Math.min(j + 1, 32), Integer.bitCount(ctx.getRecipientReplayWindow()), "op " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Messages.Kind.class)
    void oscoreProtectAdvances(Messages.Kind kind) throws Exception {
        OscoreBench b = new OscoreBench();
        b.message = kind.name();
        b.setUp();
        Request first = b.protect();
        Request second = b.protect();
        assertEquals(CoAP.Code.POST, first.getCode());
        assertNotEquals(new org.eclipse.californium.oscore.OscoreOptionDecoder(first.getOptions().getOscore())
                        .getSequenceNumber(),
                new org.eclipse.californium.oscore.OscoreOptionDecoder(second.getOptions().getOscore())
                        .getSequenceNumber());
        assertTrue(first.getOptions().getUriPath().isEmpty(), "Uri-Path is Class E: inside");
    }

    @org.junit.jupiter.api.Test
    void post1024PlaintextIsWhatAeadBenchSeals() throws Exception {
        RecordSecBench b = new RecordSecBench();
        b.message = "POST1024";
        b.setUp();
        CoapMessage outer = b.protect().outer();
        int recordOverhead = 13 + 8 + 8; // header, explicit nonce, CCM_8 tag
        assertEquals(Integer.parseInt(AeadBench.POST1024_PLAINTEXT), outer.payloadLength() - recordOverhead);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AES_GCM", "CHACHA20_POLY1305", "CCM_8", "BC_CCM_8"})
    void aeadSealsAndOpens(String aead) throws Exception {
        for (int size : new int[] {64, 1024, 1042}) {
            AeadBench b = new AeadBench();
            b.aead = aead;
            b.size = size;
            b.setUp();
            byte[] first = b.seal().clone();
            byte[] second = b.seal().clone();
            assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(second), "fresh nonce");
            for (int i = 0; i < AeadBench.OPEN_RING + 1; i++) {
                byte[] pt = b.open();
                assertEquals(size, pt.length);
                assertEquals((byte) 1, pt[0]);
                assertEquals((byte) ((size - 1) * 13 + 1), pt[size - 1]);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void ourCcm8SealEqualsBouncyCastle() throws Exception {
        AeadBench.Raw ours = AeadBench.create("CCM_8");
        byte[] key = new byte[16];
        for (int i = 0; i < 16; i++) {
            key[i] = (byte) (i + 1);
        }
        byte[] nonce = AeadBench.nonce(42);
        byte[] aad = new byte[13];
        byte[] pt = new byte[1042];
        pt[7] = 9;
        byte[] out = new byte[pt.length + 8];
        ours.seal(nonce, aad, pt, pt.length, out);
        CCMModeCipher bc = CCMBlockCipher.newInstance(AESEngine.newInstance());
        bc.init(true, new AEADParameters(new KeyParameter(key), 64, nonce, aad));
        byte[] expected = new byte[pt.length + 8];
        int n = bc.processBytes(pt, 0, pt.length, expected, 0);
        bc.doFinal(expected, n);
        assertArrayEquals(expected, out);
    }

    /** 48-bit sequence mask of {@code epoch << 48 | seq}. */
    private static final class ManualSa48 {
        static final long MASK = (1L << 48) - 1;
    }
}
