package org.recsec.bench;

import java.util.List;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.OptionSet;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;

/**
 * The three requests (and the one response) every benchmark and the overhead table use, built identically for
 * record-sec ({@link CoapMessage}) and for Californium ({@link OptionSet} plus code and payload), so both stacks
 * protect the same bytes.
 *
 * <ul>
 *   <li>{@code GET}: CON GET, 8-byte token, Uri-Path {@code sensors/temp}, no payload.</li>
 *   <li>{@code POST64} / {@code POST1024}: CON POST to the same path, Content-Format 42
 *       (application/octet-stream), 64 / 1024 bytes of payload.</li>
 *   <li>the response: ACK 2.05 Content, same token, Content-Format 0 (text/plain), payload {@code 21.5}.</li>
 * </ul>
 */
public final class Messages {
    /** The request kinds, the values of the benchmarks' {@code message} parameter. */
    public enum Kind {
        GET(0), POST64(64), POST1024(1024);

        private final int payloadBytes;

        Kind(int payloadBytes) {
            this.payloadBytes = payloadBytes;
        }

        public int payloadBytes() {
            return payloadBytes;
        }

        public boolean isGet() {
            return this == GET;
        }
    }

    static final int URI_PATH = 11;
    static final int CONTENT_FORMAT = 12;
    static final int CF_OCTET_STREAM = 42;
    static final int CF_TEXT_PLAIN = 0;
    static final int CODE_GET = 0x01;
    static final int CODE_POST = 0x02;
    static final int CODE_CONTENT = 0x45;
    static final String[] PATH = {"sensors", "temp"};
    static final byte[] RESPONSE_PAYLOAD = {'2', '1', '.', '5'};

    private Messages() {
    }

    /** A fixed 8-byte token: one exchange's worth; cf-oscore's HashMapCtxDB keeps every token it ever saw. */
    public static byte[] token() {
        return new byte[] {0x5a, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
    }

    /** Deterministic payload bytes of the kind's length. */
    public static byte[] payload(Kind kind) {
        byte[] p = new byte[kind.payloadBytes()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 31 + 7);
        }
        return p;
    }

    public static int code(Kind kind) {
        return kind.isGet() ? CODE_GET : CODE_POST;
    }

    /** The request's options for record-sec, in number order. */
    public static List<CoapOption> recsecOptions(Kind kind) {
        CoapOption p0 = CoapOption.ofString(URI_PATH, PATH[0]);
        CoapOption p1 = CoapOption.ofString(URI_PATH, PATH[1]);
        return kind.isGet() ? List.of(p0, p1) : List.of(p0, p1, CoapOption.ofUint(CONTENT_FORMAT, CF_OCTET_STREAM));
    }

    /** The plain request for record-sec. */
    public static CoapMessage recsecRequest(Kind kind, int messageId) {
        return new CoapMessage(CoapMessage.TYPE_CON, code(kind), messageId, token(), recsecOptions(kind),
                payload(kind));
    }

    /** The plain 2.05 response for record-sec. */
    public static CoapMessage recsecResponse(int messageId) {
        return new CoapMessage(CoapMessage.TYPE_ACK, CODE_CONTENT, messageId, token(),
                List.of(CoapOption.ofUint(CONTENT_FORMAT, CF_TEXT_PLAIN)), RESPONSE_PAYLOAD);
    }

    /**
     * The request's options for Californium, with the empty OSCORE option that tells cf-oscore to protect the
     * request (what an application sets, RFC 8613 §2).
     */
    public static OptionSet oscoreOptions(Kind kind, boolean withOscoreOption) {
        OptionSet o = new OptionSet();
        o.addUriPath(PATH[0]);
        o.addUriPath(PATH[1]);
        if (!kind.isGet()) {
            o.setContentFormat(CF_OCTET_STREAM);
        }
        if (withOscoreOption) {
            o.setOscore(new byte[0]);
        }
        return o;
    }

    public static CoAP.Code oscoreCode(Kind kind) {
        return kind.isGet() ? CoAP.Code.GET : CoAP.Code.POST;
    }
}
