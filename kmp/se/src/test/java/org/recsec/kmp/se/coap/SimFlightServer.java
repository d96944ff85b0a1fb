package org.recsec.kmp.se.coap;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.sim.net.Block2Server;
import org.recsec.sim.net.Datagram;
import org.recsec.sim.net.SimNetwork;

/**
 * {@link CoapFlightServer} as a simulator node: CoAP messaging reduced to what the handshake needs (RFC 7252 §4:
 * piggybacked responses, a CON retransmission answered from the deduplication cache, 4.05 for other methods) and
 * block-wise transfer as the Californium resource does it (RFC 7959): a flight in Block1 blocks is collected per
 * requester and resource (2.31 Continue between blocks, §2.3; a block out of order is 4.08, a non-final block of the
 * wrong size 4.00, more than {@link CoapFlightServer#MAX_FLIGHT_BYTES} 4.13, §2.9) and handed to the flight server
 * when the last one came; an answer longer than the block size goes in Block2 blocks ({@link Block2Server}, §2.4),
 * kept per requester and resource for the follow-up requests. Keys are requester and resource path, so two clients
 * behind one proxy must not be in the block-wise part of their first flight at once (the certificate handshake's
 * first flights are short).
 */
final class SimFlightServer {
    private final SimNetwork net;
    private final String self;
    private final CoapFlightServer flights;
    private final Map<String, byte[]> dedup = new HashMap<>();
    private final Map<String, ByteArrayOutputStream> block1 = new HashMap<>();
    private final Block2Server block2;
    private final int blockSzx;

    SimFlightServer(SimNetwork net, String self, CoapFlightServer flights) {
        this(net, self, flights, 1024);
    }

    /** @param blockSize the server's block size, 16..1024, a power of two */
    SimFlightServer(SimNetwork net, String self, CoapFlightServer flights, int blockSize) {
        if (Integer.bitCount(blockSize) != 1 || blockSize < 16 || blockSize > 1024) {
            throw new IllegalArgumentException("a block size is 16..1024, a power of two");
        }
        this.net = net;
        this.self = self;
        this.flights = flights;
        this.block2 = new Block2Server(blockSize);
        this.blockSzx = Integer.numberOfTrailingZeros(blockSize) - 4;
        net.attach(self, this::receive);
    }

    private void receive(Datagram d) {
        CoapMessage m;
        try {
            byte[] b = d.bytes();
            m = CoapCodec.decode(b, 0, b.length);
        } catch (RecSecException e) {
            return;
        }
        if (!m.isRequest() || m.type() != CoapMessage.TYPE_CON && m.type() != CoapMessage.TYPE_NON) {
            return;
        }
        String key = d.from() + "|" + m.messageId();
        byte[] cached = dedup.get(key);
        if (cached != null) {
            if (m.type() == CoapMessage.TYPE_CON) {
                net.send(self, d.from(), cached);
            }
            return;
        }
        List<String> path = new ArrayList<>();
        int cf = -1;
        for (CoapOption o : m.options()) {
            if (o.number() == OptionNumbers.URI_PATH) {
                path.add(o.stringValue());
            } else if (o.number() == OptionNumbers.CONTENT_FORMAT && o.length() <= 2) {
                cf = (int) o.uintValue();
            }
        }
        String resource = d.from() + "|" + String.join("/", path);
        CoapMessage answer;
        try {
            answer = answer(m, path, cf, resource, d.from());
        } catch (RecSecException | CoapFlightException e) {
            answer = reply(FlightCoap.BAD_REQUEST, List.of(), new byte[0]);
        }
        boolean con = m.type() == CoapMessage.TYPE_CON;
        byte[] out = CoapCodec.encode(answer.withType(con ? CoapMessage.TYPE_ACK : CoapMessage.TYPE_NON)
                .withMessageId(con ? m.messageId() : net.random().nextInt(0x10000)).withToken(m.token()));
        dedup.put(key, out);
        net.send(self, d.from(), out);
    }

    /** The answer to a request that is not a repeat, before type, message ID and token. */
    private CoapMessage answer(CoapMessage m, List<String> path, int cf, String resource, String from)
            throws RecSecException, CoapFlightException {
        if (m.code() != FlightCoap.CODE_POST) {
            return reply(0x85, List.of(), new byte[0]);
        }
        if (path.size() < 2 || path.size() > 3 || !path.subList(0, 2).equals(FlightCoap.RESOURCE)) {
            return reply(FlightCoap.NOT_FOUND, List.of(), new byte[0]);
        }
        CoapOption b2 = m.option(OptionNumbers.BLOCK2).orElse(null);
        if (b2 != null && m.payloadLength() == 0) {
            return block2.serve(resource, b2).orElseGet(() -> reply(FlightCoap.BAD_REQUEST, List.of(),
                    new byte[0]));
        }
        byte[] body = m.payload();
        CoapOption b1 = m.option(OptionNumbers.BLOCK1).orElse(null);
        List<CoapOption> echo = new ArrayList<>();
        if (b1 != null) {
            long v = FlightExchange.uint(b1, 3);
            long num = v >>> 4;
            boolean more = (v & 8) != 0;
            int szx = (int) (v & 7);
            if (szx == 7) {
                return reply(FlightCoap.BAD_REQUEST, List.of(), new byte[0]);
            }
            int size = 1 << (szx + 4);
            if (num == 0) {
                block1.put(resource, new ByteArrayOutputStream());
            }
            ByteArrayOutputStream collected = block1.get(resource);
            if (collected == null || collected.size() != num * size) {
                block1.remove(resource);
                return reply(FlightCoap.REQUEST_ENTITY_INCOMPLETE, List.of(), new byte[0]);
            }
            if (more && body.length != size) {
                block1.remove(resource);
                return reply(FlightCoap.BAD_REQUEST, List.of(), new byte[0]);
            }
            collected.writeBytes(body);
            if (collected.size() > CoapFlightServer.MAX_FLIGHT_BYTES) {
                block1.remove(resource);
                return reply(FlightCoap.REQUEST_ENTITY_TOO_LARGE, List.of(), new byte[0]);
            }
            if (more) {
                // a server with smaller blocks asks for them in its 2.31 (RFC 7959 §2.3)
                echo.add(CoapOption.ofUint(OptionNumbers.BLOCK1, num << 4 | 8 | Math.min(szx, blockSzx)));
                return reply(FlightCoap.CONTINUE, echo, new byte[0]);
            }
            echo.add(b1);
            body = block1.remove(resource).toByteArray();
        }
        block2.forget(resource);
        CoapFlightServer.Reply r = flights.handle(path.size() == 3 ? path.get(2) : null, cf, body, from);
        List<CoapOption> options = new ArrayList<>(echo);
        if (r.handshakeId() != null) {
            FlightCoap.RESOURCE.forEach(x -> options.add(CoapOption.ofString(OptionNumbers.LOCATION_PATH, x)));
            options.add(CoapOption.ofString(OptionNumbers.LOCATION_PATH, r.handshakeId()));
        }
        if (r.payload().length > 0) {
            options.add(CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, FlightCoap.CONTENT_FORMAT));
        }
        return block2.first(resource, reply(r.code(), options, r.payload()));
    }

    private static CoapMessage reply(int code, List<CoapOption> options, byte[] payload) {
        List<CoapOption> sorted = new ArrayList<>(options);
        sorted.sort(java.util.Comparator.comparingInt(CoapOption::number));
        return new CoapMessage(CoapMessage.TYPE_ACK, code, 0, new byte[0], sorted, payload);
    }
}
