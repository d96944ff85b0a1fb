package org.recsec.se.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
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
 * flights): reassembles the server's fragmented handshake messages (RFC 6347 §4.2.3), drops repeated ones, collects
 * a server flight (up to a HelloVerifyRequest, a ServerHelloDone, or the ChangeCipherSpec and Finished) and hands it
 * to the card in EAP messages of at most {@link SeTlsBridge#CARD_BUFFER} bytes ({@link #serverRecord},
 * {@link #finished}). The bridges keep the transport (sending, retransmission, what ends the handshake); this keeps
 * one handshake's state. Not thread-safe.
 */
public final class DtlsFlightFeed {
    private final SeCard card;
    private final Set<String> delivered = new HashSet<>();
    private final Map<Integer, byte[]> fragments = new HashMap<>();
    private final Map<Integer, boolean[]> filled = new HashMap<>();
    private final List<byte[]> pending = new ArrayList<>();
    private boolean ccs;
    private boolean helloDone;
    private byte[] serverRandom;

    public DtlsFlightFeed(SeCard card) {
        this.card = Objects.requireNonNull(card);
    }

    /** Forgets everything of the last handshake; call before a new one. */
    public void reset() {
        delivered.clear();
        fragments.clear();
        filled.clear();
        pending.clear();
        ccs = false;
        helloDone = false;
        serverRandom = null;
    }

    /**
     * One record of the server's before its Finished: an epoch-0 handshake message goes into reassembly, and the
     * flight a whole message ends (HelloVerifyRequest, ServerHelloDone) goes to the card; the first epoch-0
     * ChangeCipherSpec waits for the Finished. Anything else (a repeated ChangeCipherSpec, stray records) is dropped.
     *
     * @param r a record of at least the DTLS record header
     * @return the card's answer to the flight it was handed (for the server; may be empty), or null when no flight
     *     went to the card
     * @throws IOException see {@link #reassemble}
     * @throws SeException the card refused the flight
     */
    public byte[] serverRecord(byte[] r) throws IOException, SeException {
        int epoch = epoch(r);
        if (r[0] == 22 && epoch == 0 && r.length >= 25) {
            Optional<byte[]> complete = reassemble(r);
            if (complete.isEmpty()) {
                return null;
            }
            byte[] whole = complete.get();
            pending.add(whole);
            int type = whole[13];
            // handshake header 12, server_version 2, then the random (RFC 5246 §7.4.1.3)
            if (type == 2 && whole.length >= 59) {
                serverRandom = Arrays.copyOfRange(whole, 27, 59);
            }
            if (type == 3) {
                restartAfterHelloVerify();
                return flight();
            }
            if (type == 14) {
                helloDone = true;
                return flight();
            }
        } else if (r[0] == 20 && epoch == 0 && !ccs) {
            ccs = true;
            pending.add(r);
        }
        return null;
    }

    /** Whether {@code r} is the server's Finished: an epoch-1 handshake record after its ChangeCipherSpec. */
    public boolean isFinished(byte[] r) {
        return r[0] == 22 && epoch(r) == 1 && ccs;
    }

    /**
     * The server's Finished ({@link #isFinished}) to the card with the records before it; returns the card's answer
     * (its ChangeCipherSpec and Finished after an abbreviated handshake, else empty).
     *
     * @throws SeException the card refused the flight
     */
    public byte[] finished(byte[] r) throws SeException {
        pending.add(r);
        return flight();
    }

    /** Whether this handshake had a ServerHelloDone (a full handshake, not an abbreviated one). */
    public boolean helloDone() {
        return helloDone;
    }

    /** server_random from this handshake's ServerHello (not a copy), or null before it. */
    public byte[] serverRandom() {
        return serverRandom;
    }

    private byte[] flight() throws SeException {
        byte[] answer = toCard(pending);
        pending.clear();
        return answer;
    }

    private static int epoch(byte[] r) {
        return ((r[3] & 0xFF) << 8) | (r[4] & 0xFF);
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
