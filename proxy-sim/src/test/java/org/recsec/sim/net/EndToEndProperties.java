package org.recsec.sim.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionClass;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.sim.net.Scenario.Spec;

/**
 * Client → forwarding proxy → server over a perfect link: the applications see exactly what the other side sent,
 * and no party on the path sees any of it in clear.
 */
class EndToEndProperties {

    @Provide
    Arbitrary<Spec> specs() {
        return SimArbitraries.specs(true);
    }

    @Provide
    Arbitrary<Integer> blockSizes() {
        return SimArbitraries.blockSizes();
    }

    @Provide
    Arbitrary<byte[]> secrets() {
        return SimArbitraries.secrets();
    }

    /**
     * Property 1: the server application gets each request once, with the code, the Class E options (in order) and
     * the payload the client sent; the client application gets each response and each notification once, with the
     * code, Class E options and payload the server sent, including responses long enough for outer Block2.
     */
    @Property(tries = 150)
    void applicationsSeeExactlyWhatThePeerSent(@ForAll long seed, @ForAll CipherSuite suite,
                                               @ForAll RecordProfile recordProfile,
                                               @ForAll @Size(min = 1, max = 4) List<@From("specs") Spec> specs,
                                               @ForAll("blockSizes") int maxBlock, @ForAll boolean confirmable)
            throws RecSecException {
        Scenario s = new Scenario(seed, suite, recordProfile, LinkProfile.PERFECT, specs, maxBlock, d -> { })
                .run(confirmable);
        net.jqwik.api.statistics.Statistics.label("record profile").collect(recordProfile);

        net.jqwik.api.statistics.Statistics.label("outer Block2").collect(s.proxy.blocksServed() > 0);
        net.jqwik.api.statistics.Statistics.label("observe").collect(specs.stream().anyMatch(Spec::observe));
        assertTrue(s.server.refusals().isEmpty(), () -> "server refused " + s.server.refusals());
        assertTrue(s.client.refusals().isEmpty(), () -> "client refused " + s.client.refusals());
        assertEquals(specs.size(), s.server.received().size());
        for (SimServer.Received r : s.server.received()) {
            int id = Scenario.idOf(r.request());
            CoapMessage sent = Scenario.outgoing(specs.get(id), id);
            assertEquals(sent.code(), r.request().code());
            assertEquals(Scenario.protectedOptions(sent, false), Scenario.protectedOptions(r.request(), false));
            assertArrayEquals(sent.payload(), r.request().payload());
        }
        for (int i = 0; i < specs.size(); i++) {
            Spec spec = specs.get(i);
            List<CoapMessage> got = new ArrayList<>();
            for (SimClient.Delivery d : s.client.deliveries()) {
                if (d.token().equals(s.tokens.get(i))) {
                    got.add(d.response());
                }
            }
            List<CoapMessage> expected = new ArrayList<>();
            expected.add(spec.response());
            expected.addAll(spec.notifications());
            assertEquals(expected.size(), got.size(), "deliveries for exchange " + i);
            for (int k = 0; k < expected.size(); k++) {
                assertEquals(expected.get(k).code(), got.get(k).code());
                assertEquals(Scenario.protectedOptions(expected.get(k), true),
                        Scenario.protectedOptions(got.get(k), true));
                assertArrayEquals(expected.get(k).payload(), got.get(k).payload());
                assertEquals(spec.observe(), got.get(k).hasOption(OptionNumbers.OBSERVE));
            }
            assertEquals(SimClient.Outcome.Kind.COMPLETED, s.client.outcomes().get(s.tokens.get(i)).kind());
        }
    }

    /**
     * Property 2: no datagram on any link (client–proxy or proxy–server, either way) contains a protected option
     * value or payload in clear, and no datagram carries a Class E option outside. Secrets are 12 to 32 random
     * bytes, so a chance match is out of the question.
     */
    @Property(tries = 150)
    void pathSeesNoProtectedBytes(@ForAll long seed, @ForAll CipherSuite suite, @ForAll RecordProfile recordProfile,
                                  @ForAll("secrets") byte[] path, @ForAll("secrets") byte[] query,
                                  @ForAll("secrets") byte[] requestBody, @ForAll("secrets") byte[] location,
                                  @ForAll("secrets") byte[] responseBody, @ForAll("secrets") byte[] notification,
                                  @ForAll("blockSizes") int maxBlock, @ForAll boolean longResponse)
            throws RecSecException {
        byte[] body = longResponse ? repeat(responseBody, 2000) : responseBody;
        CoapMessage request = new CoapMessage(CoapMessage.TYPE_CON, 0x02, 0, new byte[0], List.of(
                new CoapOption(OptionNumbers.URI_PATH, path), new CoapOption(OptionNumbers.URI_QUERY, query)),
                requestBody);
        CoapMessage response = new CoapMessage(CoapMessage.TYPE_ACK, 0x45, 0, new byte[0],
                List.of(new CoapOption(OptionNumbers.LOCATION_PATH, location)), body);
        CoapMessage note = new CoapMessage(CoapMessage.TYPE_NON, 0x45, 0, new byte[0], List.of(), notification);
        List<Datagram> seen = new ArrayList<>();
        Scenario s = new Scenario(seed, suite, recordProfile, LinkProfile.PERFECT,
                List.of(new Scenario.Spec(request, response, true, List.of(note))), maxBlock, seen::add).run(true);

        List<byte[]> secrets = List.of(path, query, requestBody, location, responseBody, notification);
        for (Datagram d : seen) {
            byte[] wire = d.bytes();
            for (byte[] secret : secrets) {
                assertFalse(contains(wire, secret), () -> "secret in clear in " + d);
            }
            CoapMessage m = Wire.decodeOrNull(wire);
            for (CoapOption o : m.options()) {
                assertTrue(OptionClass.of(o.number()) != OptionClass.E, () -> "Class E option outside in " + d);
            }
        }
        assertEquals(2, s.client.deliveries().size(), "the exchange ran");
    }

    private static byte[] repeat(byte[] unit, int min) {
        byte[] out = new byte[((min / unit.length) + 1) * unit.length];
        for (int i = 0; i < out.length; i += unit.length) {
            System.arraycopy(unit, 0, out, i, unit.length);
        }
        return out;
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
