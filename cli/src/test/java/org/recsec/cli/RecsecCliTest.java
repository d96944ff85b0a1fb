package org.recsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every subcommand prints --help and refuses wrong arguments with exit 2 and one line. */
class RecsecCliTest {

    @ParameterizedTest
    @ValueSource(strings = {"demo", "protect", "unprotect", "keyd", "setkey", "ticket", "se", "eap", "iose"})
    void helpAndWrongArguments(String command) {
        ProtectCommandTest.Result help = ProtectCommandTest.run("", command, "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("usage"), help.out());
        ProtectCommandTest.Result bad = ProtectCommandTest.run("", command, "--no-such-option");
        assertEquals(2, bad.code(), bad.out());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
    }

    @Test
    void overviewListsEveryCommand() {
        ProtectCommandTest.Result r = ProtectCommandTest.run("", "--help");
        assertEquals(0, r.code());
        for (String c : new String[] {"demo", "protect", "unprotect", "keyd", "setkey", "ticket", "se", "eap", "iose"}) {
            assertTrue(r.out().contains("  " + c + " "), r.out());
        }
        assertEquals(2, ProtectCommandTest.run("").code(), "no command is a usage error");
    }
}
