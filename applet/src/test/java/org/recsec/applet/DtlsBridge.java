package org.recsec.applet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.tls.DatagramTransport;

/**
 * The test's host bridge for DTLS 1.2 over any datagram transport (in-memory or UDP): reassembles fragmented
 * handshake messages, drops retransmitted ones, hands each server flight to the card in EAP messages of at most
 * 1088 bytes, sends the card's records one per datagram, and retransmits the card's last flight when the server is
 * silent (RFC 6347 §4.2.4: the bridge's duty, the card keeps no timer).
 */
final class DtlsBridge implements CardBridge {

    private final EapHost eap;
    private final DatagramTransport link;
    private final Set<String> delivered = new HashSet<>();
    private final Map<Integer, byte[]> fragments = new HashMap<>();
    private final Map<Integer, boolean[]> filled = new HashMap<>();
    private List<byte[]> lastFlight = new ArrayList<>();
    /** Length of the longest EAP message handed to the card. */
    int largestToCard;

    DtlsBridge(EapHost eap, DatagramTransport link) {
        this.eap = eap;
        this.link = link;
    }

    /** Runs the handshake the card was RESET for; true when it was abbreviated. */
    @Override
    public boolean handshake() throws IOException {
        delivered.clear();
        fragments.clear();
        filled.clear();
        toServer(eap.start());
        List<byte[]> pending = new ArrayList<>();
        boolean helloDone = false;
        boolean ccs = false;
        int silent = 0;
        while (true) {
            byte[] d = receive(1000);
            if (d == null) {
                if (++silent > 10) {
                    throw new AssertionError("the server stays silent");
                }
                resend();
                continue;
            }
            silent = 0;
            for (byte[] r : TestBridge.records(d)) {
                int epoch = ((r[3] & 0xFF) << 8) | (r[4] & 0xFF);
                if (r[0] == 21) {
                    throw new AssertionError("alert from the server: " + Hex.of(r));
                }
                if (r[0] == 22 && epoch == 0) {
                    byte[] whole = reassemble(r);
                    if (whole == null) {
                        continue;
                    }
                    pending.add(whole);
                    int type = whole[13];
                    if (type == 3) {
                        // HelloVerifyRequest: the card answers with the ClientHello carrying the cookie
                        delivered.clear();
                        delivered.add("3");
                        toServer(toCard(pending));
                        pending.clear();
                    } else if (type == 14) {
                        helloDone = true;
                        toServer(toCard(pending));
                        pending.clear();
                    }
                } else if (r[0] == 20 && epoch == 0) {
                    if (!ccs) {
                        ccs = true;
                        pending.add(r);
                    }
                } else if (r[0] == 22 && epoch == 1 && ccs) {
                    pending.add(r);
                    toServer(toCard(pending));
                    return !helloDone;
                }
                // anything else (a retransmitted CCS, stray records) is dropped
            }
        }
    }

    /** The unfragmented record of a completed, not yet delivered handshake message, or null. */
    private byte[] reassemble(byte[] r) {
        int type = r[13];
        int len = u24(r, 14);
        int seq = ((r[17] & 0xFF) << 8) | (r[18] & 0xFF);
        int fragOff = u24(r, 19);
        int fragLen = u24(r, 22);
        String key = type + "/" + seq;
        if (type == 3) {
            key = "3";
        }
        if (delivered.contains(key) || fragOff + fragLen > len || 25 + fragLen > r.length) {
            return null;
        }
        byte[] body = fragments.computeIfAbsent(seq, s -> new byte[len]);
        boolean[] have = filled.computeIfAbsent(seq, s -> new boolean[len]);
        if (body.length != len) {
            return null;
        }
        System.arraycopy(r, 25, body, fragOff, fragLen);
        Arrays.fill(have, fragOff, fragOff + fragLen, true);
        for (boolean b : have) {
            if (!b) {
                return null;
            }
        }
        fragments.remove(seq);
        filled.remove(seq);
        delivered.add(key);
        byte[] whole = new byte[25 + len];
        System.arraycopy(r, 0, whole, 0, 25);
        whole[11] = (byte) ((12 + len) >> 8);
        whole[12] = (byte) (12 + len);
        whole[19] = 0;
        whole[20] = 0;
        whole[21] = 0;
        whole[22] = (byte) (len >> 16);
        whole[23] = (byte) (len >> 8);
        whole[24] = (byte) len;
        System.arraycopy(body, 0, whole, 25, len);
        return whole;
    }

    private static int u24(byte[] b, int o) {
        return ((b[o] & 0xFF) << 16) | ((b[o + 1] & 0xFF) << 8) | (b[o + 2] & 0xFF);
    }

    /** Card seals, one datagram to the server. */
    @Override
    public void send(byte[] plaintext) throws IOException {
        byte[] r = eap.exchange(0x97, plaintext);
        link.send(r, 0, r.length);
    }

    /** The server's next application record (retransmitted handshake records skipped), opened by the card. */
    @Override
    public byte[] receive() throws IOException {
        for (int i = 0; i < 20; i++) {
            byte[] d = receive(10_000);
            if (d == null) {
                throw new AssertionError("no record from the server");
            }
            for (byte[] r : TestBridge.records(d)) {
                if (r[0] == 23) {
                    return eap.exchange(0, r);
                }
            }
        }
        throw new AssertionError("no application record from the server");
    }

    /** close_notify sealed by the card. */
    @Override
    public void closeNotify() throws IOException {
        byte[] r = eap.exchange(0x80 | 21, new byte[] {1, 0});
        link.send(r, 0, r.length);
    }

    private byte[] toCard(List<byte[]> records) {
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        for (byte[] r : records) {
            if (msg.size() > 0 && msg.size() + r.length > TlsStreamBridge.CARD_BUFFER) {
                if (deliver(msg.toByteArray()).length != 0) {
                    throw new AssertionError("the card answered in the middle of a flight");
                }
                msg.reset();
            }
            msg.writeBytes(r);
        }
        return deliver(msg.toByteArray());
    }

    private byte[] deliver(byte[] m) {
        largestToCard = Math.max(largestToCard, m.length);
        return eap.exchange(0, m);
    }

    private void toServer(byte[] records) throws IOException {
        if (records.length == 0) {
            return;
        }
        lastFlight = TestBridge.records(records);
        resend();
    }

    private void resend() throws IOException {
        for (byte[] r : lastFlight) {
            link.send(r, 0, r.length);
        }
    }

    private byte[] receive(int millis) throws IOException {
        byte[] buf = new byte[2048];
        int n = link.receive(buf, 0, buf.length, millis);
        return n < 0 ? null : Arrays.copyOf(buf, n);
    }
}
