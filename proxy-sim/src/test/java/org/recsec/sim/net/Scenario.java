package org.recsec.sim.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionClass;
import org.recsec.record.coap.OptionNumbers;

/**
 * Test driver for client → forwarding proxy → server: sends each {@link Spec}'s request, the server application
 * answers with that spec's response (found by a private Class E option carrying the spec's index), then sends the
 * spec's notifications if it observed.
 */
final class Scenario {
    /** An unknown option number, hence Class E: the spec index, end to end. */
    static final int TEST_ID = 65100;

    /** One exchange: what the client asks, what the server answers, the notifications that follow. */
    record Spec(CoapMessage request, CoapMessage response, boolean observe, List<CoapMessage> notifications) {
    }

    final Topology topology;
    final SimServer server;
    final ForwardingProxy proxy;
    final SimClient client;
    final List<String> tokens = new ArrayList<>();
    final List<Spec> specs;

    Scenario(long seed, CipherSuite suite, LinkProfile profile, List<Spec> specs, int maxBlockBytes,
             Consumer<Datagram> tap) {
        this(seed, suite, RecordProfile.DTLS12, profile, specs, maxBlockBytes, tap);
    }

    Scenario(long seed, CipherSuite suite, RecordProfile recordProfile, LinkProfile profile, List<Spec> specs,
             int maxBlockBytes, Consumer<Datagram> tap) {
        this.specs = specs;
        topology = new Topology(seed, profile, suite, recordProfile);
        topology.net.addTap(tap);
        server = topology.server(this::answer);
        proxy = topology.proxy().maxBlockBytes(maxBlockBytes);
        client = topology.client();
    }

    private CoapMessage answer(CoapMessage request) {
        Spec s = specs.get(idOf(request));
        if (!s.observe) {
            return s.response;
        }
        List<CoapOption> o = new ArrayList<>(s.response.options());
        o.add(CoapOption.ofUint(OptionNumbers.OBSERVE, 0));
        return s.response.withOptions(o);
    }

    static int idOf(CoapMessage m) {
        return (int) m.option(TEST_ID).orElseThrow().uintValue();
    }

    /** The request as the client hands it to SimClient: routing options, the spec's options, the id. */
    static CoapMessage outgoing(Spec s, int id) {
        List<CoapOption> o = new ArrayList<>(ForwardingProxyTest.viaProxy());
        o.addAll(s.request.options());
        o.add(CoapOption.ofUint(TEST_ID, id));
        if (s.observe) {
            o.add(CoapOption.ofUint(OptionNumbers.OBSERVE, 0));
        }
        return s.request.withOptions(o);
    }

    /** Sends everything and runs the network until idle. */
    Scenario run(boolean confirmable) throws RecSecException {
        for (int i = 0; i < specs.size(); i++) {
            tokens.add(client.request(Topology.SERVER_ID, Topology.PROXY, outgoing(specs.get(i), i), confirmable));
        }
        topology.net.runUntilIdle(60_000);
        Map<String, Integer> idByUpstreamToken = new HashMap<>();
        for (SimServer.Received r : server.received()) {
            idByUpstreamToken.put(Wire.hex(r.request().token()), idOf(r.request()));
        }
        for (SimServer.Registration reg : server.registrations()) {
            Spec s = specs.get(idByUpstreamToken.get(Wire.hex(reg.token())));
            for (CoapMessage n : s.notifications) {
                server.notify(reg, n);
                topology.net.runUntilIdle(1_000);
            }
        }
        topology.net.runUntilIdle(2 * CoapTiming.EXCHANGE_LIFETIME_MILLIS);
        return this;
    }

    /** The options an endpoint protected: everything but Class U (and, when asked, without Observe). */
    static List<CoapOption> protectedOptions(CoapMessage m, boolean dropObserve) {
        List<CoapOption> out = new ArrayList<>();
        for (CoapOption o : m.options()) {
            if (OptionClass.of(o.number()) != OptionClass.U && !(dropObserve && o.number() == OptionNumbers.OBSERVE)) {
                out.add(o);
            }
        }
        return out;
    }
}
