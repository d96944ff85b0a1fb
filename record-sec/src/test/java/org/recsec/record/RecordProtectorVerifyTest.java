package org.recsec.record;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.spi.InboundSa;
import org.recsec.record.spi.RecordCipher;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.crypto.RecordCiphers;

/** {@link RecordProtector#verify}: checks without accepting, and never opens twice through a stateful cipher. */
class RecordProtectorVerifyTest {
    private static final CipherSuite SUITE = CipherSuite.AES_128_GCM;
    private static final byte[] KEY = new byte[16];
    private static final byte[] IV = {1, 2, 3, 4};

    /** A cipher that counts its opens and keeps the default: opening may have side effects (a card). */
    private static final class CountingCipher implements RecordCipher {
        final RecordCipher inner = RecordCiphers.dtls12(SUITE, SecretBytes.copyOf(KEY), IV);
        final AtomicInteger opens = new AtomicInteger();

        @Override
        public byte[] seal(int contentType, int epoch, long seq, byte[] plaintext, int off, int len)
                throws RecSecException {
            return inner.seal(contentType, epoch, seq, plaintext, off, len);
        }

        @Override
        public byte[] open(byte[] record, int off, int len) throws RecSecException {
            opens.incrementAndGet();
            return inner.open(record, off, len);
        }

        @Override
        public int overheadBytes() {
            return inner.overheadBytes();
        }
    }

    /** An inbound SA whose records a {@link CountingCipher} opens, as a secure element's SA would. */
    private record CardSa(InboundSa window, CountingCipher cipher) implements InboundSa {
        @Override public long spi() { return window.spi(); }
        @Override public CipherSuite suite() { return window.suite(); }
        @Override public int epoch() { return window.epoch(); }
        @Override public LocalId localId() { return window.localId(); }
        @Override public PeerId peerId() { return window.peerId(); }
        @Override public void checkUsable() throws RecSecException { window.checkUsable(); }
        @Override public long highestAccepted() { return window.highestAccepted(); }
        @Override public boolean shouldDiscard(long seq) { return window.shouldDiscard(seq); }

        @Override
        public void reportAuthenticated(long seq, long plaintextBytes) throws RecSecException {
            window.reportAuthenticated(seq, plaintextBytes);
        }
    }

    private static ManualSa.OutboundBuilder outbound(long spi) {
        return ManualSa.outbound(SUITE).spi(spi).epoch(1).firstSequence(1).route(LocalId.of("c"), PeerId.of("s"))
                .key(SecretBytes.copyOf(KEY)).iv(IV);
    }

    private static ManualSa.InboundBuilder inbound(long spi) {
        return ManualSa.inbound(SUITE).spi(spi).epoch(1).route(LocalId.of("s"), PeerId.of("c"))
                .key(SecretBytes.copyOf(KEY)).iv(IV);
    }

    private static CoapMessage request(InMemorySaRegistry client) throws RecSecException {
        CoapMessage get = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 1, new byte[] {9},
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "a")), new byte[0]);
        return new RecordProtector(client).protectRequest(get, LocalId.of("c"), PeerId.of("s")).outer();
    }

    @Test
    void verifyMovesNothingAndSkipsTheTagOfAStatefulCipher() throws Exception {
        InMemorySaRegistry client = new InMemorySaRegistry();
        client.install(outbound(300).build());
        CountingCipher card = new CountingCipher();
        InMemorySaRegistry server = new InMemorySaRegistry();
        server.install(new CardSa(inbound(300).build(), card));
        RecordProtector p = new RecordProtector(server);
        CoapMessage outer = request(client);
        assertEquals(300, p.verify(outer));
        assertEquals(300, p.verify(outer), "verify accepted nothing, so it verifies again");
        assertEquals(0, card.opens.get(), "a stateful cipher is never asked by verify");
        p.unprotectRequest(outer);
        assertEquals(1, card.opens.get());
        assertEquals(RecSecException.Reason.REPLAY,
                assertThrows(RecSecException.class, () -> p.verify(outer)).reason());
    }

    @Test
    void verifyChecksTheTagOfASoftwareCipher() throws Exception {
        InMemorySaRegistry client = new InMemorySaRegistry();
        client.install(outbound(301).build());
        InMemorySaRegistry server = new InMemorySaRegistry();
        server.install(inbound(301).build());
        RecordProtector p = new RecordProtector(server);
        CoapMessage outer = request(client);
        byte[] record = outer.payload();
        record[record.length - 1] ^= 1;
        CoapMessage forged = outer.withPayload(record);
        assertEquals(RecSecException.Reason.AUTH_FAILED,
                assertThrows(RecSecException.class, () -> p.verify(forged)).reason());
        assertEquals(RecSecException.Reason.UNKNOWN_SA, assertThrows(RecSecException.class,
                () -> new RecordProtector(new InMemorySaRegistry()).verify(outer)).reason());
        assertEquals(301, p.verify(outer));
    }
}
