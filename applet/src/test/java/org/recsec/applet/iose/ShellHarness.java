package org.recsec.applet.iose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javacard.security.MessageDigest;

/**
 * The card's shell line parser outside a TLS session: the applet's own RAM and EEPROM holders and a Shell, built in
 * jcardsim's runtime. {@link #run} feeds one input and checks the documented contract.
 */
final class ShellHarness {
    static final short OUT = Tls13Server.OUT;
    final IoseRam ram;
    final IoseStore store;
    final Shell shell;

    ShellHarness() {
        new IoseSimCard();
        ram = new IoseRam();
        store = new IoseStore();
        shell = new Shell(ram, store, MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false),
                new RecordSa(ram, new Hkdf(ram), new Ccm13(ram)));
    }

    /**
     * Runs every line of {@code input} (at most 895 bytes used) and checks: each call consumes at least one byte
     * and stays inside the input; each answer fits the room, is one line ending in CRLF, and is "OK", "E word" or
     * upper-case hex.
     */
    void run(byte[] input) {
        int n = Math.min(input.length, Tls13Server.OUT - 5);
        byte[] io = ram.io;
        java.util.Arrays.fill(io, (byte) 0);
        System.arraycopy(input, 0, io, 0, n);
        short off = 0;
        while (off < n) {
            short room = (short) (IoseConsts.IO_SIZE - OUT - 5 - 1 - IoseConsts.TAG);
            short next = shell.line(io, off, (short) n, io, (short) (OUT + 5), room);
            assertTrue(next > off && next <= n, "line parser did not move forward inside the input");
            short m = ram.getShort(IoseConsts.V_ANSWER_LEN);
            assertTrue(m >= 0 && m <= room, "answer larger than its room");
            if (m > 0) {
                String a = new String(io, OUT + 5, m, java.nio.charset.StandardCharsets.US_ASCII);
                assertTrue(a.endsWith("\r\n"), "answer without CRLF");
                String t = a.substring(0, a.length() - 2);
                assertEquals(-1, t.indexOf('\n'), "two lines in one answer");
                assertTrue(t.equals("OK") || t.matches("E [a-z]+") || t.matches("([0-9A-F]{2})*"),
                        "answer is not OK, E word or hex: " + t);
            }
            off = next;
        }
    }
}
