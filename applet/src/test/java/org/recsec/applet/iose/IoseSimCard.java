package org.recsec.applet.iose;

import com.licel.jcardsim.base.Simulator;
import java.nio.charset.StandardCharsets;
import javacard.framework.AID;

/** One IoSE applet in jcardsim; APDUs as bytes. Any 6F00 (an exception other than ISOException) fails the test. */
final class IoseSimCard {
    static final byte[] AID_BYTES = {(byte) 0xF0, 'i', 'o', 's', 'e', 0x7E, 0x57};
    static final byte[] IDENTITY = "client1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PSK = new byte[32];
    static final String SEN = "mykeystore";

    static {
        for (int i = 0; i < 32; i++) {
            PSK[i] = (byte) i;
        }
    }

    final Simulator simulator;
    final AID aid;

    IoseSimCard() {
        simulator = new Simulator();
        aid = new AID(AID_BYTES, (short) 0, (byte) AID_BYTES.length);
        simulator.installApplet(aid, IoseApplet.class);
        if (!simulator.selectApplet(aid)) {
            throw new AssertionError("SELECT failed");
        }
    }

    /** The applet instance (jcardsim keeps it in a package-private runtime). */
    IoseApplet applet() throws ReflectiveOperationException {
        java.lang.reflect.Method getRuntime =
                com.licel.jcardsim.base.SimulatorSystem.class.getDeclaredMethod("getRuntime");
        getRuntime.setAccessible(true);
        Object runtime = getRuntime.invoke(null);
        java.lang.reflect.Method getApplet = runtime.getClass().getDeclaredMethod("getApplet", AID.class);
        getApplet.setAccessible(true);
        return (IoseApplet) getApplet.invoke(runtime, aid);
    }

    /** Sends CLA INS 00 00 [Lc data] 00 and returns the whole response (data ‖ SW). */
    byte[] send(int cla, int ins, int p1, int p2, byte[] data) {
        byte[] c;
        if (data == null) {
            c = new byte[] {(byte) cla, (byte) ins, (byte) p1, (byte) p2, 0};
        } else {
            c = new byte[6 + data.length];
            c[0] = (byte) cla;
            c[1] = (byte) ins;
            c[2] = (byte) p1;
            c[3] = (byte) p2;
            c[4] = (byte) data.length;
            System.arraycopy(data, 0, c, 5, data.length);
        }
        byte[] r = simulator.transmitCommand(c);
        if (sw(r) == 0x6F00) {
            throw new AssertionError("6F00: an exception other than ISOException escaped the applet");
        }
        return r;
    }

    static int sw(byte[] r) {
        return ((r[r.length - 2] & 0xFF) << 8) | (r[r.length - 1] & 0xFF);
    }

    byte[] personalise() {
        byte[] sen = SEN.getBytes(StandardCharsets.US_ASCII);
        byte[] d = new byte[3 + IDENTITY.length + PSK.length + sen.length];
        int o = 0;
        d[o++] = (byte) IDENTITY.length;
        System.arraycopy(IDENTITY, 0, d, o, IDENTITY.length);
        o += IDENTITY.length;
        d[o++] = (byte) PSK.length;
        System.arraycopy(PSK, 0, d, o, PSK.length);
        o += PSK.length;
        d[o++] = (byte) sen.length;
        System.arraycopy(sen, 0, d, o, sen.length);
        return send(0x80, 0x30, 0, 0, d);
    }

    /**
     * Sends TLS input in EAP-TLS fragments and collects the answer; returns {closed flag as byte, records...} or
     * throws on a status word other than 9000 (the message says which).
     */
    byte[] exchange(byte[] tls) {
        int pos = 0;
        byte[] r;
        while (true) {
            boolean first = pos == 0;
            int n = Math.min(240, tls.length - pos);
            boolean more = pos + n < tls.length;
            int len = 6 + (first ? 4 : 0) + n;
            byte[] e = new byte[len];
            e[0] = 1;
            e[1] = 7;
            e[2] = (byte) (len >> 8);
            e[3] = (byte) len;
            e[4] = 13;
            e[5] = (byte) ((first ? 0x80 : 0) | (more ? 0x40 : 0));
            int o = 6;
            if (first) {
                e[8] = (byte) (tls.length >> 8);
                e[9] = (byte) tls.length;
                o = 10;
            }
            System.arraycopy(tls, pos, e, o, n);
            pos += n;
            r = send(0x80, 0x80, 0, 0, e);
            if (sw(r) != 0x9000) {
                throw new IllegalStateException(String.format("SW %04X", sw(r)));
            }
            if (!more) {
                break;
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        boolean closed = false;
        while (true) {
            int flags = r[5] & 0xFF;
            closed |= (flags & 1) != 0;
            int o = (flags & 0x80) != 0 ? 10 : 6;
            out.write(r, o, r.length - 2 - o);
            if ((flags & 0x40) == 0) {
                break;
            }
            r = send(0x80, 0x80, 0, 0, new byte[] {1, 7, 0, 6, 13, 0});
        }
        byte[] b = out.toByteArray();
        byte[] res = new byte[b.length + 1];
        res[0] = (byte) (closed ? 1 : 0);
        System.arraycopy(b, 0, res, 1, b.length);
        return res;
    }
}
