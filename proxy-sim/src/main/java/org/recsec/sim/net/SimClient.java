package org.recsec.sim.net;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * A simulated CoAP client behind record-sec.
 *
 * <p>Each request gets a fresh 8-byte token and message ID and is protected with
 * {@link RecordProtector#protectRequest}; the {@link ProtectedRequest} is kept per token. Confirmable requests are
 * retransmitted per RFC 7252 §4.2 in virtual time. A piggybacked response is taken only if its message ID is the
 * one outstanding for its token (RFC 7252 §5.3.2); separate responses and notifications are deduplicated by
 * (peer, message ID) (§4.5). Outer Block2 fragments a proxy made are reassembled, fetching block after block with
 * the same protected request (RFC 8613 §4.1.3.4.2), before the whole response is unprotected.
 *
 * <p>Each exchange ends exactly once ({@link Outcome}); a completed exchange, and each accepted notification of an
 * observation, is delivered to the application exactly once. A response that fails
 * {@link RecordProtector#unprotectResponse} is recorded as a {@link Refusal} and ends the exchange (an established
 * observation survives a refused notification).
 *
 * <p>Echo (RFC 9175 §2.4): a verified 4.01 response whose inner options carry an Echo value is not delivered; the
 * request is protected again with that Echo (a new record, same token, new message ID) and sent once more. A second
 * 4.01 with Echo for the same exchange is delivered as it is.
 */
public final class SimClient implements SimNode {

    /** How an exchange ended. {@code reason} is set for REFUSED, {@code code} for ERROR_RESPONSE. */
    public record Outcome(Kind kind, RecSecException.Reason reason, int code) {
        public enum Kind { COMPLETED, REFUSED, ERROR_RESPONSE, TIMEOUT }
    }

    /** One verified response (or notification) handed to the application. */
    public record Delivery(String token, CoapMessage request, CoapMessage response) {
    }

    /** A response refused by unprotectResponse. */
    public record Refusal(String token, RecSecException.Reason reason) {
    }

    private final SimNetwork net;
    private final String address;
    private final RecordProtector protector;
    private final String localId;
    private final Retransmitter retransmitter;
    private final DedupCache dedup;
    private final Map<String, Exchange> exchanges = new LinkedHashMap<>();
    private final Map<String, Outcome> outcomes = new LinkedHashMap<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<Refusal> refusals = new ArrayList<>();
    private int nextMid;
    private int ignored;
    private int echoRetries;

    /** Creates the client and attaches it to {@code net} at {@code address}. */
    public SimClient(SimNetwork net, String address, RecordProtector protector, String localId) {
        this.net = Objects.requireNonNull(net);
        this.address = Objects.requireNonNull(address);
        this.protector = Objects.requireNonNull(protector);
        this.localId = Objects.requireNonNull(localId);
        this.retransmitter = new Retransmitter(net, address);
        this.dedup = new DedupCache(net);
        this.nextMid = net.random().nextInt(0x10000);
        net.attach(address, this);
    }

    /**
     * Protects {@code request} (its code, options and payload; type, message ID and token are chosen here) for
     * {@code peerId} and sends it to {@code nextHop}. Options for proxies (Proxy-Scheme, Uri-Host, Uri-Port,
     * Hop-Limit) go in {@code request} too; they stay outside.
     *
     * @return the token, hex, that names the exchange in {@link #outcomes()} and {@link #deliveries()}
     * @throws RecSecException from {@link RecordProtector#protectRequest}
     */
    public String request(String peerId, String nextHop, CoapMessage request, boolean confirmable)
            throws RecSecException {
        byte[] token;
        do {
            token = Wire.randomToken(net.random());
        } while (exchanges.containsKey(Wire.hex(token)));
        int type = confirmable ? CoapMessage.TYPE_CON : CoapMessage.TYPE_NON;
        CoapMessage app = new CoapMessage(request.version(), type, request.code(), nextMid(), token,
                request.options(), request.payload());
        ProtectedRequest pr = protector.protectRequest(app, LocalId.of(localId), PeerId.of(peerId));
        Exchange ex = new Exchange(Wire.hex(token), app, pr, peerId, nextHop, confirmable,
                app.hasOption(OptionNumbers.OBSERVE));
        exchanges.put(ex.token, ex);
        transmit(ex, pr.outer());
        net.schedule(CoapTiming.EXCHANGE_LIFETIME_MILLIS, () -> {
            if (!ex.observing) {
                finish(ex, new Outcome(Outcome.Kind.TIMEOUT, null, 0));
            }
        });
        return ex.token;
    }

    private void transmit(Exchange ex, CoapMessage outer) {
        ex.currentMid = outer.messageId();
        byte[] bytes = CoapCodec.encode(outer);
        if (ex.confirmable) {
            retransmitter.send(ex.nextHop, outer.messageId(), bytes,
                    () -> finish(ex, new Outcome(Outcome.Kind.TIMEOUT, null, 0)));
        } else {
            net.send(address, ex.nextHop, bytes);
        }
    }

    @Override
    public void receive(Datagram d) {
        CoapMessage m = Wire.decodeOrNull(d.bytesNoCopy());
        if (m == null) {
            ignored++;
            return;
        }
        if (m.type() == CoapMessage.TYPE_ACK || m.type() == CoapMessage.TYPE_RST) {
            retransmitter.acknowledged(d.from(), m.messageId());
        }
        if (m.isEmpty() || !m.isResponse()) {
            if (m.type() == CoapMessage.TYPE_CON) {
                net.send(address, d.from(), Wire.emptyMessage(CoapMessage.TYPE_RST, m.messageId()));
            }
            return;
        }
        Exchange ex = exchanges.get(Wire.hex(m.token()));
        if (m.type() == CoapMessage.TYPE_ACK) {
            if (ex == null || ex.done || ex.currentMid != m.messageId() || ex.answeredMid == m.messageId()) {
                ignored++;
                return;
            }
            ex.answeredMid = m.messageId();
        } else {
            if (m.type() == CoapMessage.TYPE_CON) {
                net.send(address, d.from(), Wire.emptyMessage(CoapMessage.TYPE_ACK, m.messageId()));
            }
            if (dedup.lookup(d.from(), m.messageId()) != null || ex == null || ex.done) {
                ignored++;
                return;
            }
            dedup.remember(d.from(), m.messageId(), null);
        }
        onResponse(ex, m);
    }

    private void onResponse(Exchange ex, CoapMessage m) {
        CoapMessage whole = m;
        if (m.option(OptionNumbers.BLOCK2).isPresent()) {
            CoapOption block = m.option(OptionNumbers.BLOCK2).orElseThrow();
            BlockOption b;
            try {
                b = BlockOption.parse(block);
            } catch (RecSecException e) {
                refuse(ex, m, e.reason());
                return;
            }
            if (b.num() != ex.nextBlock) {
                ignored++;
                return;
            }
            if (b.num() == 0) {
                ex.firstBlock = m;
                ex.blocks.reset();
            }
            ex.blocks.writeBytes(m.payload());
            if (b.more()) {
                ex.nextBlock++;
                List<CoapOption> opts = new ArrayList<>(Wire.without(ex.request.outer().options(),
                        OptionNumbers.BLOCK2));
                opts.add(new BlockOption(ex.nextBlock, false, b.szx()).toOption(OptionNumbers.BLOCK2));
                transmit(ex, ex.request.outer().withMessageId(nextMid()).withOptions(opts));
                return;
            }
            whole = ex.firstBlock.withOptions(Wire.without(ex.firstBlock.options(), OptionNumbers.BLOCK2,
                    OptionNumbers.SIZE2)).withPayload(ex.blocks.toByteArray());
            ex.nextBlock = 0;
        }
        CoapMessage response;
        try {
            response = protector.unprotectResponse(whole, ex.request);
        } catch (RecSecException e) {
            refuse(ex, whole, e.reason());
            return;
        }
        Optional<CoapOption> echoOption = response.option(OptionNumbers.ECHO);
        if (response.code() == 0x81 && echoOption.isPresent() && !ex.echoRetried) {
            CoapOption echo = echoOption.get();
            ex.echoRetried = true;
            echoRetries++;
            CoapMessage again = ex.app.withMessageId(nextMid()).withOptions(withEcho(ex.app.options(), echo.value()));
            try {
                ex.request = protector.protectRequest(again, LocalId.of(localId), PeerId.of(ex.peerId));
            } catch (RecSecException e) {
                finish(ex, new Outcome(Outcome.Kind.REFUSED, e.reason(), 0));
                return;
            }
            transmit(ex, ex.request.outer());
            return;
        }
        deliveries.add(new Delivery(ex.token, ex.app, response));
        if (ex.observeRequested && response.hasOption(OptionNumbers.OBSERVE)) {
            if (!ex.observing) {
                ex.observing = true;
                outcomes.put(ex.token, new Outcome(Outcome.Kind.COMPLETED, null, 0));
            }
        } else {
            finish(ex, new Outcome(Outcome.Kind.COMPLETED, null, 0));
        }
    }

    /** {@code options} with one Echo option of {@code value}, in option-number order (RFC 7252 §3.1). */
    private static List<CoapOption> withEcho(List<CoapOption> options, byte[] value) {
        List<CoapOption> out = new ArrayList<>(options.size() + 1);
        boolean added = false;
        for (CoapOption o : options) {
            if (o.number() == OptionNumbers.ECHO) {
                continue;
            }
            if (!added && o.number() > OptionNumbers.ECHO) {
                out.add(new CoapOption(OptionNumbers.ECHO, value));
                added = true;
            }
            out.add(o);
        }
        if (!added) {
            out.add(new CoapOption(OptionNumbers.ECHO, value));
        }
        return out;
    }

    /** Requests repeated with a server's Echo value. */
    public int echoRetries() {
        return echoRetries;
    }

    private void refuse(Exchange ex, CoapMessage m, RecSecException.Reason reason) {
        int cls = m.code() >>> 5;
        // Protected responses always have outer code 2.04/2.05: an unprotected 4.xx/5.xx is a server's or a
        // proxy's error answer (record-sec refusal, 5.04, 5.08, ...), an outcome rather than a refused response.
        boolean errorResponse = reason == RecSecException.Reason.UNPROTECTED && (cls == 4 || cls == 5);
        if (!errorResponse) {
            refusals.add(new Refusal(ex.token, reason));
        }
        if (ex.observing) {
            return;
        }
        finish(ex, errorResponse ? new Outcome(Outcome.Kind.ERROR_RESPONSE, null, m.code())
                : new Outcome(Outcome.Kind.REFUSED, reason, 0));
    }

    private void finish(Exchange ex, Outcome outcome) {
        if (ex.done) {
            return;
        }
        ex.done = true;
        ex.observing = false;
        retransmitter.cancel(ex.nextHop, ex.currentMid);
        outcomes.put(ex.token, outcome);
    }

    /** Stops accepting notifications for an observation (the client forgets it, RFC 7641 §3.6). */
    public void forget(String token) {
        Exchange ex = exchanges.get(token);
        if (ex != null) {
            ex.observing = false;
            ex.done = true;
        }
    }

    private int nextMid() {
        int mid = nextMid;
        nextMid = (nextMid + 1) & 0xffff;
        return mid;
    }

    public String address() {
        return address;
    }

    /** How each ended exchange ended, by token; an observation counts as COMPLETED once registered. */
    public Map<String, Outcome> outcomes() {
        return Collections.unmodifiableMap(outcomes);
    }

    /** Verified responses and notifications, in the order the application got them. */
    public List<Delivery> deliveries() {
        return Collections.unmodifiableList(deliveries);
    }

    /** Responses refused by unprotectResponse, in order (unprotected 4.xx/5.xx error answers are outcomes only). */
    public List<Refusal> refusals() {
        return Collections.unmodifiableList(refusals);
    }

    /** Datagrams dropped before unprotect: undecodable, duplicates, late or unmatched responses. */
    public int ignored() {
        return ignored;
    }

    private static final class Exchange {
        final String token;
        final CoapMessage app;
        ProtectedRequest request;
        final String peerId;
        final String nextHop;
        final boolean confirmable;
        final boolean observeRequested;
        final ByteArrayOutputStream blocks = new ByteArrayOutputStream();
        CoapMessage firstBlock;
        int nextBlock;
        int currentMid = -1;
        int answeredMid = -1;
        boolean done;
        boolean observing;
        boolean echoRetried;

        Exchange(String token, CoapMessage app, ProtectedRequest request, String peerId, String nextHop,
                 boolean confirmable, boolean observeRequested) {
            this.token = token;
            this.app = app;
            this.request = request;
            this.peerId = peerId;
            this.nextHop = nextHop;
            this.confirmable = confirmable;
            this.observeRequested = observeRequested;
        }
    }
}
