package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.licel.jcardsim.base.Simulator;
import javacard.framework.AID;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/**
 * The applet installed in jcardsim's {@link Simulator}, reached through javax.smartcardio APDU objects. Counts the
 * APDUs and the ISO 7816 bytes (command + response, status word included) that cross the interface. Any 6F00 is a
 * test failure: jcardsim answers it when an exception other than ISOException escapes the applet.
 */
final class SimulatedCard {

    /** F0 'recsec' 01: a proprietary (F-prefixed) AID. */
    static final byte[] AID_BYTES = Hex.bytes("F0 72 65 63 73 65 63 01");
    static final int CLA = 0x80;
    static final int INS_RESET = 0x19;
    static final int INS_PROCESS_EAP = 0x80;
    static final int INS_PERSONALISE = 0x30;
    static final int INS_READ_SEN = 0x32;
    static final int INS_EXPORT_SA = 0x34;
    static final int INS_FACTORY_RESET = 0x36;
    static final int INS_GET_STATUS = 0x38;
    static final int INS_GENERATE_KEYPAIR = 0x50;
    static final int INS_READ_PUBLIC_KEY = 0x52;
    static final int INS_WRITE_CERT = 0x54;

    final Simulator simulator;
    final AID aid;
    long apdus;
    long bytes;

    SimulatedCard() {
        simulator = new Simulator();
        aid = new AID(AID_BYTES, (short) 0, (byte) AID_BYTES.length);
        simulator.installApplet(aid, RecSecApplet.class);
        select();
    }

    /** The applet instance inside jcardsim (reflection: jcardsim keeps it in a package-private runtime). */
    RecSecApplet applet() {
        try {
            java.lang.reflect.Method getRuntime =
                    com.licel.jcardsim.base.SimulatorSystem.class.getDeclaredMethod("getRuntime");
            getRuntime.setAccessible(true);
            Object runtime = getRuntime.invoke(null);
            java.lang.reflect.Method getApplet = runtime.getClass().getDeclaredMethod("getApplet", AID.class);
            getApplet.setAccessible(true);
            return (RecSecApplet) getApplet.invoke(runtime, aid);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot reach the applet instance", e);
        }
    }

    void select() {
        assertTrue(simulator.selectApplet(aid), "SELECT by AID");
    }

    ResponseAPDU transmit(CommandAPDU command) {
        byte[] c = command.getBytes();
        byte[] r = simulator.transmitCommand(c);
        apdus++;
        bytes += c.length + r.length;
        ResponseAPDU response = new ResponseAPDU(r);
        if (response.getSW() == 0x6F00) {
            throw new AssertionError("6F00 for " + Hex.of(c) + ": an exception other than ISOException escaped");
        }
        return response;
    }

    /** Case 2 (no data) or case 4 (data) APDU with Le = 256 (encoded 00). */
    ResponseAPDU send(int cla, int ins, int p1, int p2, byte[] data) {
        if (data == null || data.length == 0) {
            return transmit(new CommandAPDU(cla, ins, p1, p2, 256));
        }
        return transmit(new CommandAPDU(cla, ins, p1, p2, data, 256));
    }

    ResponseAPDU send(int ins, int p1, int p2, byte[] data) {
        return send(CLA, ins, p1, p2, data);
    }

    ResponseAPDU reset() {
        return send(INS_RESET, 0x10, 0x00, null);
    }

    ResponseAPDU personalise(int policy, byte[] identity, byte[] psk, byte[] sen) {
        byte[] d = new byte[4 + identity.length + psk.length + sen.length];
        int o = 0;
        d[o++] = (byte) policy;
        d[o++] = (byte) identity.length;
        System.arraycopy(identity, 0, d, o, identity.length);
        o += identity.length;
        d[o++] = (byte) psk.length;
        System.arraycopy(psk, 0, d, o, psk.length);
        o += psk.length;
        d[o++] = (byte) sen.length;
        System.arraycopy(sen, 0, d, o, sen.length);
        return send(INS_PERSONALISE, 0, 0, d);
    }

    /** RESET with a mode: bit 0 TLS, bit 1 certificate mode, bit 2 offer the stored session. */
    ResponseAPDU reset(int mode) {
        return send(INS_RESET, 0x10, mode, null);
    }

    private byte[] ok(ResponseAPDU r, String what) {
        if (r.getSW() != 0x9000) {
            throw new AssertionError(what + " answered " + Integer.toHexString(r.getSW()));
        }
        return r.getData();
    }

    void generateKeyPair() {
        ok(send(INS_GENERATE_KEYPAIR, 0, 0, null), "GENERATE-KEYPAIR");
    }

    /** READ-PUBLIC-KEY: {modulus, exponent}. */
    byte[][] publicKey() {
        byte[] hi = ok(send(INS_READ_PUBLIC_KEY, 0, 0, null), "READ-PUBLIC-KEY modulus, first half");
        byte[] lo = ok(send(INS_READ_PUBLIC_KEY, 0, 1, null), "READ-PUBLIC-KEY modulus, second half");
        byte[] n = java.util.Arrays.copyOf(hi, hi.length + lo.length);
        System.arraycopy(lo, 0, n, hi.length, lo.length);
        return new byte[][] {n, ok(send(INS_READ_PUBLIC_KEY, 1, 0, null), "READ-PUBLIC-KEY exponent")};
    }

    /** WRITE-CERT in 200-byte chunks; which 0 = the card's certificate, 1 = the trust anchor. Last SW returned. */
    int writeCert(int which, byte[] der) {
        int sw = 0;
        for (int o = 0; o < der.length; o += 200) {
            byte[] chunk = java.util.Arrays.copyOfRange(der, o, Math.min(der.length, o + 200));
            sw = transmit(new CommandAPDU(CLA, INS_WRITE_CERT, which, o == 0 ? 0 : 1, chunk)).getSW();
            if (sw != 0x9000) {
                return sw;
            }
        }
        return sw;
    }

    /** GET-STATUS: state, EAP mode, personalised, policy. */
    byte[] status() {
        ResponseAPDU r = send(INS_GET_STATUS, 0, 0, null);
        if (r.getSW() != 0x9000) {
            throw new AssertionError("GET-STATUS answered " + Integer.toHexString(r.getSW()));
        }
        return r.getData();
    }

    int state() {
        return status()[0];
    }
}
