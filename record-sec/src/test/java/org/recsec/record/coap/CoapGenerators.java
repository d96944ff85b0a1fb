package org.recsec.record.coap;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Random valid CoAP messages and option lists, biased towards the 13 / 269 encoding boundaries. */
final class CoapGenerators {
    private CoapGenerators() {
    }

    /** Deltas around 0, 12/13, 268/269 and large jumps, so every nibble form occurs. */
    static Arbitrary<Integer> deltas() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 14),
                Arbitraries.integers().between(255, 280),
                Arbitraries.integers().between(0, 2000),
                Arbitraries.integers().between(0, 65535));
    }

    static Arbitrary<byte[]> values() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(14),
                Arbitraries.bytes().array(byte[].class).ofMinSize(260).ofMaxSize(320),
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300));
    }

    /** Option lists in number order, repeats included; numbers stay within 0..65535. */
    static Arbitrary<List<CoapOption>> options() {
        Arbitrary<int[]> deltaList = deltas().list().ofMaxSize(8)
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        return Combinators.combine(deltaList, values().list().ofSize(8)).as((ds, vs) -> {
            List<CoapOption> out = new ArrayList<>();
            int number = 0;
            for (int i = 0; i < ds.length; i++) {
                if (number + ds[i] > 65535) {
                    break;
                }
                number += ds[i];
                out.add(new CoapOption(number, vs.get(i)));
            }
            return out;
        });
    }

    static Arbitrary<byte[]> payloads() {
        return Arbitraries.oneOf(
                Arbitraries.just(new byte[0]),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(400));
    }

    /** Valid messages: version 1; 0.00 only as the bare 4-byte Empty message. */
    static Arbitrary<CoapMessage> messages() {
        Arbitrary<CoapMessage> nonEmpty = Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(1, 255),
                Arbitraries.integers().between(0, 0xffff),
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(8),
                options(),
                payloads()).as(CoapMessage::new);
        Arbitrary<CoapMessage> empty = Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 0xffff))
                .as((t, mid) -> new CoapMessage(t, 0, mid, new byte[0], List.of(), new byte[0]));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, nonEmpty),
                net.jqwik.api.Tuple.of(1, empty));
    }
}
