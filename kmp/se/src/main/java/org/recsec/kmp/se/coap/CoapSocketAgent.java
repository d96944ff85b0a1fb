package org.recsec.kmp.se.coap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.se.host.DtlsRecords;
import org.recsec.se.host.SocketAgent;

/**
 * The CoAP socket agent (draft-urien-core-identity-module-coap §3): Send-Flight is a Confirmable POST of the flight
 * to the server's handshake resource, through a forward proxy or not; Recv-Flight is the flight in its response.
 * Give it to {@link org.recsec.se.host.SeHandshake#run} with {@link CoapTransmission#dtlsTimer()}: the card and
 * the bridge do not change, only the carrier does.
 *
 * <ul>
 *   <li>Messaging (RFC 7252 §4): a new message ID and an 8-byte random token per request; retransmission after
 *   ACK_TIMEOUT × [1, ACK_RANDOM_FACTOR], doubled, at most MAX_RETRANSMIT times; an empty ACK means a separate
 *   response will come (it is ACKed when Confirmable); a Reset, or an error code, ends the handshake with a
 *   {@link CoapFlightException}. When CoAP gives up, or a proxy answers 5.03/5.04, Recv-Flight returns null and the
 *   bridge's (aligned) DTLS timer sends the flight again in a new exchange.</li>
 *   <li>Addressing (RFC 7252 §5.7.2, §6.4): {@link ProxyForm#PROXY_SCHEME} sends Uri-Host, Uri-Port (unless 5683),
 *   Uri-Path and Proxy-Scheme "coap", as record-sec's protected requests go; {@link ProxyForm#PROXY_URI} sends one
 *   Proxy-Uri; {@link ProxyForm#NONE} only Uri-Path (no proxy).</li>
 *   <li>The handshake id comes from the 2.01 response's Location-Path, which must be the resource plus one valid
 *   id; later flights go to it.</li>
 *   <li>Block-wise (RFC 7959): a flight longer than the block size goes in Block1 blocks (2.31 Continue between
 *   them; a smaller block size asked by the server is followed; a 2.31 for another block counts as no answer);
 *   a response in Block2 blocks is fetched block by
 *   block; a block other than the one asked for (a replayed response) counts as no answer, so the flight goes again.
 *   At most {@value CoapFlightServer#MAX_FLIGHT_BYTES} bytes are accepted in one answer.</li>
 * </ul>
 *
 * <p>Not thread-safe: one handshake thread uses it. Counters ({@link #stats()}) cover every datagram on the wire.
 */
public final class CoapSocketAgent implements SocketAgent {
    /** How the server is named in requests. */
    public enum ProxyForm {
        /** No proxy: Uri-Path only, the wire goes to the server itself. */
        NONE,
        /** Proxy-Scheme + Uri-Host + Uri-Port + Uri-Path. */
        PROXY_SCHEME,
        /** One Proxy-Uri option. */
        PROXY_URI
    }

    /**
     * What went over the wire so far.
     *
     * @param exchanges   requests answered (round trips), block requests included
     * @param requests    requests sent, first transmissions only
     * @param retransmits CoAP retransmissions
     * @param sent        datagrams sent
     * @param sentBytes   their bytes (CoAP messages, without UDP/IP headers)
     * @param received    datagrams received
     * @param receivedBytes their bytes
     */
    public record Stats(long exchanges, long requests, long retransmits, long sent, long sentBytes, long received,
                        long receivedBytes) {
    }

    private final FlightWire wire;
    private final String host;
    private final int port;
    private final ProxyForm form;
    private final CoapTransmission tx;
    private final Random random;
    private String handshakeId;
    private int nextMid;
    private FlightExchange current;
    private long exchanges;
    private long requests;
    private long retransmits;
    private long sent;
    private long sentBytes;
    private long received;
    private long receivedBytes;

    /**
     * @param wire   to the first hop (the proxy, or the server for {@link ProxyForm#NONE})
     * @param host   the server's host as it goes into Uri-Host / Proxy-Uri (a name or an IP literal)
     * @param port   the server's CoAP port
     * @param random message IDs, tokens and retransmission timeouts
     */
    public CoapSocketAgent(FlightWire wire, String host, int port, ProxyForm form, CoapTransmission tx,
                           Random random) {
        this.wire = Objects.requireNonNull(wire);
        this.host = Objects.requireNonNull(host);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535");
        }
        this.port = port;
        this.form = Objects.requireNonNull(form);
        this.tx = Objects.requireNonNull(tx);
        this.random = Objects.requireNonNull(random);
        this.nextMid = random.nextInt(0x10000);
    }

    /**
     * An agent on a fresh UDP socket ({@link UdpFlightWire}) with RFC 7252's transmission parameters
     * ({@link CoapTransmission#RFC7252}): to {@code server} directly when {@code proxy} is null, else to the forward
     * proxy, naming the server in the given form (RFC 7252 §5.7.2, §6.4).
     *
     * @param server the server's CoAP endpoint (its IP literal goes into Uri-Host or Proxy-Uri)
     * @param proxy  the forward proxy, or null
     * @param form   {@link ProxyForm#PROXY_SCHEME} or {@link ProxyForm#PROXY_URI} with a proxy (ignored without)
     * @param bind   the local address to bind, or null for the wildcard
     * @param random message IDs, tokens and retransmission timeouts
     * @return the agent; closing it closes the socket
     * @throws IOException the socket could not be opened
     */
    public static CoapSocketAgent overUdp(java.net.InetSocketAddress server, java.net.InetSocketAddress proxy,
                                          ProxyForm form, java.net.InetAddress bind, Random random)
            throws IOException {
        if (proxy != null && form == ProxyForm.NONE) {
            throw new IllegalArgumentException("a proxy needs the Proxy-Scheme or the Proxy-Uri form");
        }
        return new CoapSocketAgent(UdpFlightWire.open(proxy != null ? proxy : server, bind),
                server.getAddress().getHostAddress(), server.getPort(), proxy != null ? form : ProxyForm.NONE,
                CoapTransmission.RFC7252, random);
    }

    /** The handshake id the server gave, or null before its 2.01. */
    public String handshakeId() {
        return handshakeId;
    }

    public Stats stats() {
        return new Stats(exchanges, requests, retransmits, sent, sentBytes, received, receivedBytes);
    }

    /** Send-Flight: starts a new exchange with the flight (an earlier one still open is abandoned). */
    @Override
    public void sendFlight(List<byte[]> records) throws IOException {
        byte[] body = DtlsRecords.concat(records);
        if (body.length == 0) {
            throw new IllegalArgumentException("empty flight");
        }
        current = new FlightExchange(body, target(), tx);
        sendRequest(current.firstRequest());
    }

    /** After the handshake, application records travel inside record-sec's CoAP messages, not here. */
    @Override
    public void send(byte[] datagram) throws IOException {
        throw new IOException("the CoAP flight transport carries handshake flights only; application data goes in "
                + "record-sec protected CoAP messages");
    }

    /**
     * Recv-Flight: the server's answer to the last flight (possibly empty), or empty when {@code timeoutMillis}
     * passed, CoAP gave up, or a proxy answered 5.03/5.04.
     *
     * @throws CoapFlightException on a Reset, an error response or a malformed answer
     */
    @Override
    public Optional<List<byte[]>> recvFlight(int timeoutMillis) throws IOException {
        long deadline = wire.nowMillis() + Math.max(1, timeoutMillis);
        while (true) {
            long now = wire.nowMillis();
            FlightExchange x = current;
            if (x != null && x.answer != null) {
                current = null;
                return Optional.of(x.answer);
            }
            if (x != null && x.gaveUp) {
                current = null;
                return Optional.empty();
            }
            if (now >= deadline) {
                return Optional.empty();
            }
            long wake = deadline;
            if (x != null && !x.acked) {
                if (now >= x.retransmitAt) {
                    if (x.retransmissions >= tx.maxRetransmit()) {
                        x.gaveUp = true;
                        continue;
                    }
                    x.retransmissions++;
                    x.timeout *= 2;
                    x.retransmitAt = now + x.timeout;
                    retransmits++;
                    transmit(x.bytes);
                    continue;
                }
                wake = Math.min(wake, x.retransmitAt);
            }
            Optional<byte[]> d = wire.receive(Math.max(1, wake - now));
            if (d.isPresent()) {
                received++;
                receivedBytes += d.get().length;
                onDatagram(d.get());
            }
        }
    }

    private void onDatagram(byte[] d) throws IOException {
        CoapMessage m;
        try {
            m = CoapCodec.decode(d, 0, d.length);
        } catch (RecSecException e) {
            return; // not CoAP: silently ignored (RFC 7252 §4.2)
        }
        FlightExchange x = current;
        boolean mine = x != null && m.messageId() == x.mid;
        if (m.type() == CoapMessage.TYPE_RST) {
            if (mine) {
                current = null;
                throw new CoapFlightException("the first hop reset the handshake request", -1);
            }
            return;
        }
        if (m.isResponse() && (m.type() == CoapMessage.TYPE_CON || m.type() == CoapMessage.TYPE_NON)) {
            if (m.type() == CoapMessage.TYPE_CON) {
                transmit(CoapCodec.encode(new CoapMessage(CoapMessage.TYPE_ACK, 0, m.messageId(), new byte[0],
                        List.of(), new byte[0])));
            }
            if (x != null && Arrays.equals(m.token(), x.token)) {
                x.acked = true;
                onResponse(x, m);
            }
            return;
        }
        if (m.type() == CoapMessage.TYPE_ACK && mine) {
            x.acked = true;
            if (!m.isEmpty() && Arrays.equals(m.token(), x.token)) {
                onResponse(x, m);
            }
        }
    }

    private void onResponse(FlightExchange x, CoapMessage m) throws IOException {
        if (x.responded) {
            return;
        }
        x.responded = true;
        exchanges++;
        int code = m.code();
        if (code == FlightCoap.GATEWAY_TIMEOUT || code == FlightCoap.SERVICE_UNAVAILABLE) {
            x.gaveUp = true;
            return;
        }
        if (code == FlightCoap.CONTINUE) {
            FlightExchange.CoapRequest next = x.nextBlock1(m.option(OptionNumbers.BLOCK1).orElse(null));
            if (next == null) {
                x.gaveUp = true; // a 2.31 for another block: no answer to this one, the flight goes again
                return;
            }
            sendRequest(next);
            return;
        }
        if (code != FlightCoap.CREATED && code != FlightCoap.CHANGED) {
            current = null;
            throw new CoapFlightException("the handshake request was answered " + FlightCoap.code(code), code);
        }
        if (code == FlightCoap.CREATED) {
            takeLocation(m);
        }
        CoapOption cf = m.option(OptionNumbers.CONTENT_FORMAT).orElse(null);
        if (m.payloadLength() > 0 && (cf == null || cf.length() > 2 || cf.uintValue() != FlightCoap.CONTENT_FORMAT)) {
            current = null;
            throw new CoapFlightException("the answer is not a flight (Content-Format)", -1);
        }
        CoapOption b2 = m.option(OptionNumbers.BLOCK2).orElse(null);
        if (b2 == null) {
            if (x.body.size() > 0) {
                throw new CoapFlightException("a Block2 transfer ended without its last block", -1);
            }
            x.body.writeBytes(m.payload());
        } else {
            long v = FlightExchange.uint(b2, 3);
            long num = v >>> 4;
            int size = 1 << ((v & 7) + 4);
            if ((v & 7) == 7) {
                current = null;
                throw new CoapFlightException("Block2 with the reserved size 7", -1);
            }
            if (num * size != x.body.size()) {
                // another block than asked for (a replayed or misrouted response): treated as a lost answer, so
                // the bridge sends the flight again in a new exchange and gets the server's cached answer
                x.gaveUp = true;
                return;
            }
            x.body.writeBytes(m.payload());
            if (x.body.size() > CoapFlightServer.MAX_FLIGHT_BYTES) {
                current = null;
                throw new CoapFlightException("the answer is longer than " + CoapFlightServer.MAX_FLIGHT_BYTES
                        + " bytes", -1);
            }
            if ((v & 8) != 0) {
                sendRequest(x.block2Request(num + 1, (int) (v & 7)));
                return;
            }
        }
        x.answer = DtlsRecords.split(x.body.toByteArray());
    }

    private void takeLocation(CoapMessage m) throws CoapFlightException {
        List<String> loc = new ArrayList<>();
        for (CoapOption o : m.options()) {
            if (o.number() == OptionNumbers.LOCATION_PATH) {
                loc.add(o.stringValue());
            }
        }
        if (loc.size() != FlightCoap.RESOURCE.size() + 1 || !loc.subList(0, FlightCoap.RESOURCE.size())
                .equals(FlightCoap.RESOURCE) || !FlightCoap.isValidId(loc.get(FlightCoap.RESOURCE.size()))) {
            current = null;
            throw new CoapFlightException("2.01 without a handshake Location-Path", -1);
        }
        String id = loc.get(FlightCoap.RESOURCE.size());
        if (handshakeId != null && !handshakeId.equals(id)) {
            current = null;
            throw new CoapFlightException("the server named a second handshake", -1);
        }
        handshakeId = id;
    }

    private void sendRequest(FlightExchange.CoapRequest r) throws IOException {
        FlightExchange x = current;
        x.mid = nextMid;
        nextMid = (nextMid + 1) & 0xffff;
        x.token = new byte[8];
        random.nextBytes(x.token);
        // CoapMessage keeps the options in number order itself
        x.bytes = CoapCodec.encode(new CoapMessage(CoapMessage.TYPE_CON, FlightCoap.CODE_POST, x.mid, x.token,
                r.options(), r.payload()));
        x.acked = false;
        x.responded = false;
        x.retransmissions = 0;
        x.timeout = tx.ackTimeoutMillis() + (long) (random.nextDouble() * tx.ackTimeoutMillis()
                * (tx.ackRandomFactor() - 1));
        x.retransmitAt = wire.nowMillis() + x.timeout;
        requests++;
        transmit(x.bytes);
    }

    private void transmit(byte[] bytes) throws IOException {
        sent++;
        sentBytes += bytes.length;
        wire.send(bytes);
    }

    /** The options naming the handshake resource (and its id) for the chosen proxy form. */
    private List<CoapOption> target() {
        List<String> path = new ArrayList<>(FlightCoap.RESOURCE);
        if (handshakeId != null) {
            path.add(handshakeId);
        }
        List<CoapOption> o = new ArrayList<>();
        switch (form) {
            case PROXY_URI -> {
                String h = host.contains(":") ? "[" + host + "]" : host;
                o.add(CoapOption.ofString(OptionNumbers.PROXY_URI, "coap://" + h
                        + (port == 5683 ? "" : ":" + port) + "/" + String.join("/", path)));
            }
            case PROXY_SCHEME -> {
                o.add(CoapOption.ofString(OptionNumbers.URI_HOST, host));
                if (port != 5683) {
                    o.add(CoapOption.ofUint(OptionNumbers.URI_PORT, port));
                }
                path.forEach(s -> o.add(CoapOption.ofString(OptionNumbers.URI_PATH, s)));
                o.add(CoapOption.ofString(OptionNumbers.PROXY_SCHEME, "coap"));
            }
            case NONE -> path.forEach(s -> o.add(CoapOption.ofString(OptionNumbers.URI_PATH, s)));
            default -> throw new IllegalStateException();
        }
        return o;
    }

    @Override
    public void close() {
        current = null;
        wire.close();
    }
}
