package org.recsec.sim.net;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.recsec.record.EchoFreshness;
import org.recsec.record.RecordProtector;
import org.recsec.record.RequestContext;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * A simulated CoAP server behind record-sec.
 *
 * <p>Per request: RFC 7252 §4.5 deduplication first (a duplicate Confirmable message from the same peer with the
 * same message ID within EXCHANGE_LIFETIME gets the cached response again and is not unprotected a second time, so
 * a retransmission is never reported as a replay; a duplicate Non-confirmable message is ignored); then
 * {@link RecordProtector#unprotectRequest}; a refused request is answered with
 * {@link RecordProtector#errorResponse} and is not remembered, so a later genuine copy still gets through; an
 * accepted one goes to the {@link Handler}, whose answer is protected and sent piggybacked on the ACK (CON) or as
 * a NON (NON).
 *
 * <p>Observe (RFC 7641): when a request carries inner Observe 0 and the handler's response carries an Observe
 * option, the server keeps a {@link Registration}; {@link #notify} sends a notification protected with the
 * registration's {@link RequestContext}, so the client can bind it to its registration request.
 *
 * <p>Freshness (RFC 9175 §2.4): after {@link #requireFreshness}, a verified request the predicate selects reaches
 * the handler only with an Echo value issued for its SA within the lifetime; otherwise it is answered with a
 * protected 4.01 whose inner options carry a new Echo value, and it is counted in {@link #challenges()}.
 */
public final class SimServer implements SimNode {

    /** The application: maps a verified request to a response (code, options, payload; header fields are set). */
    @FunctionalInterface
    public interface Handler {
        CoapMessage handle(CoapMessage request);
    }

    /** A request the application received, and from which network address. */
    public record Received(String from, CoapMessage request) {
    }

    /** A request refused before the application saw it. */
    public record Refusal(String from, RecSecException.Reason reason) {
    }

    /** An Observe registration: where notifications go and what binds them. */
    public static final class Registration {
        private final String peer;
        private final byte[] token;
        private final RequestContext context;
        private int nextObserve = 1;

        Registration(String peer, byte[] token, RequestContext context) {
            this.peer = peer;
            this.token = token.clone();
            this.context = context;
        }

        public String peer() {
            return peer;
        }

        public byte[] token() {
            return token.clone();
        }
    }

    private final SimNetwork net;
    private final String address;
    private final RecordProtector protector;
    private final Handler handler;
    private final DedupCache dedup;
    private final List<Received> received = new ArrayList<>();
    private final List<Refusal> refusals = new ArrayList<>();
    private final Map<String, Registration> registrations = new LinkedHashMap<>();
    private int nextMid;
    private Predicate<CoapMessage> needsFreshness = m -> false;
    private EchoFreshness freshness;
    private int challenges;
    private int duplicatesAnswered;
    private int undecodable;

    /** Creates the server and attaches it to {@code net} at {@code address}. */
    public SimServer(SimNetwork net, String address, RecordProtector protector, Handler handler) {
        this.net = Objects.requireNonNull(net);
        this.address = Objects.requireNonNull(address);
        this.protector = Objects.requireNonNull(protector);
        this.handler = Objects.requireNonNull(handler);
        this.dedup = new DedupCache(net);
        this.nextMid = net.random().nextInt(0x10000);
        net.attach(address, this);
    }

    /**
     * Requests that {@code needsFreshness} selects (by their verified inner message) must carry a fresh Echo
     * issued by {@code freshness}.
     */
    public SimServer requireFreshness(Predicate<CoapMessage> needsFreshness, EchoFreshness freshness) {
        this.needsFreshness = Objects.requireNonNull(needsFreshness);
        this.freshness = Objects.requireNonNull(freshness);
        return this;
    }

    /** Requests answered with a 4.01 Echo challenge instead of reaching the handler. */
    public int challenges() {
        return challenges;
    }

    @Override
    public void receive(Datagram d) {
        CoapMessage m = Wire.decodeOrNull(d.bytesNoCopy());
        if (m == null) {
            undecodable++;
            refusals.add(new Refusal(d.from(), RecSecException.Reason.MALFORMED));
            return;
        }
        if (m.isEmpty()) {
            if (m.type() == CoapMessage.TYPE_CON) {
                net.send(address, d.from(), Wire.emptyMessage(CoapMessage.TYPE_RST, m.messageId())); // CoAP ping
            }
            return;
        }
        if (!m.isRequest() || m.type() == CoapMessage.TYPE_ACK || m.type() == CoapMessage.TYPE_RST) {
            return;
        }
        DedupCache.Entry seen = dedup.lookup(d.from(), m.messageId());
        if (seen != null) {
            duplicatesAnswered++;
            if (m.type() == CoapMessage.TYPE_CON && seen.reply() != null) {
                net.send(address, d.from(), seen.reply());
            }
            return;
        }
        UnprotectedRequest req;
        try {
            req = protector.unprotectRequest(m);
        } catch (RecSecException e) {
            refusals.add(new Refusal(d.from(), e.reason()));
            net.send(address, d.from(), CoapCodec.encode(RecordProtector.errorResponse(m, e.reason())));
            return;
        }
        CoapMessage answer;
        long spi = m.option(OptionNumbers.RECORD_SECURITY).orElseThrow().uintValue(); // present: unprotectRequest accepted it
        if (freshness != null && needsFreshness.test(req.message()) && !freshness.isFresh(
                echoOf(req.message()), spi, req.context().peerId())) {
            challenges++;
            answer = new CoapMessage(CoapMessage.TYPE_ACK, 0x81, 0, new byte[0],
                    List.of(new CoapOption(OptionNumbers.ECHO, freshness.issue(spi, req.context().peerId()))),
                    new byte[0]);
        } else {
            received.add(new Received(d.from(), req.message()));
            answer = handler.handle(req.message());
        }
        boolean con = m.type() == CoapMessage.TYPE_CON;
        CoapMessage response = new CoapMessage(con ? CoapMessage.TYPE_ACK : CoapMessage.TYPE_NON, answer.code(),
                con ? m.messageId() : nextMid(), m.token(), answer.options(), answer.payload());
        updateRegistration(d.from(), req, answer);
        byte[] bytes;
        try {
            bytes = CoapCodec.encode(protector.protectResponse(response, req.context()));
        } catch (RecSecException e) {
            // Our own SA cannot seal (exhausted or gone): answer like a refusal rather than send nothing.
            refusals.add(new Refusal(d.from(), e.reason()));
            bytes = CoapCodec.encode(RecordProtector.errorResponse(m, e.reason()));
        }
        dedup.remember(d.from(), m.messageId(), con ? bytes : null);
        net.send(address, d.from(), bytes);
    }

    private static byte[] echoOf(CoapMessage m) {
        return m.option(OptionNumbers.ECHO).map(CoapOption::value).orElse(null);
    }

    private void updateRegistration(String from, UnprotectedRequest req, CoapMessage answer) {
        String key = from + '\u0000' + Wire.hex(req.message().token());
        if (req.message().option(OptionNumbers.OBSERVE).isEmpty()) {
            return;
        }
        CoapOption observe = req.message().option(OptionNumbers.OBSERVE).orElseThrow();
        if (observe.length() <= 3 && observe.uintValue() == 0 && answer.hasOption(OptionNumbers.OBSERVE)) {
            registrations.put(key, new Registration(from, req.message().token(), req.context()));
        } else {
            registrations.remove(key);
        }
    }

    /**
     * Sends a Non-confirmable notification for {@code registration}: {@code notification}'s code, options and
     * payload, with the next Observe sequence number, protected with the registration's context.
     *
     * @throws RecSecException if the reverse SA cannot seal
     */
    public void notify(Registration registration, CoapMessage notification) throws RecSecException {
        List<org.recsec.record.coap.CoapOption> options =
                new ArrayList<>(Wire.without(notification.options(), OptionNumbers.OBSERVE));
        options.add(CoapOption.ofUint(OptionNumbers.OBSERVE, registration.nextObserve++));
        CoapMessage m = new CoapMessage(CoapMessage.TYPE_NON, notification.code(), nextMid(), registration.token,
                options, notification.payload());
        net.send(address, registration.peer, CoapCodec.encode(protector.protectResponse(m, registration.context)));
    }

    private int nextMid() {
        int mid = nextMid;
        nextMid = (nextMid + 1) & 0xffff;
        return mid;
    }

    public String address() {
        return address;
    }

    /** The requests the application received, in order. */
    public List<Received> received() {
        return Collections.unmodifiableList(received);
    }

    /** The requests refused with their reasons, in order. */
    public List<Refusal> refusals() {
        return Collections.unmodifiableList(refusals);
    }

    /** The live Observe registrations, oldest first. */
    public List<Registration> registrations() {
        return List.copyOf(registrations.values());
    }

    /** Duplicates answered (or ignored) by deduplication instead of being unprotected again. */
    public int duplicatesAnswered() {
        return duplicatesAnswered;
    }

    /** Datagrams that were not CoAP at all. */
    public int undecodable() {
        return undecodable;
    }
}
