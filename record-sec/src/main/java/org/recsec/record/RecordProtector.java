package org.recsec.record;

import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.spi.InboundSa;
import org.recsec.record.spi.OutboundSa;
import org.recsec.record.spi.RecordCipher;

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
 * Protects and unprotects CoAP messages with one DTLS record (draft-garcia-core-app-layer-sec-with-dtls-record
 * §3), keyed by SAs from a {@link SaRegistry}: a DTLS 1.2 record (profile dtls12), for an SA of
 * {@link RecordProfile#DTLS12_CID} a DTLS 1.2 record with the SPI as connection ID (RFC 9146), or, for an SA of
 * {@link RecordProfile#COMPACT}, an RFC 9147 DTLS 1.3 record (docs/profiles.md).
 *
 * <p>Inner plaintext: {@code 000000VV ‖ code ‖ Class E options ‖ [0xFF ‖ payload]}. Outer message: same version,
 * type, message ID and token; code POST (FETCH with Observe) for requests, 2.04 (2.05 with Observe) for responses,
 * as RFC 8613 §4.2; the Class U options and the outer values of the EU options (RFC 8613 §4.1.3); the
 * Record-Security option carrying the receiving SA's SPI; payload = the record.
 *
 * <p>Responses are sealed under the reverse SA and bound to the request's record number {@code epoch << 48 | seq}:
 * dtls12 carries it in the inner-only Request-Sequence option, compact authenticates it after the record header
 * without sending it; the client refuses a response bound to any other request.
 *
 * <p>unprotect never returns a partly verified message: the replay window is checked before the AEAD and moved
 * only after the tag verified and every other check passed (for a response, the binding too), so a refused
 * message never uses up a sequence number. Thread-safe; all per-message state stays on the stack.
 */
public final class RecordProtector {
    /** The record content type of protected CoAP messages: application_data. */
    public static final int CONTENT_TYPE_APPLICATION_DATA = 23;
    static final int CODE_POST = 0x02;
    static final int CODE_FETCH = 0x05;
    static final int CODE_CHANGED = 0x44;
    static final int CODE_CONTENT = 0x45;

    private final SaRegistry registry;
    private final RecordOpener opener;

    public RecordProtector(SaRegistry registry) {
        this.registry = Objects.requireNonNull(registry);
        this.opener = new RecordOpener(registry);
    }

    /**
     * Client side: protects {@code request} under the outbound SA from {@code localId} to {@code peerId}.
     *
     * @throws RecSecException UNKNOWN_SA / SA_EXPIRED / SEQUENCE_EXHAUSTED from the SA; MALFORMED for a Proxy-Uri
     *                         that does not parse
     */
    public ProtectedRequest protectRequest(CoapMessage request, LocalId localId, PeerId peerId)
            throws RecSecException {
        if (!request.isRequest()) {
            throw new IllegalArgumentException("not a request: " + CoapMessage.codeString(request.code()));
        }
        OutboundSa sa = registry.outbound(localId, peerId);
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
        Sealed sealed = seal(sa, request, inner, null);
        CoapMessage out = outerMessage(request, observe ? CODE_FETCH : CODE_POST, outer, sa.spi(), sealed.record);
        return new ProtectedRequest(out, sealed.sequenceWord, peerId, localId);
    }

    /**
     * Server side: protects a response (or an Observe notification) to the request described by {@code context},
     * under the reverse SA, bound to the request by the Request-Sequence option; in the compact profile by the
     * request's record number in the AAD instead, and with an empty Record-Security option (docs/profiles.md,
     * "Response binding").
     */
    public CoapMessage protectResponse(CoapMessage response, RequestContext context) throws RecSecException {
        if (!response.isResponse()) {
            throw new IllegalArgumentException("not a response: " + CoapMessage.codeString(response.code()));
        }
        if (response.hasOption(OptionNumbers.REQUEST_SEQUENCE)) {
            throw new IllegalArgumentException("Request-Sequence is set by the protector");
        }
        OutboundSa sa = registry.outbound(context.localId(), context.peerId());
        List<CoapOption> inner = new ArrayList<>();
        List<CoapOption> outer = new ArrayList<>();
        for (CoapOption o : response.options()) {
            split(o, inner, outer);
        }
        boolean compact = sa.cipher().profile() == RecordProfile.COMPACT;
        if (!compact) {
            inner.add(CoapOption.ofUint(OptionNumbers.REQUEST_SEQUENCE, context.requestSequence()));
        }
        boolean observe = response.hasOption(OptionNumbers.OBSERVE);
        Sealed sealed = seal(sa, response, inner, compact ? binding(context.requestSequence()) : null);
        // A compact-profile response names its SA by the request it answers: an empty Record-Security option
        // (SPI 0, reserved: RFC 4303 §2.1) still marks it protected for the client and for proxies.
        return outerMessage(response, observe ? CODE_CONTENT : CODE_CHANGED, outer, compact ? 0 : sa.spi(),
                sealed.record);
    }

    /**
     * Server side: verifies and opens a protected request. The result names the peer whose SA authenticated it
     * ({@link UnprotectedRequest#peerId()}, {@link UnprotectedRequest#spi()}), for per-peer authorization.
     *
     * @throws RecSecException UNPROTECTED without Record-Security; UNKNOWN_SA, SA_EXPIRED, REPLAY, AUTH_FAILED,
     *                         MALFORMED as the checks fail, in that order
     */
    public UnprotectedRequest unprotectRequest(CoapMessage outer) throws RecSecException {
        RecordOpener.Opened opened = opener.open(outer, true, null);
        RecordOpener.accept(opened);
        return unprotected(opened);
    }

    /**
     * Server side: accepts a request that {@link #verifyRecord} verified, without looking up the SA or opening the
     * record again (a transport guard verified it before the CoAP stack parsed it). The SA must still be usable and
     * the sequence number still unaccepted: of two copies of one record verified before either was accepted, only
     * the first is accepted, the second is refused as REPLAY. A record verify could not open (see
     * {@link VerifiedRecord#isOpened}) is unprotected as {@link #unprotectRequest(CoapMessage)} does.
     *
     * @throws RecSecException SA_EXPIRED, REPLAY; for a record verify did not open, as {@link #unprotectRequest}
     */
    public UnprotectedRequest unprotectRequest(VerifiedRecord verified) throws RecSecException {
        if (!verified.outer().isRequest()) {
            throw new IllegalArgumentException("not a request: " + CoapMessage.codeString(verified.outer().code()));
        }
        if (!verified.isOpened()) {
            return unprotectRequest(verified.outer());
        }
        RecordOpener.Opened opened = verified.opened();
        RecordOpener.acceptVerified(opened);
        return unprotected(opened);
    }

    private static UnprotectedRequest unprotected(RecordOpener.Opened opened) {
        InboundSa sa = opened.sa();
        return new UnprotectedRequest(opened.message(),
                new RequestContext(sa.localId(), sa.peerId(), opened.sequenceWord()), sa.spi());
    }

    /**
     * Client side: verifies and opens a response (or notification) to {@code request}. Refuses a response not bound
     * to that request (BAD_BINDING): another Request-Sequence, another token, or an SA from another peer. A
     * compact-profile response carries an empty Record-Security option and is opened under the inbound SAs from the
     * request's peer ({@link SaRegistry#inbound(LocalId, PeerId)}, newest first; the first that authenticates it).
     */
    public CoapMessage unprotectResponse(CoapMessage outer, ProtectedRequest request) throws RecSecException {
        checkToken(outer, request);
        return acceptResponse(opener.open(outer, false, binding(request.requestSequence()), false, request), request,
                false);
    }

    /**
     * Client side: accepts a response to {@code request} that {@link #verifyRecord} verified, without looking up the
     * SA or opening the record again; the binding to {@code request} is checked here as
     * {@link #unprotectResponse(CoapMessage, ProtectedRequest)} checks it, the SA's usability and the replay window
     * again (see {@link #unprotectRequest(VerifiedRecord)}). A record verify could not open (a compact-profile
     * response, whose binding is in the AAD) is unprotected as {@code unprotectResponse(CoapMessage, ..)} does.
     *
     * @throws RecSecException BAD_BINDING, SA_EXPIRED, REPLAY; for a record verify did not open, as
     *                         {@link #unprotectResponse(CoapMessage, ProtectedRequest)}
     */
    public CoapMessage unprotectResponse(VerifiedRecord verified, ProtectedRequest request) throws RecSecException {
        CoapMessage outer = verified.outer();
        if (!verified.isOpened() || outer.isRequest() || !bindingChecked(verified, request)) {
            return unprotectResponse(outer, request);
        }
        checkToken(outer, request);
        return acceptResponse(verified.opened(), request, true);
    }

    /**
     * Whether what verify checked of the binding holds for {@code request}: a compact response's binding is in its
     * AAD, so the AEAD checked it against the request verify was given, and it holds only for that request's record
     * number and peer; a dtls12 response's inner Request-Sequence is checked at accept.
     */
    private static boolean bindingChecked(VerifiedRecord verified, ProtectedRequest request) {
        ProtectedRequest answered = verified.answered();
        return !verified.opened().compact() || answered != null
                && answered.requestSequence() == request.requestSequence()
                && answered.peerId().equals(request.peerId());
    }

    private static void checkToken(CoapMessage outer, ProtectedRequest request) throws RecSecException {
        if (!java.util.Arrays.equals(outer.token(), request.outer().token())) {
            throw new RecSecException(RecSecException.Reason.BAD_BINDING, "token does not match the request");
        }
    }

    /** The binding checks of a response opened under {@code request}'s peer, then the accept. */
    private static CoapMessage acceptResponse(RecordOpener.Opened opened, ProtectedRequest request, boolean verified)
            throws RecSecException {
        if (!opened.sa().peerId().equals(request.peerId())) {
            throw new RecSecException(RecSecException.Reason.BAD_BINDING, "response SA is not from the request's peer");
        }
        List<CoapOption> options = new ArrayList<>(opened.message().options().size());
        long bound = -1;
        int bindings = 0;
        for (CoapOption o : opened.message().options()) {
            if (o.number() == OptionNumbers.REQUEST_SEQUENCE) {
                bindings++;
                bound = o.length() <= 8 ? o.uintValue() : -1;
            } else {
                options.add(o);
            }
        }
        if (opened.compact()) {
            // The compact profile bound the response through the AEAD (the tag verified over the request's record
            // number); a Request-Sequence option has no place in it.
            if (bindings != 0) {
                throw new RecSecException(RecSecException.Reason.BAD_BINDING,
                        "Request-Sequence inside a compact-profile response");
            }
        } else if (bindings != 1 || bound != request.requestSequence()) {
            throw new RecSecException(RecSecException.Reason.BAD_BINDING,
                    "Request-Sequence does not match the request sent with this token");
        }
        // only now: a response refused by the binding must not use up its sequence number
        if (verified) {
            RecordOpener.acceptVerified(opened);
        } else {
            RecordOpener.accept(opened);
        }
        return opened.message().withOptions(options);
    }

    /**
     * Checks a protected message as far as it can be checked without the exchange it belongs to: the SPI names a
     * usable inbound SA, the record's epoch and content type fit, its sequence number is not left of or inside the
     * replay window, the AEAD tag verifies and the plaintext parses. Moves nothing: the replay window and the use
     * counters stay as they were, so the message must still go through {@link #unprotectRequest} or
     * {@link #unprotectResponse}. For an SA whose cipher keeps state of its own when it opens a record
     * ({@link RecordCipher#opensWithoutSideEffects()} false, e.g. a secure element with its own replay window) the
     * tag is not checked here, only SPI, epoch and window: opening twice would refuse the genuine record. Neither is
     * it for a compact-profile response, whose AAD binds the request's sequence number (docs/profiles.md). A
     * transport guard calls it to drop forged records before any CoAP state exists for them (RFC 6347 §4.1.2.6 does the same for DTLS: invalid records are discarded silently).
     *
     * @return the SPI of the inbound SA that verified the record
     * @throws RecSecException UNPROTECTED without Record-Security; UNKNOWN_SA, SA_EXPIRED, REPLAY, AUTH_FAILED,
     *                         MALFORMED as in {@link #unprotectRequest}
     */
    public long verify(CoapMessage outer) throws RecSecException {
        return verifyRecord(outer).spi();
    }

    /**
     * {@link #verify}, keeping what it found: the SA, the sequence number and (when the record could be opened
     * without side effects) the opened inner message, for {@link #unprotectRequest(VerifiedRecord)} or
     * {@link #unprotectResponse(VerifiedRecord, ProtectedRequest)} to accept without a second lookup and open.
     *
     * @throws RecSecException as {@link #verify}
     */
    public VerifiedRecord verifyRecord(CoapMessage outer) throws RecSecException {
        return new VerifiedRecord(outer, opener.open(outer, outer.isRequest(), null, true, null), null);
    }

    /**
     * As {@link #verify(CoapMessage)}, for a response whose request is known ({@code answered}, what the client
     * keeps per token): the token must match, and a compact-profile response, which names its SA by the request and
     * binds the request's record number in its AAD, is opened in full under the request's route. Moves nothing; a
     * client's transport guard calls it to drop forged responses below the CoAP stack as it drops forged requests.
     *
     * @return the SPI of the inbound SA that verified the record
     * @throws RecSecException as {@link #unprotectResponse}, except that the binding's inner option is not checked
     */
    public long verify(CoapMessage outer, ProtectedRequest answered) throws RecSecException {
        return verifyRecord(outer, answered).spi();
    }

    /** {@link #verify(CoapMessage, ProtectedRequest)}, keeping what it found, as {@link #verifyRecord(CoapMessage)}. */
    public VerifiedRecord verifyRecord(CoapMessage outer, ProtectedRequest answered) throws RecSecException {
        checkToken(outer, answered);
        return new VerifiedRecord(outer, opener.open(outer, false, binding(answered.requestSequence()), true, answered),
                answered);
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

    /**
     * The compact profile's response binding: the request's record number {@code epoch << 48 | seq} as 8 bytes,
     * authenticated after the response's record header and never sent (docs/profiles.md, "Response binding").
     */
    private static byte[] binding(long requestSequence) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (requestSequence >>> (56 - 8 * i));
        }
        return b;
    }

    private static Sealed seal(OutboundSa sa, CoapMessage plain, List<CoapOption> innerOptions, byte[] bindingAad)
            throws RecSecException {
        InnerPlaintext.Sealed sealed = InnerPlaintext.seal(plain, innerOptions, sa, CONTENT_TYPE_APPLICATION_DATA,
                bindingAad);
        sa.reportSealed(sealed.record().length - sa.cipher().overheadBytes());
        return new Sealed(sealed.record(), ((long) sa.epoch() << 48) | sealed.seq());
    }

    /** The outer message; {@code spi} 0 writes an empty Record-Security option (RFC 7252 §3.2: uint 0 is empty). */
    private static CoapMessage outerMessage(CoapMessage plain, int outerCode, List<CoapOption> outer, long spi,
                                            byte[] record) {
        outer.add(CoapOption.ofUint(OptionNumbers.RECORD_SECURITY, spi));
        return InnerPlaintext.outerMessage(plain, outerCode, outer, record);
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
}
