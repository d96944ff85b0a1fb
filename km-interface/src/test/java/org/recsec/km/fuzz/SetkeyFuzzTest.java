package org.recsec.km.fuzz;

import org.recsec.testsupport.FuzzSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.setkey.SetkeyCommand;
import org.recsec.km.setkey.SetkeyParseException;
import org.recsec.km.setkey.SetkeyParser;

/**
 * Coverage-guided fuzzing of {@link SetkeyParser#parse}. Contract (its Javadoc): any text either parses or gives a
 * {@link SetkeyParseException} with a line and column inside the text; nothing else escapes. Beyond that: an
 * {@code add} it accepts is an SA the PF_KEY codec accepts too (ADD encodes and decodes back to the same SA), and
 * parsing never asks the name service (NameLookupTest checks the bytecode).
 */
class SetkeyFuzzTest {
    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void parse(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        List<SetkeyCommand> commands;
        try {
            commands = SetkeyParser.parse(text);
        } catch (SetkeyParseException e) {
            int lines = 1 + (int) text.chars().filter(c -> c == '\n').count();
            assertTrue(e.line() >= 1 && e.line() <= lines, () -> "line " + e.line() + " of " + lines);
            assertTrue(e.column() >= 1, () -> "column " + e.column());
            return;
        }
        for (SetkeyCommand c : commands) {
            assertTrue(c.line() >= 1);
            if (c instanceof SetkeyCommand.Add add) {
                SaSpec sa = add.sa();
                PfKeyMessage m = sa.toMessage(PfKey.SADB_ADD, 1, 1);
                SaSpec back = SaSpec.fromMessage(PfKeyMessage.decode(m.encode()));
                assertEquals(sa.spi(), back.spi());
                assertEquals(sa.src(), back.src());
                assertEquals(sa.dst(), back.dst());
                assertEquals(sa.suite(), back.suite());
                assertTrue(sa.key().equalsSecret(back.key()) && sa.iv().equalsSecret(back.iv()));
            }
        }
    }
}
