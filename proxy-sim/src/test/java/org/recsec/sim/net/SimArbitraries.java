package org.recsec.sim.net;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/** Random protected-message content for the simulator properties. */
final class SimArbitraries {
    private SimArbitraries() {
    }

    /** Class E (and inner-only EU) options a client may send. */
    private static final List<Integer> REQUEST_OPTIONS = List.of(OptionNumbers.IF_MATCH, OptionNumbers.ETAG,
            OptionNumbers.IF_NONE_MATCH, OptionNumbers.URI_PATH, OptionNumbers.CONTENT_FORMAT,
            OptionNumbers.URI_QUERY, OptionNumbers.ACCEPT, OptionNumbers.ECHO, OptionNumbers.REQUEST_TAG,
            OptionNumbers.BLOCK1, OptionNumbers.SIZE1, 2000, 65000);
    /** Class E (and EU) options a server may answer with. */
    private static final List<Integer> RESPONSE_OPTIONS = List.of(OptionNumbers.ETAG, OptionNumbers.LOCATION_PATH,
            OptionNumbers.CONTENT_FORMAT, OptionNumbers.MAX_AGE, OptionNumbers.LOCATION_QUERY, OptionNumbers.SIZE2,
            OptionNumbers.ECHO, 3000);

    static Arbitrary<byte[]> payloads() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
                net.jqwik.api.Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMinSize(300).ofMaxSize(3000)));
    }

    private static Arbitrary<List<CoapOption>> options(List<Integer> numbers) {
        return Combinators.combine(Arbitraries.of(numbers), Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
                .as(CoapOption::new).list().ofMaxSize(6);
    }

    static Arbitrary<CoapMessage> requests() {
        return Combinators.combine(Arbitraries.integers().between(1, 31), options(REQUEST_OPTIONS), payloads())
                .as((code, opts, payload) -> new CoapMessage(CoapMessage.TYPE_CON, code, 0, new byte[0], opts,
                        payload));
    }

    static Arbitrary<CoapMessage> responses() {
        return Combinators.combine(Arbitraries.integers().between(0x40, 0xbf), options(RESPONSE_OPTIONS),
                payloads()).as((code, opts, payload) -> new CoapMessage(CoapMessage.TYPE_ACK, code, 0, new byte[0],
                opts, payload))
                // 4.01 with Echo is RFC 9175's freshness challenge, which the client answers by repeating the request
                // (EchoFreshnessProperties): not an application response to deliver
                .filter(m -> m.code() != 0x81 || !m.hasOption(OptionNumbers.ECHO));
    }

    static Arbitrary<CoapMessage> notifications() {
        return Combinators.combine(Arbitraries.integers().between(0x40, 0x5f), options(RESPONSE_OPTIONS),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200)).as((code, opts, payload) ->
                new CoapMessage(CoapMessage.TYPE_NON, code, 0, new byte[0], opts, payload));
    }

    static Arbitrary<Scenario.Spec> specs(boolean withObserve) {
        Arbitrary<Boolean> observe = withObserve ? Arbitraries.integers().between(0, 3).map(i -> i == 0)
                : Arbitraries.just(false);
        return Combinators.combine(requests(), responses(), observe, notifications().list().ofMaxSize(3))
                .as((req, resp, obs, notes) -> new Scenario.Spec(req, resp, obs, obs ? notes : List.of()));
    }

    /** Block sizes a proxy may choose: 2^4 .. 2^10 bytes. */
    static Arbitrary<Integer> blockSizes() {
        return Arbitraries.integers().between(4, 10).map(e -> 1 << e);
    }

    /** 12 to 32 random bytes: a secret that cannot show up in a datagram by accident. */
    static Arbitrary<byte[]> secrets() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(12).ofMaxSize(32);
    }
}
