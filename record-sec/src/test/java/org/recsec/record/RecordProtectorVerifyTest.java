package org.recsec.record;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
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
        CountingCipher card = new CountingCipher(RecordCiphers.dtls12(SUITE, SecretBytes.copyOf(KEY), IV), true);
        InMemorySaRegistry server = new InMemorySaRegistry();
        server.install(new CountingSa(inbound(300).build(), card, new java.util.concurrent.atomic.AtomicBoolean(true)));
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
