package org.recsec.kmp.se.coap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.sim.net.Datagram;
import org.recsec.sim.net.SimNetwork;

/**
 * {@link CoapFlightServer} as a simulator node: CoAP messaging reduced to what the handshake needs (RFC 7252 §4:
 * piggybacked responses, a CON retransmission answered from the deduplication cache, 4.05 for other methods; no
 * Block1/Block2 here, the Californium resource does those).
 */
final class SimFlightServer {
    private final SimNetwork net;
    private final String self;
    private final CoapFlightServer flights;
    private final Map<String, byte[]> dedup = new HashMap<>();

    SimFlightServer(SimNetwork net, String self, CoapFlightServer flights) {
        this.net = net;
        this.self = self;
        this.flights = flights;
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
        int code;
        CoapFlightServer.Reply r = null;
        if (m.code() != FlightCoap.CODE_POST) {
            code = 0x85;
        } else if (path.size() < 2 || path.size() > 3 || !path.subList(0, 2).equals(FlightCoap.RESOURCE)) {
            code = FlightCoap.NOT_FOUND;
        } else {
            r = flights.handle(path.size() == 3 ? path.get(2) : null, cf, m.payload(), d.from());
            code = r.code();
        }
        List<CoapOption> options = new ArrayList<>();
        byte[] payload = new byte[0];
        if (r != null) {
            if (r.handshakeId() != null) {
                FlightCoap.RESOURCE.forEach(s -> options.add(CoapOption.ofString(OptionNumbers.LOCATION_PATH, s)));
                options.add(CoapOption.ofString(OptionNumbers.LOCATION_PATH, r.handshakeId()));
            }
            if (r.payload().length > 0) {
                options.add(CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, FlightCoap.CONTENT_FORMAT));
                payload = r.payload();
            }
        }
        boolean con = m.type() == CoapMessage.TYPE_CON;
        byte[] out = CoapCodec.encode(new CoapMessage(con ? CoapMessage.TYPE_ACK : CoapMessage.TYPE_NON, code,
                con ? m.messageId() : net.random().nextInt(0x10000), m.token(), options, payload));
        dedup.put(key, out);
        net.send(self, d.from(), out);
    }
}
