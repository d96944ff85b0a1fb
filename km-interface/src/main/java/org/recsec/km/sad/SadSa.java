package org.recsec.km.sad;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.spi.InboundSa;
import org.recsec.record.spi.OutboundSa;
import org.recsec.record.spi.RecordCipher;
import org.recsec.record.spi.SecurityAssociation;

/**
 * One direction's view of a SAD entry, as record-sec sees it. All state lives in the entry, so the SAD stays its
 * single owner: use reported here counts against the entry's lifetimes.
 */
abstract class SadSa implements SecurityAssociation {
    final SadEntry e;
    private final LocalId localId;
    private final PeerId peerId;

    private SadSa(SadEntry e, String local, String peer) {
        this.e = e;
        this.localId = LocalId.of(local);
        this.peerId = PeerId.of(peer);
    }

    @Override public long spi() { return e.spi(); }

    @Override public CipherSuite suite() { return e.suite; }

    @Override public int epoch() { return e.epoch; }

    @Override public LocalId localId() { return localId; }

    @Override public PeerId peerId() { return peerId; }

    @Override public RecordCipher cipher() { return e.cipher(); }

    @Override public void checkUsable() throws RecSecException { e.checkUsable(); }

    @Override
    public String toString() {
        return "SA[" + direction() + ", spi=0x" + Long.toHexString(spi()) + ", " + e.src + " -> " + e.dst + ", "
                + e.suite + "]";
    }

    /** The entry seen by the end that opens its records (the entry's dst is local). */
    static final class In extends SadSa implements InboundSa {
        In(SadEntry e) {
            super(e, e.dst, e.src);
        }

        @Override
        public long highestAccepted() {
            return e.replayWindow().highest();
        }

        @Override
        public boolean shouldDiscard(long seq) {
            return e.replayWindow().shouldDiscard(seq);
        }

        @Override
        public void reportAuthenticated(long seq, long plaintextBytes) throws RecSecException {
            e.replayWindow().accept(seq);
            e.recordUsed(plaintextBytes);
            // Returns only once a mark above seq is saved (see SadEntry#inboundAccepted): refuses the record otherwise.
            e.inboundAccepted(seq);
        }
    }

    /** The entry seen by the end that seals its records (the entry's src is local). */
    static final class Out extends SadSa implements OutboundSa {
        Out(SadEntry e) {
            super(e, e.src, e.dst);
        }

        @Override
        public long reserveSequence() throws RecSecException {
            return e.nextSequence();
        }

        @Override
        public void reportSealed(long plaintextBytes) {
            e.recordUsed(plaintextBytes);
        }
    }
}
