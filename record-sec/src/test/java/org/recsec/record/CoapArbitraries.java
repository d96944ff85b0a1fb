package org.recsec.record;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/** Random requests and responses with realistic and unusual options, for round-trip properties. */
final class CoapArbitraries {
    private CoapArbitraries() {
    }

    private static final int[] REQUEST_OPTIONS = {
        OptionNumbers.IF_MATCH, OptionNumbers.URI_HOST, OptionNumbers.ETAG, OptionNumbers.IF_NONE_MATCH,
        OptionNumbers.URI_PORT, OptionNumbers.URI_PATH, OptionNumbers.CONTENT_FORMAT, OptionNumbers.URI_QUERY,
        OptionNumbers.ACCEPT, OptionNumbers.BLOCK2, OptionNumbers.BLOCK1, OptionNumbers.SIZE1,
        OptionNumbers.PROXY_SCHEME, OptionNumbers.ECHO, OptionNumbers.NO_RESPONSE, OptionNumbers.REQUEST_TAG,
        OptionNumbers.HOP_LIMIT, OptionNumbers.OBSERVE, 2000, 65000
    };
    private static final int[] RESPONSE_OPTIONS = {
        OptionNumbers.ETAG, OptionNumbers.LOCATION_PATH, OptionNumbers.CONTENT_FORMAT, OptionNumbers.MAX_AGE,
        OptionNumbers.LOCATION_QUERY, OptionNumbers.BLOCK2, OptionNumbers.SIZE2, OptionNumbers.ECHO,
        OptionNumbers.OBSERVE, 3000
    };

    static Arbitrary<CoapMessage> requests() {
        return messages(Arbitraries.integers().between(1, 31), REQUEST_OPTIONS);
    }

    static Arbitrary<CoapMessage> responses() {
        return messages(Arbitraries.integers().between(0x40, 0xbf), RESPONSE_OPTIONS);
    }

    private static Arbitrary<CoapMessage> messages(Arbitrary<Integer> codes, int[] numbers) {
        Arbitrary<CoapOption> option = Combinators.combine(
                Arbitraries.of(toList(numbers)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40)).as(CoapOption::new);
        return Combinators.combine(
                Arbitraries.integers().between(0, 1),
                codes,
                Arbitraries.integers().between(0, 0xffff),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(8),
                option.list().ofMaxSize(8),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
                .as((type, code, mid, token, options, payload) ->
                        new CoapMessage(type, code, mid, token, options, payload));
    }

    private static List<Integer> toList(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int i : a) {
            l.add(i);
        }
        return l;
    }
}
