package org.recsec.kmp.se.coap;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * One flight's exchange of the {@link CoapSocketAgent}: the request in flight (message ID, token, retransmission
 * state), the flight's Block1 progress and the answer's Block2 body (RFC 7959 §2.3, §2.4). Not thread-safe.
 */
final class FlightExchange {
    /** One request of an exchange, before message ID and token. */
    record CoapRequest(List<CoapOption> options, byte[] payload) {
    }

    final byte[] flight;
    /** The request target when the flight went out: Block2 follow-ups ask the same resource. */
    final List<CoapOption> target;
    private final CoapTransmission tx;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    int blockNum;
    int blockSzx;
    int mid;
    byte[] token;
    byte[] bytes;
    long timeout;
    long retransmitAt;
    int retransmissions;
    boolean acked;
    boolean responded;
    boolean gaveUp;
    List<byte[]> answer;

    FlightExchange(byte[] flight, List<CoapOption> target, CoapTransmission tx) {
        this.flight = flight;
        this.target = List.copyOf(target);
        this.tx = tx;
        this.blockSzx = tx.szx();
    }

    int blockSize() {
        return 1 << (blockSzx + 4);
    }

    CoapRequest firstRequest() {
        return flight.length <= tx.blockSize() ? withFlight(new ArrayList<>(target), flight) : block1(0);
    }

    CoapRequest block1(int num) {
        int size = blockSize();
        int from = num * size;
        int to = Math.min(flight.length, from + size);
        List<CoapOption> o = new ArrayList<>(target);
        o.add(CoapOption.ofUint(OptionNumbers.BLOCK1, ((long) num << 4) | (to < flight.length ? 8 : 0)
                | blockSzx));
        if (num == 0) {
            o.add(CoapOption.ofUint(OptionNumbers.SIZE1, flight.length));
        }
        blockNum = num;
        return withFlight(o, Arrays.copyOfRange(flight, from, to));
    }

    /**
     * The request after a 2.31 Continue (RFC 7959 §2.3), or null when the 2.31 names another block than the one
     * sent (a replayed response): the caller treats that as no answer.
     */
    CoapRequest nextBlock1(CoapOption b1) throws CoapFlightException {
        if (b1 == null) {
            throw new CoapFlightException("2.31 without Block1", -1);
        }
        long v = uint(b1, 3);
        int szx = (int) (v & 7);
        if (szx == 7 || szx > blockSzx) {
            throw new CoapFlightException("2.31 with a block size not allowed", -1);
        }
        if (v >>> 4 != blockNum) {
            return null;
        }
        int next = (blockNum + 1) * blockSize() / (1 << (szx + 4));
        blockSzx = szx;
        if (next * blockSize() >= flight.length) {
            throw new CoapFlightException("2.31 after the last block", -1);
        }
        return block1(next);
    }

    CoapRequest block2Request(long num, int szx) {
        List<CoapOption> o = new ArrayList<>(target);
        o.add(CoapOption.ofUint(OptionNumbers.BLOCK2, (num << 4) | szx));
        return new CoapRequest(o, new byte[0]);
    }

    private CoapRequest withFlight(List<CoapOption> o, byte[] payload) {
        o.add(CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, FlightCoap.CONTENT_FORMAT));
        return new CoapRequest(o, payload);
    }

    static long uint(CoapOption o, int maxLength) throws CoapFlightException {
        if (o.length() > maxLength) {
            throw new CoapFlightException("option " + o.number() + " too long", -1);
        }
        return o.uintValue();
    }
}
