package org.recsec.californium;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.Option;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.Token;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * Converts between Californium messages and {@link CoapMessage}. Only code, options and payload matter for
 * protection; type, MID and token are copied where known (the outer message keeps Californium's own).
 */
final class Messages {
    private Messages() {
    }

    /** {@code m} as a CoapMessage; a missing type becomes CON, a missing token {@code fallbackToken}. */
    static CoapMessage toCoap(Message m, Token fallbackToken) {
        int type = m.getType() == null ? CoapMessage.TYPE_CON : m.getType().value;
        Token t = m.getToken() != null ? m.getToken() : fallbackToken;
        byte[] token = t == null ? new byte[0] : t.getBytes();
        List<Option> sorted = m.getOptions().asSortedList();
        CoapOption[] options = new CoapOption[sorted.size()];
        for (int i = 0; i < options.length; i++) {
            Option o = sorted.get(i);
            options[i] = new CoapOption(o.getNumber(), o.getValue());
        }
        byte[] payload = m.getPayload() == null ? new byte[0] : m.getPayload();
        return new CoapMessage(1, type, m.getRawCode(), m.hasMID() ? m.getMID() : 0, token, Arrays.asList(options),
                payload);
    }

    /**
     * A received message as a CoapMessage, decoded from the very datagram Californium parsed it from
     * ({@code Message.getBytes()}, a UDP or DTLS datagram: the stack factory refuses TCP): one pass over the bytes
     * instead of Californium's sorted option list and a copy of every array. Falls back to {@link #toCoap} for a
     * message without its datagram (built in memory) or one whose bytes do not match its header.
     */
    static CoapMessage received(Message m) {
        byte[] bytes = m.getBytes();
        if (bytes != null) {
            try {
                CoapMessage c = CoapCodec.decode(bytes, 0, bytes.length);
                if (c.code() == m.getRawCode() && (!m.hasMID() || c.messageId() == m.getMID())) {
                    return c;
                }
            } catch (RecSecException e) {
                // Californium accepted what our codec refuses: convert its parsed form as before
            }
        }
        return toCoap(m, null);
    }

    /**
     * Walks the options by number: Californium's {@code OptionSet.hasOption(int)} builds an {@code Option} whose
     * definition it looks up in the default registry, which knows no 65001 and formats a fresh definition name with
     * {@code String.format} on every call (4 % of a protected server's thread samples in StackBench).
     */
    static boolean hasRecordSecurity(Message m) {
        List<Option> others = m.getOptions().getOthers();
        for (int i = 0, n = others.size(); i < n; i++) {
            if (others.get(i).getNumber() == OptionNumbers.RECORD_SECURITY) {
                return true;
            }
        }
        return false;
    }

    static boolean hasRecordSecurity(CoapMessage m) {
        return m.hasOption(OptionNumbers.RECORD_SECURITY);
    }

    /** The SPI of the (first) Record-Security option, when it has a readable one (at most 4 bytes). */
    static OptionalLong spiOf(CoapMessage m) {
        return m.option(OptionNumbers.RECORD_SECURITY).filter(o -> o.length() <= 4)
                .map(o -> OptionalLong.of(o.uintValue())).orElse(OptionalLong.empty());
    }

    /** As {@link #spiOf(CoapMessage)}, for a Californium message. */
    static OptionalLong spiOf(Message m) {
        for (Option o : m.getOptions().getOthers()) {
            if (o.getNumber() == OptionNumbers.RECORD_SECURITY) {
                byte[] v = o.getValue();
                if (v.length > 4) {
                    return OptionalLong.empty();
                }
                long spi = 0;
                for (byte b : v) {
                    spi = (spi << 8) | (b & 0xff);
                }
                return OptionalLong.of(spi);
            }
        }
        return OptionalLong.empty();
    }

    /** The value of the (first) Echo option of {@code m} (RFC 9175 §2.2.1), or null. */
    static byte[] echoOf(Message m) {
        for (Option o : m.getOptions().getOthers()) {
            if (o.getNumber() == OptionNumbers.ECHO) {
                return o.getValue();
            }
        }
        return null;
    }

    /**
     * Adds {@code options} to {@code set}, which starts empty: a new message's own {@code getOptions()} (Californium's
     * {@code setOptions} copies the set it is given, so building one and setting it cost two). IllegalArgumentException
     * for a value Californium refuses.
     */
    static void addOptions(OptionSet set, List<CoapOption> options) {
        for (int i = 0, n = options.size(); i < n; i++) {
            CoapOption o = options.get(i);
            set.addOption(new Option(RecSecOptions.definition(o.number()), o.value()));
        }
    }

    /**
     * As {@link #addOptions}, for an outer option list the protector built (exactly one Record-Security option): that
     * one goes straight to the set's other options. {@code OptionSet.addOption} first asks the standard registry
     * whether it knows the definition, and for a number it does not know that is a scan of all its values
     * ({@code ConcurrentHashMap.containsValue}), once per protected message.
     */
    static void addOuterOptions(OptionSet set, List<CoapOption> options) {
        for (int i = 0, n = options.size(); i < n; i++) {
            CoapOption o = options.get(i);
            if (o.number() == OptionNumbers.RECORD_SECURITY) {
                set.addOtherOption(new Option(RecSecOptions.RECORD_SECURITY, o.value()));
            } else {
                set.addOption(new Option(RecSecOptions.definition(o.number()), o.value()));
            }
        }
    }

    /** The outer request Californium sends for {@code plain}, protected as {@code pr}. */
    static OuterRequest outerRequest(ProtectedRequest pr, Request plain, boolean echoRetry) {
        CoapMessage m = pr.outer();
        CoAP.Type type = plain.getType() != null ? plain.getType() : CoAP.Type.CON;
        OuterRequest outer = new OuterRequest(CoAP.Code.valueOf(m.code()), type, pr, plain, echoRetry);
        if (plain.getToken() != null) {
            outer.setToken(plain.getToken());
        }
        if (plain.hasMID()) {
            outer.setMID(plain.getMID());
        }
        addOuterOptions(outer.getOptions(), m.options());
        outer.setPayload(m.payload());
        outer.setDestinationContext(plain.getDestinationContext());
        return outer;
    }

    /** {@code m} with an Echo option of {@code value} in place of any it had (RFC 9175 §2.2.1), options in order. */
    static CoapMessage withEcho(CoapMessage m, byte[] value) {
        List<CoapOption> options = new ArrayList<>(m.options().size() + 1);
        boolean added = false;
        for (CoapOption o : m.options()) {
            if (o.number() == OptionNumbers.ECHO) {
                continue;
            }
            if (!added && o.number() > OptionNumbers.ECHO) {
                options.add(new CoapOption(OptionNumbers.ECHO, value));
                added = true;
            }
            options.add(o);
        }
        if (!added) {
            options.add(new CoapOption(OptionNumbers.ECHO, value));
        }
        return m.withOptions(options);
    }

    /** The verified request the server's upper layers see, carrying the outer request's header and source. */
    static Request plainRequest(CoapMessage inner, Request outer) throws RecSecException {
        CoAP.Code code;
        try {
            code = CoAP.Code.valueOf(inner.code());
        } catch (IllegalArgumentException e) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "unknown request method");
        }
        Request plain = new Request(code, outer.getType());
        plain.setMID(outer.getMID());
        plain.setToken(outer.getToken());
        addCheckedOptions(plain, inner);
        plain.setPayload(inner.payload());
        plain.setSourceContext(outer.getSourceContext());
        plain.setDuplicate(outer.isDuplicate());
        return plain;
    }

    /** The outer response Californium sends for a protected {@code m}. */
    static Response outerResponse(CoapMessage m, Response plain) {
        Response outer = new Response(CoAP.ResponseCode.valueOf(m.code()));
        if (plain.getType() != null) {
            outer.setType(plain.getType());
        }
        if (plain.hasMID()) {
            outer.setMID(plain.getMID());
        }
        if (plain.getToken() != null) {
            outer.setToken(plain.getToken());
        }
        addOuterOptions(outer.getOptions(), m.options());
        outer.setPayload(m.payload());
        outer.setDestinationContext(plain.getDestinationContext());
        return outer;
    }

    /** The verified response the client's upper layers see, carrying the outer response's header and source. */
    static Response plainResponse(CoapMessage inner, Response outer) throws RecSecException {
        CoAP.ResponseCode code;
        try {
            code = CoAP.ResponseCode.valueOf(inner.code());
        } catch (IllegalArgumentException e) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "unknown response code");
        }
        Response plain = new Response(code);
        plain.setType(outer.getType());
        plain.setMID(outer.getMID());
        plain.setToken(outer.getToken());
        addCheckedOptions(plain, inner);
        plain.setPayload(inner.payload());
        plain.setSourceContext(outer.getSourceContext());
        plain.setDuplicate(outer.isDuplicate());
        return plain;
    }

    private static void addCheckedOptions(Message plain, CoapMessage inner) throws RecSecException {
        try {
            addOptions(plain.getOptions(), inner.options());
        } catch (IllegalArgumentException e) {
            // authenticated, but a value Californium cannot represent (e.g. a 5-byte Observe)
            throw new RecSecException(RecSecException.Reason.MALFORMED, "inner option value out of range");
        }
    }
}
