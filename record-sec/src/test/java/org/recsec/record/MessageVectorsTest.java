package org.recsec.record;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.OptionClass;

import org.recsec.record.internal.wire.Bytes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.Option;
import org.eclipse.californium.core.coap.option.MapBasedOptionRegistry;
import org.eclipse.californium.core.coap.option.OpaqueOptionDefinition;
import org.eclipse.californium.core.coap.option.StandardOptionRegistry;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.internal.crypto.RecordCiphers;
import org.recsec.vectors.SpecVectors;

/**
 * message-dtls12.json checked three ways: our protect reproduces the bytes; Californium's parser and Bouncy Castle's
 * AEAD engines (with the RFC 6655/5288/7905 nonce and RFC 5246 AAD rules written out here) open them to the
 * expected inner plaintext; our unprotect gives the plain message back.
 */
class MessageVectorsTest {
    private static final LocalId LOCAL = LocalId.of("local");
    private static final PeerId PEER = PeerId.of("peer");
    private static final int RECORD_SECURITY = 65001;
    private static final int REQUEST_SEQUENCE = 65002;
    /** Class U options per RFC 8613 Figure 5, written out independently of OptionClass. */
    private static final Set<Integer> OUTER_ONLY = Set.of(3, 7, 35, 39);

    private static final UdpDataParser CALIFORNIUM = new UdpDataParser(false, new MapBasedOptionRegistry(
            StandardOptionRegistry.getDefaultOptionRegistry(),
            new OpaqueOptionDefinition(RECORD_SECURITY, "Record-Security", true, 0, 4),
            new OpaqueOptionDefinition(REQUEST_SEQUENCE, "Request-Sequence", true, 0, 8)));

    static Stream<JsonNode> vectors() {
        return SpecVectors.vectors("message-dtls12.json").stream();
    }

    @org.junit.jupiter.api.Test
    void coversWhatTheIssueAsksFor() {
        assertTrue(vectors().count() >= 6);
        assertEquals(Set.of("c0a8", "c0a4", "00a8", "ccab"),
                vectors().map(v -> v.get("suite").asText()).collect(java.util.stream.Collectors.toSet()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void protectReproducesTheVector(JsonNode v) throws RecSecException {
        CipherSuite suite = CipherSuite.forCode(Integer.parseInt(v.get("suite").asText(), 16));
        byte[] plainBytes = SpecVectors.hex(v, "plain");
        CoapMessage plain = CoapCodec.decode(plainBytes, 0, plainBytes.length);
        InMemorySaRegistry reg = new InMemorySaRegistry();
        reg.install(ManualSa.outbound(suite).spi(v.get("spi").asLong()).epoch(v.get("epoch").asInt())
                .firstSequence(v.get("seq").asLong()).route(LOCAL, PEER).key(SecretBytes.copyOf(SpecVectors.hex(v, "key")))
                .iv(SpecVectors.hex(v, "iv")).build());
        RecordProtector p = new RecordProtector(reg);
        CoapMessage out = plain.isRequest() ? p.protectRequest(plain, LOCAL, PEER).outer()
                : p.protectResponse(plain, new RequestContext(LOCAL, PEER, v.get("request_sequence").asLong()));
        assertEquals(Bytes.toHex(SpecVectors.hex(v, "protected")), Bytes.toHex(CoapCodec.encode(out)), v.get("name").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void independentPathOpensTheVector(JsonNode v) throws Exception {
        String name = v.get("name").asText();
        String suite = v.get("suite").asText();
        Message plain = CALIFORNIUM.parseMessage(SpecVectors.hex(v, "plain"));
        Message outer = CALIFORNIUM.parseMessage(SpecVectors.hex(v, "protected"));
        assertEquals(plain.getType(), outer.getType(), name);
        assertEquals(plain.getMID(), outer.getMID(), name);
        assertArrayEquals(plain.getTokenBytes(), outer.getTokenBytes(), name);
        boolean observe = plain.getOptions().hasObserve();
        int outerCode = outer.getRawCode();
        if (plain.getRawCode() < 32) {
            assertEquals(observe ? 0x05 : 0x02, outerCode, name + ": POST/FETCH outside");
        } else {
            assertEquals(observe ? 0x45 : 0x44, outerCode, name + ": 2.04/2.05 outside");
        }
        List<Option> outerOptions = outer.getOptions().asSortedList();
        byte[] spi = outerOptions.stream().filter(o -> o.getNumber() == RECORD_SECURITY).findFirst().orElseThrow().getValue();
        assertEquals(v.get("spi").asLong(), spi.length == 0 ? 0 : new java.math.BigInteger(1, spi).longValue(), name);
        assertTrue(spi.length == 0 || spi[0] != 0, "minimal SPI encoding");

        byte[] record = outer.getPayload();
        assertEquals(23, record[0]);
        assertEquals(0xfe, record[1] & 0xff);
        assertEquals(0xfd, record[2] & 0xff);
        long epoch = ((record[3] & 0xff) << 8) | (record[4] & 0xff);
        long seq = new java.math.BigInteger(1, Arrays.copyOfRange(record, 5, 11)).longValue();
        assertEquals(v.get("epoch").asLong(), epoch, name);
        assertEquals(v.get("seq").asLong(), seq, name);
        assertEquals(record.length - 13, ((record[11] & 0xff) << 8) | (record[12] & 0xff), name);

        byte[] pt = bcOpen(suite, SpecVectors.hex(v, "key"), SpecVectors.hex(v, "iv"), record);
        assertEquals(plain.getRawCode(), pt[1] & 0xff, name + ": inner code");
        assertEquals(1, pt[0], name + ": inner version");
        // Californium parses the inner options and payload when given a header in front of them.
        byte[] asMessage = new byte[pt.length + 2];
        asMessage[0] = 0x40;
        asMessage[1] = pt[1];
        System.arraycopy(pt, 2, asMessage, 4, pt.length - 2);
        Message inner = CALIFORNIUM.parseMessage(asMessage);
        assertArrayEquals(plain.getPayload(), inner.getPayload(), name);
        List<String> expected = new ArrayList<>();
        for (Option o : plain.getOptions().asSortedList()) {
            if (!OUTER_ONLY.contains(o.getNumber())) {
                expected.add(o.getNumber() + "=" + Bytes.toHex(o.getValue()));
            }
        }
        if (plain.getOptions().hasProxyUri()) {
            expected.clear();
            expected.addAll(List.of("11=" + Bytes.toHex("lights".getBytes()), "11=" + Bytes.toHex("1".getBytes()),
                    "15=" + Bytes.toHex("level=high".getBytes())));
        }
        if (v.has("request_sequence")) {
            expected.add(REQUEST_SEQUENCE + "=" + Bytes.toHex(Bytes.minimalUintBe(v.get("request_sequence").asLong())));
        }
        List<String> got = new ArrayList<>();
        for (Option o : inner.getOptions().asSortedList()) {
            got.add(o.getNumber() + "=" + Bytes.toHex(o.getValue()));
        }
        assertEquals(expected, got, name + ": inner Class E options");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void unprotectGivesThePlainMessageBack(JsonNode v) throws RecSecException {
        CipherSuite suite = CipherSuite.forCode(Integer.parseInt(v.get("suite").asText(), 16));
        InMemorySaRegistry reg = new InMemorySaRegistry();
        reg.install(ManualSa.inbound(suite).spi(v.get("spi").asLong()).epoch(v.get("epoch").asInt()).replayWindow(64)
                .route(LOCAL, PEER).key(SecretBytes.copyOf(SpecVectors.hex(v, "key"))).iv(SpecVectors.hex(v, "iv"))
                .build());
        RecordProtector p = new RecordProtector(reg);
        byte[] prot = SpecVectors.hex(v, "protected");
        byte[] plainBytes = SpecVectors.hex(v, "plain");
        CoapMessage plain = CoapCodec.decode(plainBytes, 0, plainBytes.length);
        CoapMessage outer = CoapCodec.decode(prot, 0, prot.length);
        if (plain.isRequest()) {
            CoapMessage got = p.unprotectRequest(outer).message();
            if (plain.hasOption(35)) {
                assertEquals("lights", got.option(11).orElseThrow().stringValue());
                assertEquals("level=high", got.option(15).orElseThrow().stringValue());
            } else {
                assertEquals(plain, got);
            }
        } else {
            long binding = v.get("request_sequence").asLong();
            ProtectedRequest sent = new ProtectedRequest(outer.withCode(1), binding, PEER, LOCAL);
            assertEquals(plain, p.unprotectResponse(outer, sent));
        }
    }



    /** RFC 6655 §3 / RFC 5288 §3 / RFC 7905 §2 nonces and the RFC 5246 §6.2.3.3 AAD, with BC's engines. */
    static byte[] bcOpen(String suite, byte[] key, byte[] iv, byte[] record) throws Exception {
        byte[] seqNum = Arrays.copyOfRange(record, 3, 11);
        int explicit = suite.equals("ccab") ? 0 : 8;
        int tagLen = suite.equals("c0a8") ? 8 : 16;
        int ptLen = record.length - 13 - explicit - tagLen;
        byte[] nonce = new byte[12];
        if (explicit == 8) {
            System.arraycopy(iv, 0, nonce, 0, 4);
            System.arraycopy(record, 13, nonce, 4, 8);
        } else {
            for (int i = 0; i < 12; i++) {
                nonce[i] = (byte) (iv[i] ^ (i < 4 ? 0 : seqNum[i - 4]));
            }
        }
        byte[] aad = new byte[13];
        System.arraycopy(seqNum, 0, aad, 0, 8);
        aad[8] = record[0];
        aad[9] = record[1];
        aad[10] = record[2];
        aad[11] = (byte) (ptLen >> 8);
        aad[12] = (byte) ptLen;
        AEADCipher c = switch (suite) {
            case "c0a8", "c0a4" -> CCMBlockCipher.newInstance(AESEngine.newInstance());
            case "00a8" -> GCMBlockCipher.newInstance(AESEngine.newInstance());
            case "ccab" -> new ChaCha20Poly1305();
            default -> throw new IllegalArgumentException(suite);
        };
        c.init(false, new AEADParameters(new KeyParameter(key), tagLen * 8, nonce, aad));
        int off = 13 + explicit;
        byte[] out = new byte[c.getOutputSize(record.length - off)];
        int n = c.processBytes(record, off, record.length - off, out, 0);
        n += c.doFinal(out, n);
        return Arrays.copyOf(out, n);
    }
}
