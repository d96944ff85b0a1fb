package org.recsec.record;

import java.util.concurrent.atomic.AtomicBoolean;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.spi.InboundSa;

/**
 * Test double: an inbound SA ({@code window}: its identity, lifetimes and replay window) whose records a
 * {@link CountingCipher} opens; {@link #usable} can be switched off to expire it. Shared with other modules' tests
 * through record-sec's test jar.
 *
 * @param window the SA that keeps the state
 * @param cipher the counting cipher records are opened with
 * @param usable false makes {@link #checkUsable} refuse with SA_EXPIRED
 */
public record CountingSa(InboundSa window, CountingCipher cipher, AtomicBoolean usable) implements InboundSa {
    /** {@code window} opened through a counting copy of its own cipher. */
    public CountingSa(InboundSa window) {
        this(window, new CountingCipher(window.cipher()), new AtomicBoolean(true));
    }

    @Override public long spi() { return window.spi(); }
    @Override public CipherSuite suite() { return window.suite(); }
    @Override public int epoch() { return window.epoch(); }
    @Override public LocalId localId() { return window.localId(); }
    @Override public PeerId peerId() { return window.peerId(); }
    @Override public long highestAccepted() { return window.highestAccepted(); }
    @Override public boolean shouldDiscard(long seq) { return window.shouldDiscard(seq); }

    @Override
    public void checkUsable() throws RecSecException {
        if (!usable.get()) {
            throw new RecSecException(RecSecException.Reason.SA_EXPIRED, "expired by the test");
        }
        window.checkUsable();
    }

    @Override
    public void reportAuthenticated(long seq, long plaintextBytes) throws RecSecException {
        window.reportAuthenticated(seq, plaintextBytes);
    }
}
