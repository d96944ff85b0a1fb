package org.recsec.applet.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the seed inputs of {@link AppletFuzzTest} ({@code src/test/resources/org/recsec/applet/fuzz/
 * AppletFuzzTestInputs/apdus/}): command sequences over every instruction of applet/README.md in both starting
 * states. Run from the module directory (FUZZING.md); deterministic, committed, never run by CI.
 */
public final class SeedWriter {
    private static final Path DIR = Path.of("src/test/resources/org/recsec/applet/fuzz/AppletFuzzTestInputs/apdus");

    private SeedWriter() {
    }

    public static void main(String[] args) throws IOException {
        Files.createDirectories(DIR);
        write("idle-status-sen-export", 0, cmd(0x80, 0x38, 0, 0, true), cmd(0x80, 0x32, 0, 0, true),
                cmd(0x80, 0x34, 0, 0, true), cmd(0x00, 0x38, 0, 0, true));
        write("idle-reset-variants", 0, cmd(0x80, 0x19, 0x10, 0, false), cmd(0x80, 0x19, 0x11, 0, false),
                cmd(0x80, 0x19, 0x10, 0, false, 1, 2, 3), cmd(0xA0, 0x19, 0x10, 0, true));
        write("idle-wipe-and-personalise-other", 0, cmd(0x80, 0x36, 0, 0, false, 'W', 'I', 'P', 'E'),
                cmd(0x80, 0x30, 0, 0, false, 0, 1, 'x', 1, 7, 1, 's'), cmd(0x80, 0x30, 0, 0, false, 1, 1, 'y', 1, 8, 0));
        write("idle-encrypt-decrypt", 0, cmd(0x80, 0x80, 0, 0x97, true, 1, 1, 0, 9, 13, 0, 'a', 'b', 'c'),
                cmd(0x80, 0x80, 0, 0x00, true, 1, 2, 0, 6, 13, 0));
        write("started-ack-and-garbage", 1, cmd(0x80, 0x80, 0, 0, true, 1, 2, 0, 6, 13, 0),
                cmd(0x80, 0x80, 0, 0, true, 1, 3, 0, 10, 13, 0x80, 0, 0, 0x10, 0),
                cmd(0x80, 0x80, 0, 0, true, 1, 4, 0, 24, 13, 0xC0, 0, 0, 0, 100,
                        22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2));
        write("started-server-hello-shaped", 1, cmd(0x80, 0x80, 0, 0, true, 1, 2, 0, 31, 13, 0,
                22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 12, 2, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    private static byte[] cmd(int cla, int ins, int p1, int p2, boolean le, int... data) {
        byte[] c = new byte[6 + data.length];
        c[0] = (byte) cla;
        c[1] = (byte) ins;
        c[2] = (byte) p1;
        c[3] = (byte) p2;
        c[4] = (byte) (le ? 1 : 0);
        c[5] = (byte) data.length;
        for (int i = 0; i < data.length; i++) {
            c[6 + i] = (byte) data[i];
        }
        return c;
    }

    private static void write(String name, int start, byte[]... commands) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(start);
        for (byte[] c : commands) {
            out.writeBytes(c);
        }
        Files.write(DIR.resolve(name), out.toByteArray());
    }
}
