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

        @Override
        public String describe() {
            return "jcardsim 2.2.2 IoSE instance " + number;
        }
    }
}
