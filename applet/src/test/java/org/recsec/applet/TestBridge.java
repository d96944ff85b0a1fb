package org.recsec.applet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The test's stand-in for the host bridge (README "bridge duties"): forwards the card's records to the datagram
 * link one record per datagram, and the server's datagrams to the card as one PROCESS-EAP message each, after
 * dropping handshake retransmissions; it refuses to forward a fragmented handshake message (reassembly would be
 * its job; Bouncy Castle does not fragment these small flights).
 */
final class TestBridge {

    private final EapHost eap;
    private final MemoryDatagramTransport link;
    private final java.util.function.UnaryOperator<byte[]> toCard;
    private final Set<String> forwarded = new HashSet<>();
    /** Records the card sent during the handshake, in order (for the tests' inspection). */
    final List<byte[]> cardRecords = new ArrayList<>();

    TestBridge(EapHost eap, MemoryDatagramTransport link) {
        this(eap, link, java.util.function.UnaryOperator.identity());
    }

    /** toCard may alter what reaches the card (tests of tampering). */
    TestBridge(EapHost eap, MemoryDatagramTransport link, java.util.function.UnaryOperator<byte[]> toCard) {
        this.eap = eap;
        this.link = link;
        this.toCard = toCard;
    }

    /** Runs the handshake to the card's "nothing more to send" after the server's Finished. */
    void handshake() throws IOException {
        byte[] out = eap.start();
        boolean finishedForwarded = false;
        for (int round = 0; round < 20; round++) {
            for (byte[] rec : records(out)) {
                cardRecords.add(rec);
                link.send(rec);
            }
            if (finishedForwarded && out.length == 0) {
                return;
            }
            byte[] datagram = link.receive(10_000);
            if (datagram == null) {
                throw new AssertionError("no datagram from the server");
            }
            byte[] fresh = dropRetransmissions(datagram);
            if (fresh.length == 0) {
                out = new byte[0];
                continue;
            }
            finishedForwarded |= containsEpoch1(fresh);
            out = eap.exchange(0, toCard.apply(fresh));
        }
        throw new AssertionError("handshake did not finish");
    }

    static List<byte[]> records(byte[] payload) {
        List<byte[]> list = new ArrayList<>();
        int o = 0;
        while (o < payload.length) {
            int len = ((payload[o + 11] & 0xFF) << 8) | (payload[o + 12] & 0xFF);
            list.add(java.util.Arrays.copyOfRange(payload, o, o + 13 + len));
            o += 13 + len;
        }
        return list;
    }

    private static boolean containsEpoch1(byte[] payload) {
        for (byte[] r : records(payload)) {
            if (r[3] == 0 && r[4] == 1) {
                return true;
            }
        }
        return false;
    }

    private byte[] dropRetransmissions(byte[] datagram) {
        ByteArrayOutputStream keep = new ByteArrayOutputStream();
        for (byte[] r : records(datagram)) {
            int epoch = ((r[3] & 0xFF) << 8) | (r[4] & 0xFF);
            String key;
            if (r[0] == 22 && epoch == 0) {
                int msgLen = ((r[14] & 0xFF) << 16) | ((r[15] & 0xFF) << 8) | (r[16] & 0xFF);
                int fragLen = ((r[22] & 0xFF) << 16) | ((r[23] & 0xFF) << 8) | (r[24] & 0xFF);
                if (msgLen != fragLen) {
                    throw new AssertionError("fragmented handshake message: reassembly not implemented here");
                }
                key = "hs/" + (((r[17] & 0xFF) << 8) | (r[18] & 0xFF));
            } else {
                key = r[0] + "/" + epoch + (r[0] == 23 || r[0] == 21 ? "/" + java.util.Arrays.toString(r) : "");
            }
            if (forwarded.add(key)) {
                keep.writeBytes(r);
            }
        }
        return keep.toByteArray();
    }
}
