package org.recsec.kmp.iose;

import com.licel.jcardsim.base.Simulator;
import java.io.IOException;
import java.util.Arrays;
import javacard.framework.AID;
import org.recsec.applet.iose.IoseApplet;

/**
 * Simulated secure elements: IoSE applet instances in jcardsim 2.2.2. jcardsim keeps one runtime per JVM, so all
 * simulated SEs are applet instances of one {@link Simulator}, each under its own AID; a link selects its instance
 * before each command (the applet keeps its session in CLEAR_ON_RESET RAM, so the switch does not end it) and all
 * links share one lock, like several applets behind one reader. A real grid has one chip per SE.
 */
public final class SimulatedSes {
    /** AID prefix F0 'iose': the instance number follows in two bytes. */
    private static final byte[] AID_PREFIX = IoseCard.AID_PREFIX;
    private static final Object LOCK = new Object();
    private static Simulator simulator;
    private static AID selected;
    private static int next;

    private SimulatedSes() {
    }

    /** Installs a new IoSE applet instance (it generates its RSA-2048 key pairs) and returns a link to it. */
    public static SeLink newCard() {
        synchronized (LOCK) {
            if (simulator == null) {
                simulator = new Simulator();
            }
            int n = ++next;
            byte[] aidBytes = Arrays.copyOf(AID_PREFIX, AID_PREFIX.length + 2);
            aidBytes[AID_PREFIX.length] = (byte) (n >> 8);
            aidBytes[AID_PREFIX.length + 1] = (byte) n;
            AID aid = new AID(aidBytes, (short) 0, (byte) aidBytes.length);
            simulator.installApplet(aid, IoseApplet.class);
            return new Link(aid, n);
        }
    }

    /**
     * The AID under which a simulated SE's applet instance is installed (to SELECT it through another link, e.g. the
     * PC/SC reader it is served to), or empty for a link of another kind.
     */
    public static java.util.Optional<byte[]> aid(SeLink link) {
        if (!(link instanceof Link l)) {
            return java.util.Optional.empty();
        }
        byte[] b = new byte[16];
        int n = l.aid.getBytes(b, (short) 0);
        return java.util.Optional.of(Arrays.copyOf(b, n));
    }

    private static final class Link implements SeLink {
        private final AID aid;
        private final int number;

        Link(AID aid, int number) {
            this.aid = aid;
            this.number = number;
        }

        @Override
        public byte[] transmit(byte[] command) throws IOException {
            synchronized (LOCK) {
                if (isSelectByName(command)) {
                    // ISO 7816-4 §11.1.1 SELECT by DF name is the card OS's job; jcardsim 2.2.2's Simulator passes it
                    // to the selected applet instead, so the link does it: this instance, or "file not found"
                    byte[] name = Arrays.copyOfRange(command, 5, 5 + (command[4] & 0xFF));
                    byte[] mine = new byte[16];
                    int n = aid.getBytes(mine, (short) 0);
                    if (!Arrays.equals(name, Arrays.copyOf(mine, n)) || !simulator.selectApplet(aid)) {
                        return new byte[] {0x6A, (byte) 0x82};
                    }
                    selected = aid;
                    return new byte[] {(byte) 0x90, 0x00};
                }
                if (selected != aid) {
                    if (!simulator.selectApplet(aid)) {
                        throw new IOException("simulated SE " + number + " cannot be selected");
                    }
                    selected = aid;
                }
                byte[] r = simulator.transmitCommand(command);
                if (r == null || r.length < 2) {
                    throw new IOException("simulated SE " + number + " gave no status word");
                }
                return r;
            }
        }

        private static boolean isSelectByName(byte[] c) {
            return c.length >= 5 && c[0] == 0x00 && c[1] == (byte) 0xA4 && c[2] == 0x04 && (c[3] & 0xF3) == 0x00
                    && (c[4] & 0xFF) >= 5 && c.length >= 5 + (c[4] & 0xFF) && c.length <= 6 + (c[4] & 0xFF);
        }

        @Override
        public String describe() {
            return "jcardsim 2.2.2 IoSE instance " + number;
        }
    }
}
