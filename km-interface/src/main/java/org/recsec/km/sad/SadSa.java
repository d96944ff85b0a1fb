package org.recsec.km.sad;

import org.recsec.record.CipherSuite;
import org.recsec.record.Direction;
import org.recsec.record.RecSecException;
import org.recsec.record.RecordCipher;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.SecurityAssociation;

/**
 * One direction's view of a SAD entry, as record-sec sees it. All state lives in the entry, so the SAD stays its
 * single owner: use reported here counts against the entry's lifetimes.
 */
final class SadSa implements SecurityAssociation {
    private final SadEntry e;
    private final boolean inbound;

    SadSa(SadEntry e, boolean inbound) {
        this.e = e;
        this.inbound = inbound;
    }

    @Override public long spi() { return e.spi(); }

    @Override public Direction direction() { return inbound ? Direction.INBOUND : Direction.OUTBOUND; }

    @Override public CipherSuite suite() { return e.suite; }

    @Override public int epoch() { return e.epoch; }

    @Override public String localId() { return inbound ? e.dst : e.src; }

    @Override public String peerId() { return inbound ? e.src : e.dst; }

    @Override public RecordCipher cipher() { return e.cipher(); }

    @Override
    public long nextSequence() throws RecSecException {
        if (inbound) {
            throw new IllegalStateException("nextSequence on an inbound SA");
        }
        return e.nextSequence();
    }

    @Override public ReplayWindow replayWindow() { return inbound ? e.replayWindow() : null; }

    @Override public void checkUsable() throws RecSecException { e.checkUsable(); }

    @Override
    public void recordUsed(long plaintextBytes) {
        e.recordUsed(plaintextBytes);
        if (inbound) {
            e.inboundAccepted();
        }
    }

    @Override
    public String toString() {
        return "SA[" + direction() + ", spi=0x" + Long.toHexString(spi()) + ", " + e.src + " -> " + e.dst + ", "
                + e.suite + "]";
    }
}
