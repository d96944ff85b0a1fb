package org.recsec.se.host;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bridge's share of the DTLS handshake (applet/README.md "bridge duties"; RFC 6347 §4.2.2–4.2.4): the card
 * only takes each handshake message whole, in order and once, so this class
 *
 * <ul>
 *   <li>reassembles fragmented epoch-0 handshake messages (fragment_offset/fragment_length) into one record with
 *   {@code fragment_offset = 0, fragment_length = length};</li>
 *   <li>delivers them in message_seq order, dropping messages already delivered (a retransmitted flight) and
 *   reporting that a retransmission was seen, the cue to resend our own last flight (§4.2.4);</li>
 *   <li>passes ChangeCipherSpec once, and epoch-1 handshake records (the encrypted Finished) once each and only
 *   after the ChangeCipherSpec;</li>
 *   <li>batches records until a message that makes the card answer (HelloVerifyRequest, ServerHelloDone, the
 *   Finished), so a whole server flight goes to the card as one EAP message;</li>
 *   <li>stops on an alert.</li>
 * </ul>
 *
 * Bounded: messages over {@value #MAX_BODY} bytes (the card's buffer is 1088) are refused, at most
 * {@value #AHEAD} future messages are held. Not thread-safe.
 */
final class HandshakeReassembler {
    static final int MAX_BODY = 1024;
    static final int AHEAD = 8;
    static final int HELLO_VERIFY_REQUEST = 3;
    static final int SERVER_HELLO = 2;
    static final int SERVER_HELLO_DONE = 14;
    private static final int BATCH_LIMIT = 900;

    /** What one datagram produced. */
    record Result(List<byte[]> batch, boolean flightEnd, boolean finished, boolean duplicate, String alert) {
    }

    private static final class Partial {
        final int type;
        final byte[] body;
        final BitSet have;
        long recordSeq;

        Partial(int type, int length) {
            this.type = type;
            this.body = new byte[length];
            this.have = new BitSet(length);
        }

        boolean complete() {
            return have.nextClearBit(0) >= body.length;
        }
    }

    private final Map<Integer, Partial> partials = new HashMap<>();
    private final List<byte[]> batch = new ArrayList<>();
    private final List<byte[]> heldEpoch1 = new ArrayList<>();
    private final java.util.Set<Long> epoch1Seen = new java.util.HashSet<>();
    private final List<byte[]> earlyApplicationData = new ArrayList<>();
    private int nextSeq = -1;
    private boolean ccsDelivered;
    private byte[] serverRandom;

    /**
     * Takes the records of one datagram.
     *
     * @throws SeException a handshake message too large for the card, or inconsistent fragments
     */
    Result accept(List<byte[]> records) throws SeException {
        boolean duplicate = false;
        boolean flightEnd = false;
        boolean finished = false;
        for (byte[] r : records) {
            int type = DtlsRecords.type(r);
            int epoch = DtlsRecords.epoch(r);
            if (type == DtlsRecords.ALERT) {
                if (epoch == 0 && r.length >= DtlsRecords.HEADER + 2) {
                    return new Result(List.of(), false, false, duplicate, "alert " + (r[DtlsRecords.HEADER] & 0xff)
                            + "/" + (r[DtlsRecords.HEADER + 1] & 0xff) + " (level/description)");
                }
                return new Result(List.of(), false, false, duplicate, "encrypted alert in epoch " + epoch);
            }
            if (epoch == 0 && type == DtlsRecords.HANDSHAKE) {
                int before = batch.size();
                duplicate |= handshake(r);
                for (int i = before; i < batch.size(); i++) {
                    int t = batch.get(i)[DtlsRecords.HEADER] & 0xff;
                    flightEnd |= t == HELLO_VERIFY_REQUEST || t == SERVER_HELLO_DONE;
                }
            } else if (epoch == 0 && type == DtlsRecords.CHANGE_CIPHER_SPEC) {
                if (ccsDelivered) {
                    duplicate = true;
                } else {
                    ccsDelivered = true;
                    batch.add(r);
                    for (byte[] held : heldEpoch1) {
                        batch.add(held);
                        flightEnd = finished = true;
                    }
                    heldEpoch1.clear();
                }
            } else if (epoch == 1 && type == DtlsRecords.HANDSHAKE) {
                if (!epoch1Seen.add(DtlsRecords.seq(r))) {
                    duplicate = true;
                } else if (ccsDelivered) {
                    batch.add(r);
                    flightEnd = finished = true;
                } else if (heldEpoch1.size() < 2) {
                    heldEpoch1.add(r);
                }
            } else if (epoch == 1 && type == DtlsRecords.APPLICATION_DATA && earlyApplicationData.size() < 8) {
                earlyApplicationData.add(r);
            }
            // Anything else (other epochs, unknown types) is silently discarded (RFC 6347 §4.1.2.7).
        }
        int size = 0;
        for (byte[] b : batch) {
            size += b.length;
        }
        if (flightEnd || size > BATCH_LIMIT) {
            List<byte[]> out = new ArrayList<>(batch);
            batch.clear();
            return new Result(out, flightEnd, finished, duplicate, null);
        }
        return new Result(List.of(), false, false, duplicate, null);
    }

    /** Returns true when the record was a retransmission of a message already delivered. */
    private boolean handshake(byte[] r) throws SeException {
        if (r.length < DtlsRecords.HEADER + DtlsRecords.HS_HEADER) {
            return false;
        }
        int h = DtlsRecords.HEADER;
        int msgType = r[h] & 0xff;
        int length = DtlsRecords.uint24(r, h + 1);
        int msgSeq = DtlsRecords.uint16(r, h + 4);
        int fragOff = DtlsRecords.uint24(r, h + 6);
        int fragLen = DtlsRecords.uint24(r, h + 9);
        if (fragLen != r.length - h - DtlsRecords.HS_HEADER || fragOff + fragLen > length) {
            return false; // an invalid record: discarded
        }
        if (nextSeq >= 0 && msgSeq < nextSeq) {
            return true;
        }
        if (nextSeq >= 0 && msgSeq >= nextSeq + AHEAD) {
            return false;
        }
        if (length > MAX_BODY) {
            throw new SeException("server handshake message of " + length + " bytes is too large for the card");
        }
        Partial p = partials.get(msgSeq);
        if (p == null) {
            if (partials.size() >= AHEAD) {
                return false;
            }
            p = new Partial(msgType, length);
            partials.put(msgSeq, p);
        } else if (p.type != msgType || p.body.length != length) {
            throw new SeException("fragments of handshake message " + msgSeq + " disagree on type or length");
        }
        System.arraycopy(r, h + DtlsRecords.HS_HEADER, p.body, fragOff, fragLen);
        p.have.set(fragOff, fragOff + fragLen);
        p.recordSeq = DtlsRecords.seq(r);
        if (nextSeq < 0 && p.complete()) {
            nextSeq = msgSeq; // the server's first message sets the numbering (0, or 1 after HelloVerifyRequest)
        }
        while (nextSeq >= 0) {
            Partial next = partials.get(nextSeq);
            if (next == null || !next.complete()) {
                break;
            }
            partials.remove(nextSeq);
            batch.add(wholeRecord(next, nextSeq));
            if (next.type == SERVER_HELLO && next.body.length >= 34) {
                serverRandom = java.util.Arrays.copyOfRange(next.body, 2, 34);
            }
            nextSeq++;
        }
        return false;
    }

    private static byte[] wholeRecord(Partial p, int msgSeq) {
        int len = p.body.length;
        byte[] r = new byte[DtlsRecords.HEADER + DtlsRecords.HS_HEADER + len];
        r[0] = DtlsRecords.HANDSHAKE;
        r[1] = (byte) 0xFE;
        r[2] = (byte) 0xFD;
        for (int i = 0; i < 6; i++) {
            r[5 + i] = (byte) (p.recordSeq >>> (40 - 8 * i));
        }
        int fl = DtlsRecords.HS_HEADER + len;
        r[11] = (byte) (fl >> 8);
        r[12] = (byte) fl;
        int h = DtlsRecords.HEADER;
        r[h] = (byte) p.type;
        putUint24(r, h + 1, len);
        r[h + 4] = (byte) (msgSeq >> 8);
        r[h + 5] = (byte) msgSeq;
        putUint24(r, h + 6, 0);
        putUint24(r, h + 9, len);
        System.arraycopy(p.body, 0, r, h + DtlsRecords.HS_HEADER, len);
        return r;
    }

    private static void putUint24(byte[] b, int o, int v) {
        b[o] = (byte) (v >> 16);
        b[o + 1] = (byte) (v >> 8);
        b[o + 2] = (byte) v;
    }

    /** The ServerHello's random once delivered, else null. */
    byte[] serverRandom() {
        return serverRandom == null ? null : serverRandom.clone();
    }

    /** Epoch-1 application records that arrived with or before the server's Finished. */
    List<byte[]> earlyApplicationData() {
        return List.copyOf(earlyApplicationData);
    }
}
