package org.recsec.record.coap;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A CoAP message as RFC 7252 §3 defines it, immutable. Options are kept in option-number order; repeated options
 * keep the order they were given in. Byte arrays are copied in and out.
 */
public final class CoapMessage {
    public static final int TYPE_CON = 0;
    public static final int TYPE_NON = 1;
    public static final int TYPE_ACK = 2;
    public static final int TYPE_RST = 3;

    private final int version;
    private final int type;
    private final int code;
    private final int messageId;
    private final byte[] token;
    private final List<CoapOption> options;
    private final byte[] payload;

    public CoapMessage(int version, int type, int code, int messageId, byte[] token, List<CoapOption> options,
                       byte[] payload) {
        if (version < 0 || version > 3) {
            throw new IllegalArgumentException("version " + version);
        }
        if (type < 0 || type > 3) {
            throw new IllegalArgumentException("type " + type);
        }
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("code " + code);
        }
        if (messageId < 0 || messageId > 0xffff) {
            throw new IllegalArgumentException("message ID " + messageId);
        }
        if (token.length > 8) {
            throw new IllegalArgumentException("token longer than 8 bytes");
        }
        this.version = version;
        this.type = type;
        this.code = code;
        this.messageId = messageId;
        this.token = token.clone();
        this.options = List.copyOf(CoapOption.inNumberOrder(options)); // one immutable copy, not a list and a view
        this.payload = payload.clone();
    }

    /** Takes the arrays and the already sorted option list over as they are: for {@link #adopt} only. */
    private CoapMessage(int version, int type, int code, int messageId, byte[] token, List<CoapOption> sortedOptions,
                        byte[] payload, boolean adopt) {
        this.version = version;
        this.type = type;
        this.code = code;
        this.messageId = messageId;
        this.token = token;
        this.options = Collections.unmodifiableList(sortedOptions);
        this.payload = payload;
    }

    /**
     * The no-copy path for this library's own codecs: the arrays and the list are taken over, not copied, and the
     * options must already be in number order. Callers pass fresh arrays nobody else holds.
     */
    static CoapMessage adopt(int version, int type, int code, int messageId, byte[] token,
                             List<CoapOption> sortedOptions, byte[] payload) {
        return new CoapMessage(version, type, code, messageId, token, sortedOptions, payload, true);
    }

    /** The payload array itself, for this library's own codecs; never modified, never handed out. */
    byte[] payloadNoCopy() {
        return payload;
    }

    /** The token array itself, for this library's own codecs; never modified, never handed out. */
    byte[] tokenNoCopy() {
        return token;
    }

    /** A version-1 message. */
    public CoapMessage(int type, int code, int messageId, byte[] token, List<CoapOption> options, byte[] payload) {
        this(1, type, code, messageId, token, options, payload);
    }

    public int version() { return version; }

    public int type() { return type; }

    public int code() { return code; }

    public int messageId() { return messageId; }

    public byte[] token() { return token.clone(); }

    public int tokenLength() { return token.length; }

    /** The options in number order (unmodifiable). */
    public List<CoapOption> options() { return options; }

    public byte[] payload() { return payload.clone(); }

    public int payloadLength() { return payload.length; }

    /** The first option with this number, or empty when the message has none (RFC 7252 §5.4). */
    public Optional<CoapOption> option(int number) {
        for (CoapOption o : options) {
            if (o.number() == number) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    public boolean hasOption(int number) {
        return option(number).isPresent();
    }

    /** Requests have a code class of 0 and a non-zero detail (RFC 7252 §12.1); 0.00 is the empty message. */
    public boolean isRequest() {
        return code != 0 && (code >>> 5) == 0;
    }

    /** Responses have code classes 2 to 5. */
    public boolean isResponse() {
        int cls = code >>> 5;
        return cls >= 2 && cls <= 5;
    }

    public boolean isEmpty() {
        return code == 0;
    }

    /** A copy with other fields replaced; handy for proxies and tests. */
    public CoapMessage withMessageId(int mid) {
        return new CoapMessage(version, type, code, mid, token, options, payload);
    }

    /** As {@link #withMessageId}; shares this message's options and payload (both immutable) instead of copying. */
    public CoapMessage withToken(byte[] newToken) {
        if (newToken.length > 8) {
            throw new IllegalArgumentException("token longer than 8 bytes");
        }
        return adopt(version, type, code, messageId, newToken.clone(), options, payload);
    }

    public CoapMessage withType(int newType) {
        return new CoapMessage(version, newType, code, messageId, token, options, payload);
    }

    public CoapMessage withCode(int newCode) {
        return new CoapMessage(version, type, newCode, messageId, token, options, payload);
    }

    /** As {@link #withMessageId}; shares this message's token and payload (both immutable) instead of copying. */
    public CoapMessage withOptions(List<CoapOption> newOptions) {
        return adopt(version, type, code, messageId, token, CoapOption.sortedCopy(newOptions), payload);
    }

    /** As {@link #withMessageId}; shares this message's token and options (both immutable) instead of copying. */
    public CoapMessage withPayload(byte[] newPayload) {
        return adopt(version, type, code, messageId, token, options, newPayload.clone());
    }

    /** Code in the dotted form of RFC 7252 §12.1, e.g. "0.01" or "2.05". */
    public static String codeString(int code) {
        return (code >>> 5) + "." + String.format("%02d", code & 0x1f);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoapMessage m && m.version == version && m.type == type && m.code == code
                && m.messageId == messageId && Arrays.equals(m.token, token) && m.options.equals(options)
                && Arrays.equals(m.payload, payload);
    }

    @Override
    public int hashCode() {
        return ((code * 31 + messageId) * 31 + Arrays.hashCode(token)) * 31 + options.hashCode();
    }

    /** Shows the header and option numbers, not option values or payload: those may be protected content. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CoapMessage[");
        sb.append(new String[] {"CON", "NON", "ACK", "RST"}[type]).append(' ').append(codeString(code))
                .append(" mid=").append(messageId).append(" token=").append(org.recsec.record.internal.wire.Bytes.toHex(token))
                .append(" options=");
        for (int i = 0; i < options.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(options.get(i).number());
        }
        return sb.append(" payload=").append(payload.length).append("B]").toString();
    }
}
