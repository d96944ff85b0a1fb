package org.recsec.applet.iose;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** jqwik: command-shaped and random lines through the card's shell parser keep its contract ({@link ShellHarness}). */
class ShellLineProperties {
    static final ShellHarness HARNESS = new ShellHarness();

    @Provide
    Arbitrary<String> lines() {
        Arbitrary<String> cmd = Arbitraries.of("s", "p", "a", "c", "w", "n", "x", "");
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdefABCDEFg ").ofMaxLength(600);
        Arbitrary<String> end = Arbitraries.of("\r\n", "\n", "", "\r", "\n\n");
        return net.jqwik.api.Combinators.combine(cmd, hex, end).as((c, h, e) -> c + h + e).list().ofMaxSize(4)
                .map(l -> String.join("", l));
    }

    @Property(tries = 300)
    void commandShapedLines(@ForAll("lines") String text) {
        HARNESS.run(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Property(tries = 300)
    void randomBytes(@ForAll @Size(max = 900) byte[] input) {
        HARNESS.run(input);
    }
}
