package org.recsec.record;

import java.util.concurrent.atomic.AtomicInteger;
import org.recsec.record.base.RecSecException;
import org.recsec.record.spi.RecordCipher;

/**
 * Test double around a real record cipher that counts its opens; a {@code stateful} one says that opening has side
 * effects ({@link RecordCipher#opensWithoutSideEffects()} false), as a secure element's cipher with its own replay
 * window does. Shared with other modules' tests through record-sec's test jar.
 */
public class CountingCipher implements RecordCipher {
    /** The cipher that seals and opens. */
    public final RecordCipher inner;
    /** Records opened so far. */
    public final AtomicInteger opens = new AtomicInteger();
    private final boolean stateful;

    /** A counting software cipher: opens without side effects whenever {@code inner} does. */
    public CountingCipher(RecordCipher inner) {
        this(inner, false);
    }

    /** A counting cipher; {@code stateful} reports side effects on open whatever {@code inner} does. */
    public CountingCipher(RecordCipher inner, boolean stateful) {
        this.inner = inner;
        this.stateful = stateful;
    }

    @Override
    public byte[] seal(int contentType, int epoch, long seq, byte[] plaintext, int off, int len)
            throws RecSecException {
        return inner.seal(contentType, epoch, seq, plaintext, off, len);
    }

    @Override
    public byte[] open(byte[] record, int off, int len) throws RecSecException {
        opens.incrementAndGet();
        return inner.open(record, off, len);
    }

    @Override
    public int overheadBytes() {
        return inner.overheadBytes();
    }

    @Override
    public boolean opensWithoutSideEffects() {
        return !stateful && inner.opensWithoutSideEffects();
    }
}
