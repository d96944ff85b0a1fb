package org.recsec.record;

import org.recsec.record.internal.ReplayWindow;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A security association held in memory only: what manual keys and tests use. No lifetimes, no persistence
 * (the SA database in km-interface adds both). Sequence numbers start where the creator says and never repeat
 * within this object.
 */
public final class ManualSa implements SecurityAssociation {
    /** The largest DTLS 1.2 sequence number (48 bits). */
    public static final long MAX_SEQUENCE = (1L << 48) - 1;

    private final long spi;
    private final Direction direction;
    private final CipherSuite suite;
    private final int epoch;
    private final String localId;
    private final String peerId;
    private final RecordCipher cipher;
    private final AtomicLong nextSeq;
    private final ReplayWindow window;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    private ManualSa(long spi, Direction direction, CipherSuite suite, int epoch, String localId, String peerId,
                     RecordCipher cipher, long firstSeq, int windowSize) {
        if (spi < 0 || spi > 0xffff_ffffL) {
            throw new IllegalArgumentException("SPI must be an unsigned 32-bit value");
        }
        if (epoch < 0 || epoch > 0xffff) {
            throw new IllegalArgumentException("epoch must be an unsigned 16-bit value");
        }
        if (firstSeq < 0 || firstSeq > MAX_SEQUENCE + 1) {
            throw new IllegalArgumentException("sequence number must be 48 bits");
        }
        this.spi = spi;
        this.direction = Objects.requireNonNull(direction);
        this.suite = Objects.requireNonNull(suite);
        this.epoch = epoch;
        this.localId = Objects.requireNonNull(localId);
        this.peerId = Objects.requireNonNull(peerId);
        this.cipher = Objects.requireNonNull(cipher);
        this.nextSeq = new AtomicLong(firstSeq);
        this.window = direction == Direction.INBOUND ? new ReplayWindow(windowSize) : null;
    }

    /** An outbound SA whose first record gets sequence number {@code firstSeq}. */
    public static ManualSa outbound(long spi, CipherSuite suite, int epoch, long firstSeq, String localId,
                                    String peerId, RecordCipher cipher) {
        return new ManualSa(spi, Direction.OUTBOUND, suite, epoch, localId, peerId, cipher, firstSeq, 1);
    }

    /** An inbound SA with an anti-replay window of {@code windowSize} records (1..1024). */
    public static ManualSa inbound(long spi, CipherSuite suite, int epoch, int windowSize, String localId,
                                   String peerId, RecordCipher cipher) {
        return new ManualSa(spi, Direction.INBOUND, suite, epoch, localId, peerId, cipher, 0, windowSize);
    }

    @Override public long spi() { return spi; }

    @Override public Direction direction() { return direction; }

    @Override public CipherSuite suite() { return suite; }

    @Override public int epoch() { return epoch; }

    @Override public String localId() { return localId; }

    @Override public String peerId() { return peerId; }

    @Override public RecordCipher cipher() { return cipher; }

    @Override
    public long nextSequence() throws RecSecException {
        if (direction != Direction.OUTBOUND) {
            throw new IllegalStateException("inbound SA has no outbound sequence");
        }
        // getAndUpdate with a cap: the counter stops at MAX+1 instead of wrapping.
        long seq = nextSeq.getAndUpdate(s -> s > MAX_SEQUENCE ? s : s + 1);
        if (seq > MAX_SEQUENCE) {
            throw new RecSecException(RecSecException.Reason.SEQUENCE_EXHAUSTED, "SA " + spi + " used every sequence number");
        }
        return seq;
    }

    @Override public ReplayWindow replayWindow() { return window; }

    @Override
    public void checkUsable() {
        // Manual SAs have no lifetime.
    }

    @Override
    public void recordUsed(long plaintextBytes) {
        records.incrementAndGet();
        bytes.addAndGet(plaintextBytes);
    }

    /** Records sealed or accepted so far. */
    public long recordsUsed() { return records.get(); }

    /** Plaintext bytes sealed or accepted so far. */
    public long bytesUsed() { return bytes.get(); }

    @Override
    public String toString() {
        return "ManualSa[spi=" + spi + ", " + direction + ", " + suite + ", epoch=" + epoch + ", " + localId
                + " <-> " + peerId + "]";
    }
}
