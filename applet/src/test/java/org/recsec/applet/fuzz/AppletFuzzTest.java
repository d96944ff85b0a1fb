package org.recsec.applet.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.smartcardio.CommandAPDU;

/**
 * Coverage-guided fuzzing of {@code RecSecApplet} under jcardsim with arbitrary APDU sequences.
 *
 * <p>Input: one byte choosing the starting state (bit 0: after EAP-TLS Start; bits 1-2: RESET P2 bits TLS and
 * certificate mode first, so Start meets the TLS ClientHello or the unprovisioned certificate mode), then commands as
 * {@code CLA INS P1 P2 flags len data[len]} (flags bit 0: send Le), at most {@value #MAX_COMMANDS}. Contract
 * (applet/README.md): every answer is a status word, never 6F00 (an exception other than ISOException escaped);
 * afterwards RESET answers 9000, GET-STATUS shows IDLE with the personalisation the accepted commands left
 * (PERSONALISE and FACTORY-RESET are the only ones that change it), and the card completes a normal handshake: in
 * regression mode a full DTLS 1.2 handshake against Bouncy Castle with one record, while fuzzing (where that would
 * cost most of the time) the ClientHello answer to EAP-TLS Start.
 */
class AppletFuzzTest {
    /** Only used with JAZZER_FUZZ=1; long runs set -max_total_time on the command line (FUZZING.md). */
    private static final String FUZZ_DURATION = "30s";
    private static final int MAX_COMMANDS = 12;
    private static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null
            && !System.getenv("JAZZER_FUZZ").isEmpty();
    static final byte[] IDENTITY = "device-42@recsec".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PSK = new byte[32];
    static final byte[] SEN = "lock-7.se.example".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESET = {(byte) 0x80, 0x19, 0x10, 0x00};
    private static final byte[] FACTORY_RESET = {(byte) 0x80, 0x36, 0x00, 0x00, 0x04, 0x57, 0x49, 0x50, 0x45};
    private static final byte[] GET_STATUS = {(byte) 0x80, 0x38, 0x00, 0x00, 0x00};
    /** EAP-Request (code 1, id 1, length 6), type 13 EAP-TLS, flags S: EAP-TLS Start. */
    private static final byte[] EAP_START = {(byte) 0x80, (byte) 0x80, 0x00, 0x00, 0x06, 1, 1, 0, 6, 13, 0x20, 0x00};

    static {
        for (int i = 0; i < PSK.length; i++) {
            PSK[i] = (byte) i;
        }
    }

    @FuzzTest(maxDuration = FUZZ_DURATION)
    void apdus(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        CardHarness card = card();
        int personalised = 1;
        int policy = 1;
        boolean ourCredentials = true;
        int mode = (input[0] >> 1) & 3;
        if (mode != 0) {
            sw(card.transmit(new byte[] {(byte) 0x80, 0x19, 0x10, (byte) mode}), 0x9000);
        }
        if ((input[0] & 1) == 1) {
            // certificate mode without key pair and certificates: 6985
            sw(card.transmit(EAP_START), (mode & 2) != 0 ? 0x6985 : 0x9000);
        }
        int p = 1;
        for (int n = 0; n < MAX_COMMANDS && input.length - p >= 6; n++) {
            int cla = input[p] & 0xff;
            int ins = input[p + 1] & 0xff;
            int p1 = input[p + 2] & 0xff;
            int p2 = input[p + 3] & 0xff;
            boolean withLe = (input[p + 4] & 1) != 0;
            int len = Math.min(input[p + 5] & 0xff, input.length - p - 6);
            byte[] data = Arrays.copyOfRange(input, p + 6, p + 6 + len);
            p += 6 + len;
            if (ins == 0xA4 && (cla & 0xFC) == 0) {
                continue; // SELECT belongs to the JCRE, not to the applet
            }
            if (withLe && len == 255) {
                withLe = false; // 261 bytes overflow jcardsim's APDU buffer before the applet runs
            }
            CommandAPDU c = len == 0
                    ? (withLe ? new CommandAPDU(cla, ins, p1, p2, 256) : new CommandAPDU(cla, ins, p1, p2))
                    : (withLe ? new CommandAPDU(cla, ins, p1, p2, data, 256) : new CommandAPDU(cla, ins, p1, p2, data));
            byte[] r = card.transmit(c.getBytes());
            int sw = sw(r, -1);
            if (sw == 0x9000 && ins == 0x36) {
                personalised = 0;
                policy = 0;
                ourCredentials = false;
            } else if (sw == 0x9000 && ins == 0x30) {
                personalised = 1;
                policy = data[0] & 0xff;
            }
        }
        sw(card.transmit(RESET), 0x9000);
        byte[] status = card.transmit(GET_STATUS);
        sw(status, 0x9000);
        assertEquals(6, status.length, "GET-STATUS gives 4 bytes");
        assertEquals(0, status[0], "IDLE after RESET");
        assertEquals(personalised, status[2], "personalised flag");
        assertEquals(policy, status[3] & 0xff, "policy byte");
        if (!ourCredentials) {
            if (personalised == 1) {
                sw(card.transmit(FACTORY_RESET), 0x9000);
            }
            assertEquals(0x9000, card.personalise(1, IDENTITY, PSK, SEN));
        }
        byte[] hello = card.transmit(EAP_START);
        sw(hello, 0x9000);
        // EAP-Response/TLS; with the L flag a 4-byte TLS length comes before the first record (RFC 5216 §3.1)
        int record = (hello[5] & 0x80) != 0 ? 10 : 6;
        assertTrue(hello.length > record + 13 + 2 && hello[0] == 2 && hello[4] == 13 && hello[record] == 22,
                "EAP-Response/TLS starting with a handshake record");
        if (!FUZZING) {
            sw(card.transmit(RESET), 0x9000);
            card.handshakeAndSend(IDENTITY, PSK);
        }
    }

    private static CardHarness shared;

    /**
     * One card per JVM, brought to the same state before each input: selected afresh, wiped by FACTORY-RESET and
     * personalised with our credentials (policy 1). A new jcardsim {@code Simulator} per input would be cleaner,
     * but jcardsim keeps memory per instance: that exhausted a 256 MB heap after about 106,000 inputs.
     */
    private static CardHarness card() throws ReflectiveOperationException {
        if (shared == null) {
            shared = new CardHarness();
        }
        shared.reselect();
        sw(shared.transmit(FACTORY_RESET), 0x9000);
        assertEquals(0x9000, shared.personalise(1, IDENTITY, PSK, SEN));
        return shared;
    }

    /** The status word of a raw response; checks it is not 6F00 and, unless {@code expected} is -1, its value. */
    private static int sw(byte[] response, int expected) {
        assertTrue(response.length >= 2, "a response carries a status word");
        int sw = ((response[response.length - 2] & 0xff) << 8) | (response[response.length - 1] & 0xff);
        assertNotEquals(0x6F00, sw, "6F00: an exception other than ISOException escaped the applet");
        if (expected != -1) {
            assertEquals(String.format("%04X", expected), String.format("%04X", sw));
        }
        return sw;
    }
}
