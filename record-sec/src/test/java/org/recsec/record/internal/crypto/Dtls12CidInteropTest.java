package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * Protected CoAP messages of the dtls12-cid profile against Bouncy Castle's RFC 9146 record protection: BC opens the
 * record a protected request carries (and finds the inner plaintext recsec put there), and a record BC seals around
 * an inner plaintext is accepted by our server as the request it encodes.
 */
class Dtls12CidInteropTest {
    private static final LocalId CLIENT = LocalId.of("coap://client");
    private static final PeerId SERVER = PeerId.of("coap://server");
    private static final long SPI = 0x4242;

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void bouncyCastleOpensOursAndWeOpenBouncyCastles(CipherSuite suite) throws Exception {
        Random rnd = new Random(suite.ordinal());
        byte[] key = new byte[suite.keySizeBytes()];
        byte[] iv = new byte[suite.ivSizeBytes()];
        rnd.nextBytes(key);
        rnd.nextBytes(iv);
        InMemorySaRegistry client = new InMemorySaRegistry();
        client.install(ManualSa.outbound(suite).profile(RecordProfile.DTLS12_CID).spi(SPI).epoch(1)
                .route(CLIENT, SERVER).key(SecretBytes.copyOf(key)).iv(iv).firstSequence(7).build());
        InMemorySaRegistry server = new InMemorySaRegistry();
        server.install(ManualSa.inbound(suite).profile(RecordProfile.DTLS12_CID).spi(SPI).epoch(1)
                .route(SERVER.asLocal(), CLIENT.asPeer()).key(SecretBytes.copyOf(key)).iv(iv).build());
        CoapMessage get = new CoapMessage(CoapMessage.TYPE_CON, 0x01, 0x1234, new byte[] {9, 9},
                List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "temp")), new byte[0]);

        ProtectedRequest req = new RecordProtector(client).protectRequest(get, CLIENT, SERVER);
        byte[] record = req.outer().payload();
        byte[] cid = Dtls12CidRecordCipher.cidOf(SPI);
        BcTlsRecordProtection.CidOpened bc = BcTlsRecordProtection.openCid(suite, key, iv, cid, record);
        assertEquals(23, bc.contentType(), "real type application_data");
        // inner plaintext: 000000VV(01) ‖ code GET ‖ Uri-Path "temp"
        assertArrayEquals(new byte[] {0x01, 0x01, (byte) 0xb4, 't', 'e', 'm', 'p'}, bc.content());

        // BC seals the same inner plaintext under the next sequence number; our server opens it.
        byte[] bcRecord = BcTlsRecordProtection.sealCid(suite, key, iv, cid, 23, 1, 8, bc.content());
        CoapMessage fromBc = req.outer().withPayload(bcRecord);
        RecordProtector serverProtector = new RecordProtector(server);
        assertEquals(get, serverProtector.unprotectRequest(fromBc).message());
        assertEquals(get, serverProtector.unprotectRequest(req.outer()).message()); // seq 7, inside the window
        RecSecException replay = org.junit.jupiter.api.Assertions.assertThrows(RecSecException.class,
                () -> serverProtector.unprotectRequest(fromBc));
        assertEquals(RecSecException.Reason.REPLAY, replay.reason());
    }
}
