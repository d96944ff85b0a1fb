package org.recsec.km.fuzz;



import org.recsec.testsupport.Mutations;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * jqwik properties for the parsers of this module that had none: the setkey parser (random text, byte and token
 * mutations of valid statements). PF_KEY decoding and the SAD have theirs already (PfKeyCodecTest, SadProperties);
 * the ticket KMP's parsers have TicketFuzzProperties in kmp/ticket. Each try runs the fuzz target's own contract check.
 */
class FuzzTargetProperties {
    private static final List<String> SETKEY_WORDS = List.of("add", "get", "delete", "deleteall", "flush", "dump",
            ";", "recsec", "esp", "-E", "-I", "-r", "-lh", "-ls", "-bh", "-bs", "0x", "0x1001", "4096", "255", "0",
            "-1", "99999999999999999999", "aes-128-ccm-8", "aes-128-gcm", "chacha20-poly1305", "127.0.0.1",
            "127.0.0.1[5683]", "999.1.1.1", "::1", "::1[70000]", "[::1]", "coap://1.2.3.4:5", "coaps://[::1]",
            "SEN-1", "0x000102030405060708090a0b0c0d0e0f", "0x00010203", "#", "\n", "\u00e9");
    private final SetkeyFuzzTest setkey = new SetkeyFuzzTest();

    @Property(tries = 300)
    void setkeyRandomText(@ForAll("setkeyRandom") String text) throws Exception {
        setkey.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 300)
    void setkeyMutatedStatements(@ForAll("setkeyMutated") byte[] b) throws Exception {
        setkey.parse(b);
    }

    @Provide
    Arbitrary<String> setkeyRandom() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(120),
                Arbitraries.of(SETKEY_WORDS).list().ofMaxSize(20).map(words -> String.join(" ", words)));
    }

    @Provide
    Arbitrary<byte[]> setkeyMutated() {
        List<byte[]> seeds = Mutations.seeds(SetkeyFuzzTest.class, "parse");
        return Arbitraries.oneOf(Mutations.mutated(seeds), Arbitraries.integers().between(0, seeds.size() - 1)
                .flatMap(i -> Arbitraries.longs().map(seed -> tokenMutation(seeds.get(i), new Random(seed)))));
    }

    /** Replaces, drops or inserts whole words, so the parser sees valid tokens in wrong places. */
    private static byte[] tokenMutation(byte[] seed, Random r) {
        List<String> words = new ArrayList<>(Arrays.asList(
                new String(seed, StandardCharsets.UTF_8).split("(?<=\\s)|(?=\\s)|(?=;)|(?<=;)")));
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits && !words.isEmpty(); e++) {
            int pos = r.nextInt(words.size());
            String w = SETKEY_WORDS.get(r.nextInt(SETKEY_WORDS.size()));
            switch (r.nextInt(3)) {
                case 0 -> words.set(pos, w);
                case 1 -> words.remove(pos);
                default -> words.add(pos, " " + w + " ");
            }
        }
        return String.join("", words).getBytes(StandardCharsets.UTF_8);
    }
}
