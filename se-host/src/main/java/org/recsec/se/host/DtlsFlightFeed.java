package org.recsec.se.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The card side shared by the DTLS bridges ({@link SeDtlsBridge} over UDP, {@code SeCoapDtlsBridge} over CoAP
 * flights): reassembles the server's fragmented handshake messages (RFC 6347 §4.2.3), drops repeated ones, and hands
 * a server flight to the card in EAP messages of at most {@link SeTlsBridge#CARD_BUFFER} bytes. The bridges keep the
 * transport (sending, retransmission, what ends the handshake); this keeps one handshake's reassembly state.
 * Not thread-safe.
 */
public final class DtlsFlightFeed {
    private final SeCard card;
    private final Set<String> delivered = new HashSet<>();
    private final Map<Integer, byte[]> fragments = new HashMap<>();
    private final Map<Integer, boolean[]> filled = new HashMap<>();

    public DtlsFlightFeed(SeCard card) {
        this.card = Objects.requireNonNull(card);
    }

    /** Forgets everything of the last handshake; call before a new one. */
    public void reset() {
        delivered.clear();
        fragments.clear();
        filled.clear();
    }

    /**
     * After a HelloVerifyRequest the server's messages start over (RFC 6347 §4.2.2): only a repeated
     * HelloVerifyRequest counts as delivered.
     */
    public void restartAfterHelloVerify() {
        delivered.clear();
        delivered.add("3");
    }

    /**
     * One epoch-0 handshake record (at least 25 bytes) into reassembly.
     *
     * @return the whole message as one unfragmented record, or empty while it is incomplete, repeated or malformed
     * @throws IOException the message does not fit the card, or more than 8 messages are half-received
     */
    public Optional<byte[]> reassemble(byte[] r) throws IOException {
        int type = r[13];
        int len = u24(r, 14);
        int seq = ((r[17] & 0xFF) << 8) | (r[18] & 0xFF);
        int fragOff = u24(r, 19);
        int fragLen = u24(r, 22);
        String key = type == 3 ? "3" : type + "/" + seq;
        if (len > SeTlsBridge.CARD_BUFFER) {
            throw new IOException("a handshake message of " + len + " bytes does not fit the card");
        }
        if (delivered.contains(key) || fragOff + fragLen > len || 25 + fragLen > r.length) {
            return Optional.empty();
        }
        if (!fragments.containsKey(seq) && fragments.size() >= 8) {
            throw new IOException("more than 8 handshake messages half-received");
        }
        byte[] body = fragments.computeIfAbsent(seq, s -> new byte[len]);
        boolean[] have = filled.computeIfAbsent(seq, s -> new boolean[len]);
        if (body.length != len) {
            return Optional.empty();
        }
        System.arraycopy(r, 25, body, fragOff, fragLen);
        Arrays.fill(have, fragOff, fragOff + fragLen, true);
        for (boolean b : have) {
            if (!b) {
                return Optional.empty();
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
        return Optional.of(whole);
    }

    private static int u24(byte[] b, int o) {
        return ((b[o] & 0xFF) << 16) | ((b[o + 1] & 0xFF) << 8) | (b[o + 2] & 0xFF);
    }

    /**
     * The server's records to the card, as few EAP messages as fit its buffer; returns the card's answer to the last.
     *
     * @throws SeException the card refused a message or answered before the flight's end
     */
    public byte[] toCard(List<byte[]> records) throws SeException {
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        for (byte[] r : records) {
            if (msg.size() > 0 && msg.size() + r.length > SeTlsBridge.CARD_BUFFER) {
                if (card.processEap(0, msg.toByteArray()).length != 0) {
                    throw new SeException("the card answered in the middle of a server flight");
                }
                msg.reset();
            }
            msg.writeBytes(r);
        }
        return card.processEap(0, msg.toByteArray());
    }
}
