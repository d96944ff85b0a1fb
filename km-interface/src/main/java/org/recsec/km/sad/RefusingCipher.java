package org.recsec.km.sad;

import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.spi.RecordCipher;

/** The cipher of an SA that cannot be served here (no cipher factory or SE bridge): refuses every record. */
final class RefusingCipher implements RecordCipher {
    private final String why;
    private final int overhead;

    private RefusingCipher(String why, int overhead) {
        this.why = why;
        this.overhead = overhead;
    }

    static RecordCipher of(CipherSuite suite, String why) {
        return new RefusingCipher(why, 13 + suite.fragmentOverheadBytes());
    }

    @Override
    public byte[] seal(int contentType, int epoch, long seq, byte[] plaintext, int off, int len)
            throws RecSecException {
        throw new RecSecException(RecSecException.Reason.UNSUPPORTED, why);
    }

    @Override
    public byte[] open(byte[] record, int off, int len) throws RecSecException {
        throw new RecSecException(RecSecException.Reason.UNSUPPORTED, why);
    }

    @Override
    public int overheadBytes() {
        return overhead;
    }
}
