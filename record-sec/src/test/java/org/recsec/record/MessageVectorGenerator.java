package org.recsec.record;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * Writes spec-vectors/vectors/message-dtls12.json (run by hand: the committed file is the reference, and
 * {@link MessageVectorsTest} checks it by an independent path). Keys are made up for the vectors.
 */
public final class MessageVectorGenerator {
    private static final LocalId LOCAL = LocalId.of("local");
    private static final PeerId PEER = PeerId.of("peer");

    record Case(String name, CipherSuite suite, String key, String iv, int epoch, long seq, long spi,
                CoapMessage plain, long requestSequence) {
    }

    static List<Case> cases() {
        String k16 = "000102030405060708090a0b0c0d0e0f";
        String k32 = "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f";
        String salt = "a0a1a2a3";
        String iv12 = "b0b1b2b3b4b5b6b7b8b9babb";
        byte[] tok = {(byte) 0x8a, 0x1f, 0x00, 0x42, 0x10, 0x20, 0x30, 0x40};
        List<Case> out = new ArrayList<>();
        out.add(new Case("GET Uri-Path Uri-Query", CipherSuite.AES_128_CCM_8, k16, salt, 1, 1, 0x2a,
                new CoapMessage(CoapMessage.TYPE_CON, 0x01, 0x3e01, tok, List.of(
                        CoapOption.ofString(OptionNumbers.URI_HOST, "sensor.example"),
                        CoapOption.ofString(OptionNumbers.URI_PATH, "sensors"),
                        CoapOption.ofString(OptionNumbers.URI_PATH, "temp"),
                        CoapOption.ofString(OptionNumbers.URI_QUERY, "unit=C")), new byte[0]), -1));
        out.add(new Case("POST payload Content-Format", CipherSuite.AES_128_CCM_8, k16, salt, 1, 2, 0x2a,
                new CoapMessage(CoapMessage.TYPE_CON, 0x02, 0x3e02, new byte[] {0x11, 0x22}, List.of(
                        CoapOption.ofString(OptionNumbers.URI_PATH, "actuators"),
                        CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, 50)),
                        "{\"on\":true}".getBytes(StandardCharsets.UTF_8)), -1));
        out.add(new Case("GET via Proxy-Uri", CipherSuite.AES_128_GCM, k16, salt, 1, 7, 0x01020304L,
                new CoapMessage(CoapMessage.TYPE_CON, 0x01, 0x0101, new byte[] {0x55}, List.of(
                        CoapOption.ofString(OptionNumbers.PROXY_URI, "coap://server.example:5684/lights/1?level=high")),
                        new byte[0]), -1));
        out.add(new Case("Observe registration", CipherSuite.CHACHA20_POLY1305, k32, iv12, 1, 3, 0x7f,
                new CoapMessage(CoapMessage.TYPE_CON, 0x01, 0x4000, new byte[] {0x0b, 0x5e}, List.of(
                        CoapOption.ofUint(OptionNumbers.OBSERVE, 0),
                        CoapOption.ofString(OptionNumbers.URI_PATH, "alarms")), new byte[0]), -1));
        out.add(new Case("Observe notification", CipherSuite.CHACHA20_POLY1305, k32, iv12, 1, 9, 0x80,
                new CoapMessage(CoapMessage.TYPE_NON, 0x45, 0x9001, new byte[] {0x0b, 0x5e}, List.of(
                        CoapOption.ofUint(OptionNumbers.OBSERVE, 17),
                        CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, 0)),
                        "door open".getBytes(StandardCharsets.UTF_8)), (1L << 48) | 3));
        out.add(new Case("2.05 ETag Max-Age", CipherSuite.AES_128_CCM, k16, salt, 2, 0x0000_0102_0304L, 0x80,
                new CoapMessage(CoapMessage.TYPE_ACK, 0x45, 0x3e01, tok, List.of(
                        CoapOption.ofUint(OptionNumbers.ETAG, 0x1a2b3c),
                        CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, 0),
                        CoapOption.ofUint(OptionNumbers.MAX_AGE, 60)),
                        "21.5 C".getBytes(StandardCharsets.UTF_8)), (1L << 48) | 1));
        out.add(new Case("4.04 no payload", CipherSuite.AES_128_CCM_8, k16, salt, 1, 0xffff_ffff_fffeL, 0,
                new CoapMessage(CoapMessage.TYPE_ACK, 0x84, 0x0002, new byte[0], List.of(), new byte[0]),
                (1L << 48) | 0xfffffL));
        return out;
    }

    /** Protects one case with a freshly made SA whose next sequence number is the case's. */
    static CoapMessage protect(Case c) throws RecSecException {
        InMemorySaRegistry reg = new InMemorySaRegistry();
        reg.install(ManualSa.outbound(c.suite).spi(c.spi).epoch(c.epoch).firstSequence(c.seq).route(LOCAL, PEER)
                .key(SecretBytes.copyOf(Bytes.fromHex(c.key))).iv(Bytes.fromHex(c.iv)).build());
        RecordProtector p = new RecordProtector(reg);
        if (c.plain.isRequest()) {
            return p.protectRequest(c.plain, LOCAL, PEER).outer();
        }
        return p.protectResponse(c.plain, new RequestContext(LOCAL, PEER, c.requestSequence));
    }

    public static void main(String[] args) throws RecSecException {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"source\": \"recsec, made with MessageVectorGenerator; keys are made up for the vectors. ")
                .append("Checked by MessageVectorsTest through Californium's parser and Bouncy Castle's AEAD engines.\",\n")
                .append("  \"vectors\": [\n");
        List<Case> cases = cases();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            sb.append("    {\"name\": \"").append(c.name).append("\", \"suite\": \"")
                    .append(String.format("%04x", c.suite.code())).append("\", \"key\": \"").append(c.key)
                    .append("\", \"iv\": \"").append(c.iv).append("\", \"epoch\": ").append(c.epoch)
                    .append(", \"seq\": ").append(c.seq).append(", \"spi\": ").append(c.spi);
            if (c.requestSequence >= 0) {
                sb.append(", \"request_sequence\": ").append(c.requestSequence);
            }
            sb.append(",\n     \"plain\": \"").append(Bytes.toHex(CoapCodec.encode(c.plain)))
                    .append("\",\n     \"protected\": \"").append(Bytes.toHex(CoapCodec.encode(protect(c))))
                    .append("\"}").append(i + 1 < cases.size() ? ",\n" : "\n");
        }
        sb.append("  ]\n}\n");
        System.out.print(sb);
    }
}
