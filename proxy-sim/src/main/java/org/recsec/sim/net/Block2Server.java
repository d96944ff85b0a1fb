package org.recsec.sim.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * The server side of Block2 (RFC 7959 §2.4): a response whose payload is longer than the block size goes out as its
 * first block (Block2 NUM 0, M set, with Size2, §4); the whole response is kept under a key the caller chooses
 * (e.g. the requester and the request), and a later request for block NUM is answered from it. The More flag of
 * each block is recomputed from the payload length; a request for a smaller block size is followed (§2.4), a
 * larger one is not. Used by the {@link ForwardingProxy} for outer Block2 (RFC 8613 §4.1.3.4.2) and by simulated
 * origin servers.
 */
public final class Block2Server {
    private final int maxBlockBytes;
    private final Map<String, CoapMessage> buffers = new HashMap<>();
    private int blocksServed;

    /** @param maxBlockBytes the largest payload sent in one piece, at least 16 */
    public Block2Server(int maxBlockBytes) {
        if (maxBlockBytes < 16) {
            throw new IllegalArgumentException("blocks are at least 16 bytes");
        }
        this.maxBlockBytes = maxBlockBytes;
    }

    /** The largest payload sent in one piece. */
    public int maxBlockBytes() {
        return maxBlockBytes;
    }

    /**
     * What to send for {@code whole}: itself when it fits, else its first block, the whole kept under {@code key}
     * (replacing what was kept there).
     */
    public CoapMessage first(String key, CoapMessage whole) {
        if (whole.payloadLength() <= maxBlockBytes) {
            return whole;
        }
        buffers.put(key, whole);
        return block(whole, new BlockOption(0, true, BlockOption.szxFor(maxBlockBytes)));
    }

    /** True when a response is kept under {@code key}. */
    public boolean has(String key) {
        return buffers.containsKey(key);
    }

    /**
     * The block a request's Block2 option asks for, from the response kept under {@code key}.
     *
     * @return the block, empty when nothing is kept under {@code key}
     * @throws RecSecException MALFORMED for a bad Block2 value or a block past the end
     */
    public java.util.Optional<CoapMessage> serve(String key, CoapOption block2) throws RecSecException {
        CoapMessage whole = buffers.get(key);
        if (whole == null) {
            return java.util.Optional.empty();
        }
        BlockOption asked = BlockOption.parse(block2);
        int szx = Math.min(asked.szx(), BlockOption.szxFor(maxBlockBytes));
        long start = (long) asked.num() * (1 << (szx + 4));
        if (start >= whole.payloadLength()) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "Block2 past the end");
        }
        blocksServed++;
        return java.util.Optional.of(block(whole, new BlockOption(asked.num(), true, szx)));
    }

    /** Forgets the response kept under {@code key}. */
    public void forget(String key) {
        buffers.remove(key);
    }

    /** Blocks after the first served from the buffers. */
    public int blocksServed() {
        return blocksServed;
    }

    /** Block {@code b.num()} of {@code whole}; the More flag is recomputed from the payload length. */
    private static CoapMessage block(CoapMessage whole, BlockOption b) {
        byte[] payload = whole.payload();
        int size = b.sizeBytes();
        int start = b.num() * size;
        int end = Math.min(payload.length, start + size);
        byte[] slice = java.util.Arrays.copyOfRange(payload, start, end);
        List<CoapOption> opts = new ArrayList<>(Wire.without(whole.options(), OptionNumbers.BLOCK2,
                OptionNumbers.SIZE2));
        opts.add(new BlockOption(b.num(), end < payload.length, b.szx()).toOption(OptionNumbers.BLOCK2));
        if (b.num() == 0) {
            opts.add(CoapOption.ofUint(OptionNumbers.SIZE2, payload.length));
        }
        return whole.withOptions(opts).withPayload(slice);
    }
}
