package org.recsec.record;

import java.util.List;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.internal.wire.Bytes;

/**
 * Writes spec-vectors/vectors/message-compact.json: the messages of message-dtls12.json protected with the compact
 * profile, each SA keyed by a made-up 32-byte traffic secret, the suite named by its TLS 1.3 code point. Checked by
 * MessageCompactVectorsTest against the independent RFC 9147 implementation on Bouncy Castle's raw engines.
 */
public final class MessageCompactVectorGenerator {
    static final String SECRET = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private static final LocalId LOCAL = LocalId.of("local");
    private static final PeerId PEER = PeerId.of("peer");

    private MessageCompactVectorGenerator() {
    }

    /** Sequence numbers of the compact cases: small, as a CoAP endpoint with a fresh SA has them. */
    static long seq(MessageVectorGenerator.Case c) {
        return c.seq() & 0xffff;
    }

    static CoapMessage protect(MessageVectorGenerator.Case c) throws RecSecException {
        InMemorySaRegistry reg = new InMemorySaRegistry();
        reg.install(ManualSa.outbound(c.suite()).profile(RecordProfile.COMPACT).spi(c.spi()).epoch(3)
                .firstSequence(seq(c)).route(LOCAL, PEER).secret(SecretBytes.copyOf(Bytes.fromHex(SECRET))).build());
        RecordProtector p = new RecordProtector(reg);
        if (c.plain().isRequest()) {
            return p.protectRequest(c.plain(), LOCAL, PEER).outer();
        }
        return p.protectResponse(c.plain(), new RequestContext(LOCAL, PEER, binding(c)));
    }

    /** The request's record number a response case is bound to: epoch 3, the case's request seq, low 16 bits. */
    static long binding(MessageVectorGenerator.Case c) {
        return (3L << 48) | (c.requestSequence() & 0xffff);
    }

    public static void main(String[] args) throws RecSecException {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"source\": \"recsec, made with MessageCompactVectorGenerator; secrets are made up for the ")
                .append("vectors. Compact profile (RFC 9147 records, 16-bit sequence numbers, epoch 3). Responses ")
                .append("are bound to request_sequence (epoch << 48 | seq) through the AEAD's additional data and carry ")
                .append("an empty Record-Security option; the inner plaintext has no 000000VV byte. ")
                .append("Checked by MessageCompactVectorsTest against an independent RFC 9147 implementation on ")
                .append("Bouncy Castle's raw engines.\",\n  \"vectors\": [\n");
        List<MessageVectorGenerator.Case> cases = MessageVectorGenerator.cases();
        for (int i = 0; i < cases.size(); i++) {
            MessageVectorGenerator.Case c = cases.get(i);
            sb.append("    {\"name\": \"").append(c.name()).append("\", \"suite\": \"")
                    .append(String.format("%04x", c.suite().tls13Code())).append("\", \"secret\": \"").append(SECRET)
                    .append("\", \"epoch\": 3, \"seq\": ").append(seq(c)).append(", \"seq_bytes\": 2, \"spi\": ")
                    .append(c.spi());
            if (c.requestSequence() >= 0) {
                sb.append(", \"request_sequence\": ").append(binding(c));
            }
            sb.append(",\n     \"plain\": \"").append(Bytes.toHex(CoapCodec.encode(c.plain())))
                    .append("\",\n     \"protected\": \"").append(Bytes.toHex(CoapCodec.encode(protect(c))))
                    .append("\"}").append(i + 1 < cases.size() ? ",\n" : "\n");
        }
        sb.append("  ]\n}\n");
        System.out.print(sb);
    }
}
