package org.recsec.record;

import org.recsec.record.internal.RecordHeader;
import org.recsec.record.internal.ReplayWindow;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.InnerPlaintext;
import org.recsec.record.coap.OptionClass;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.ProxyUri;

/**
 * Protects and unprotects CoAP messages with one DTLS 1.2 record (draft-garcia-core-app-layer-sec-with-dtls-record
 * §3, profile dtls12), keyed by SAs from a {@link SaRegistry}.
 *
 * <p>Inner plaintext: {@code 000000VV ‖ code ‖ Class E options ‖ [0xFF ‖ payload]}. Outer message: same version,
 * type, message ID and token; code POST (FETCH with Observe) for requests, 2.04 (2.05 with Observe) for responses,
 * as RFC 8613 §4.2; the Class U options and the outer values of the EU options (RFC 8613 §4.1.3); the
 * Record-Security option carrying the receiving SA's SPI; payload = the record.
 *
 * <p>Responses are sealed under the reverse SA and carry the inner-only Request-Sequence option, the
 * {@code epoch << 48 | seq} of the request's record; the client refuses any other value.
 *
 * <p>unprotect never returns a partly verified message: the replay window is checked before the AEAD and moved
 * only after the tag verified and every other check passed (for a response, the binding too), so a refused
 * message never uses up a sequence number. Thread-safe; all per-message state stays on the stack.
 */
public final class RecordProtector {
    /** The record content type of protected CoAP messages: application_data. */
    public static final int CONTENT_TYPE_APPLICATION_DATA = 23;
    private static final int CODE_POST = 0x02;
    private static final int CODE_FETCH = 0x05;
    private static final int CODE_CHANGED = 0x44;
    private static final int CODE_CONTENT = 0x45;

    private final SaRegistry registry;

    public RecordProtector(SaRegistry registry) {
        this.registry = Objects.requireNonNull(registry);
    }

    /**
     * Client side: protects {@code request} under the outbound SA from {@code localId} to {@code peerId}.
     *
     * @throws RecSecException UNKNOWN_SA / SA_EXPIRED / SEQUENCE_EXHAUSTED from the SA; MALFORMED for a Proxy-Uri
     *                         that does not parse
     */
    public ProtectedRequest protectRequest(CoapMessage request, String localId, String peerId)
            throws RecSecException {
        if (!request.isRequest()) {
            throw new IllegalArgumentException("not a request: " + CoapMessage.codeString(request.code()));
        }
        SecurityAssociation sa = registry.outbound(localId, peerId);
        List<CoapOption> inner = new ArrayList<>();
        List<CoapOption> outer = new ArrayList<>();
        for (CoapOption o : request.options()) {
            if (o.number() == OptionNumbers.PROXY_URI) {
                ProxyUri.Split split = ProxyUri.split(o.stringValue());
                outer.addAll(split.outer());
                inner.addAll(split.inner());
            } else {
                split(o, inner, outer);
            }
        }
        boolean observe = request.hasOption(OptionNumbers.OBSERVE);
        Sealed sealed = seal(sa, request, inner);
        CoapMessage out = outerMessage(request, observe ? CODE_FETCH : CODE_POST, outer, sa, sealed.record);
        return new ProtectedRequest(out, sealed.sequenceWord, peerId);
    }

    /**
     * Server side: protects a response (or an Observe notification) to the request described by {@code context},
     * under the reverse SA, bound to the request by the Request-Sequence option.
     */
    public CoapMessage protectResponse(CoapMessage response, RequestContext context) throws RecSecException {
        if (!response.isResponse()) {
            throw new IllegalArgumentException("not a response: " + CoapMessage.codeString(response.code()));
        }
        if (response.hasOption(OptionNumbers.REQUEST_SEQUENCE)) {
            throw new IllegalArgumentException("Request-Sequence is set by the protector");
        }
        SecurityAssociation sa = registry.outbound(context.localId(), context.peerId());
        List<CoapOption> inner = new ArrayList<>();
        List<CoapOption> outer = new ArrayList<>();
        for (CoapOption o : response.options()) {
            split(o, inner, outer);
        }
        inner.add(CoapOption.ofUint(OptionNumbers.REQUEST_SEQUENCE, context.requestSequence()));
        boolean observe = response.hasOption(OptionNumbers.OBSERVE);
        Sealed sealed = seal(sa, response, inner);
        return outerMessage(response, observe ? CODE_CONTENT : CODE_CHANGED, outer, sa, sealed.record);
    }

    /**
     * Server side: verifies and opens a protected request.
     *
     * @throws RecSecException UNPROTECTED without Record-Security; UNKNOWN_SA, SA_EXPIRED, REPLAY, AUTH_FAILED,
     *                         MALFORMED as the checks fail, in that order
     */
    public UnprotectedRequest unprotectRequest(CoapMessage outer) throws RecSecException {
        Opened opened = open(outer, true);
        accept(opened);
        SecurityAssociation sa = opened.sa;
        return new UnprotectedRequest(opened.message,
                new RequestContext(sa.localId(), sa.peerId(), opened.sequenceWord));
    }

    /**
     * Client side: verifies and opens a response (or notification) to {@code request}. Refuses a response not bound
     * to that request (BAD_BINDING): another Request-Sequence, another token, or an SA from another peer.
     */
    public CoapMessage unprotectResponse(CoapMessage outer, ProtectedRequest request) throws RecSecException {
        if (!java.util.Arrays.equals(outer.token(), request.outer().token())) {
            throw new RecSecException(RecSecException.Reason.BAD_BINDING, "token does not match the request");
        }
        Opened opened = open(outer, false);
        if (!opened.sa.peerId().equals(request.peerId())) {
            throw new RecSecException(RecSecException.Reason.BAD_BINDING, "response SA is not from the request's peer");
        }
        List<CoapOption> options = new ArrayList<>(opened.message.options().size());
        long bound = -1;
        int bindings = 0;
        for (CoapOption o : opened.message.options()) {
            if (o.number() == OptionNumbers.REQUEST_SEQUENCE) {
                bindings++;
                bound = o.length() <= 8 ? o.uintValue() : -1;
            } else {
                options.add(o);
            }
        }
        if (bindings != 1 || bound != request.requestSequence()) {
            throw new RecSecException(RecSecException.Reason.BAD_BINDING,
                    "Request-Sequence does not match the request sent with this token");
        }
        accept(opened); // only now: a response refused by the binding must not use up its sequence number
        return opened.message.withOptions(options);
    }

    /** The plaintext inner message: the options this end keeps for the recipient. */
    private static void split(CoapOption o, List<CoapOption> inner, List<CoapOption> outer) {
        switch (OptionClass.of(o.number())) {
            case E -> inner.add(o);
            case U -> {
                if (o.number() == OptionNumbers.RECORD_SECURITY) {
                    throw new IllegalArgumentException("message is already protected");
                }
                outer.add(o);
            }
            case EU -> {
                inner.add(o);
                // Proxies need Observe, Max-Age (caching) and No-Response outside too (RFC 8613 §4.1.3);
                // end-to-end Block/Size stay inside, outer ones are a proxy's own.
                if (o.number() == OptionNumbers.OBSERVE || o.number() == OptionNumbers.MAX_AGE
                        || o.number() == OptionNumbers.NO_RESPONSE) {
                    outer.add(o);
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    private record Sealed(byte[] record, long sequenceWord) {
    }

    private static Sealed seal(SecurityAssociation sa, CoapMessage plain, List<CoapOption> innerOptions)
            throws RecSecException {
        RecordCipher cipher = sa.cipher();
        long seq = sa.nextSequence();
        byte[] record = InnerPlaintext.seal(plain, innerOptions, cipher, CONTENT_TYPE_APPLICATION_DATA, sa.epoch(),
                seq);
        sa.recordUsed(record.length - cipher.overheadBytes());
        return new Sealed(record, ((long) sa.epoch() << 48) | seq);
    }

    private static CoapMessage outerMessage(CoapMessage plain, int outerCode, List<CoapOption> outer,
                                            SecurityAssociation sa, byte[] record) {
        outer.add(CoapOption.ofUint(OptionNumbers.RECORD_SECURITY, sa.spi()));
        return InnerPlaintext.outerMessage(plain, outerCode, outer, record);
    }

    private record Opened(CoapMessage message, SecurityAssociation sa, long sequenceWord, long seq,
                          int plaintextBytes) {
    }

    /** Moves the replay window and counts the use, once every check of the message passed. */
    private static void accept(Opened opened) throws RecSecException {
        opened.sa.replayWindow().accept(opened.seq);
        opened.sa.recordUsed(opened.plaintextBytes);
    }

    private Opened open(CoapMessage outer, boolean request) throws RecSecException {
        long spi = -1;
        List<CoapOption> outerKept = new ArrayList<>();
        for (CoapOption o : outer.options()) {
            if (o.number() == OptionNumbers.RECORD_SECURITY) {
                if (spi >= 0 || o.length() > 4) {
                    throw malformed("Record-Security option repeated or longer than 4 bytes");
                }
                spi = o.uintValue();
                continue;
            }
            OptionClass cls = OptionClass.of(o.number());
            if (cls == OptionClass.E) {
                // Nothing but the sender's record may carry a Class E option.
                throw malformed("Class E option " + o.number() + " outside the record");
            }
            if (cls == OptionClass.U) {
                outerKept.add(o);
            }
        }
        if (spi < 0) {
            throw new RecSecException(RecSecException.Reason.UNPROTECTED, "no Record-Security option");
        }
        SecurityAssociation sa = registry.inbound(spi);
        RecordHeader header = InnerPlaintext.recordHeader(outer);
        if (header.contentType() != CONTENT_TYPE_APPLICATION_DATA) {
            throw malformed("record content type " + header.contentType());
        }
        if (header.epoch() != sa.epoch()) {
            throw malformed("record epoch does not match the SA");
        }
        ReplayWindow window = sa.replayWindow();
        window.check(header.seq());
        byte[] pt = InnerPlaintext.openRecord(outer, sa.cipher());
        CoapMessage inner = innerMessage(outer, pt, outerKept, request);
        return new Opened(inner, sa, ((long) header.epoch() << 48) | header.seq(), header.seq(), pt.length);
    }

    /** Parses the authenticated plaintext; checks the outer code is the one protect would have chosen. */
    private static CoapMessage innerMessage(CoapMessage outer, byte[] pt, List<CoapOption> outerKept,
                                            boolean request) throws RecSecException {
        InnerPlaintext.Decoded decoded = InnerPlaintext.decode(pt, 0, pt.length, outer, outerKept);
        int code = decoded.message().code();
        boolean observe = decoded.innerObserve();
        int expectedOuter;
        if (request) {
            if (code == 0 || (code >>> 5) != 0) {
                throw malformed("inner code is not a request");
            }
            expectedOuter = observe ? CODE_FETCH : CODE_POST;
        } else {
            int cls = code >>> 5;
            if (cls < 2 || cls > 5) {
                throw malformed("inner code is not a response");
            }
            expectedOuter = observe ? CODE_CONTENT : CODE_CHANGED;
        }
        if (outer.code() != expectedOuter) {
            throw malformed("outer code " + CoapMessage.codeString(outer.code()) + " does not fit the inner message");
        }
        return decoded.message();
    }

    /**
     * The code a server answers a refused request with (docs/DESIGN.md "Errors"): 4.01 Unauthorized when it has no SA
     * for the request (or the request was not protected at all), 4.00 Bad Request for everything else, with no
     * detail that helps an attacker.
     */
    public static int errorResponseCode(RecSecException.Reason reason) {
        return switch (reason) {
            case UNKNOWN_SA, UNPROTECTED, SA_EXPIRED -> 0x81;
            default -> 0x80;
        };
    }

    /**
     * The unprotected error response to a refused request: piggybacked ACK for a CON, NON for a NON, same message
     * ID and token, no options, no payload.
     */
    public static CoapMessage errorResponse(CoapMessage request, RecSecException.Reason reason) {
        int type = request.type() == CoapMessage.TYPE_CON ? CoapMessage.TYPE_ACK : CoapMessage.TYPE_NON;
        return new CoapMessage(request.version(), type, errorResponseCode(reason), request.messageId(),
                request.token(), List.of(), new byte[0]);
    }

    private static RecSecException malformed(String why) {
        return new RecSecException(RecSecException.Reason.MALFORMED, why);
    }
}
