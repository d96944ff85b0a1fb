package org.recsec.applet.iose;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the card's shell line parser ({@link Shell#line}): any bytes give, line after line,
 * an answer "OK", "E word" or hex ending in CRLF, within its room, and the parser always moves forward (FUZZING.md
 * contract: only the documented refusal escapes).
 */
class ShellFuzzTest {
    static final ShellHarness HARNESS = new ShellHarness();

    @FuzzTest(maxDuration = "30s")
    void line(byte[] input) {
        HARNESS.run(input);
    }
}
