package org.recsec.se.host;



import org.recsec.record.internal.wire.Bytes;

/**
 * The card's EXPORT-SA answer (applet/README.md, 66 bytes) after a DTLS handshake: suite {@code C0A8} (PSK) or
 * {@code C0A2} (certificate mode; the same AES_128_CCM_8 record protection), the key block, the write epoch and
 * next write sequence number, the read epoch and the highest accepted read sequence number, and the 64-bit replay
 * bitmap (bit 0 = the highest accepted record). In TLS mode (RESET P2 bit 0) the epochs are 0, the write sequence
 * is the next implicit one, the read sequence the next one expected (1 after the server's Finished) and the bitmap
 * unused. {@code toString} shows no key.
 */
public record ExportedSa(KeyBlock keys, int writeEpoch, long nextWriteSequence, int readEpoch,
                         long highestReadSequence, long replayBitmap) {
    /** Length of the EXPORT-SA answer. */
    public static final int LENGTH = 66;
    /** TLS_PSK_WITH_AES_128_CCM_8. */
    public static final int SUITE = 0xC0A8;
    /** TLS_DHE_RSA_WITH_AES_128_CCM_8 (the card's certificate mode). */
    public static final int SUITE_DHE_RSA = 0xC0A2;

    /**
     * @throws SeException when the answer is not 66 bytes, names another suite, or uses epochs other than 1
     */
    static ExportedSa parse(byte[] a) throws SeException {
        if (a.length != LENGTH) {
            throw new SeException("EXPORT-SA answered " + a.length + " bytes, not " + LENGTH);
        }
        int suite = Bytes.readUint16Be(a, 0);
        if (suite != SUITE && suite != SUITE_DHE_RSA) {
            throw new SeException("EXPORT-SA names suite " + Integer.toHexString(Bytes.readUint16Be(a, 0)));
        }
        int we = Bytes.readUint16Be(a, 42);
        int re = Bytes.readUint16Be(a, 50);
        if (we != re || (we != 0 && we != 1)) {
            throw new SeException("EXPORT-SA with epochs " + we + "/" + re + ", expected 1 (DTLS) or 0 (TLS)");
        }
        long bitmap = 0;
        for (int i = 0; i < 8; i++) {
            bitmap = (bitmap << 8) | (a[58 + i] & 0xff);
        }
        return new ExportedSa(KeyBlock.split(a, 2), we, Bytes.readUint48Be(a, 44), re, Bytes.readUint48Be(a, 52),
                bitmap);
    }

    /** True when the card ran the TLS mode (epochs 0: TLS has none). */
    public boolean tls() {
        return writeEpoch == 0;
    }

    @Override
    public String toString() {
        return "ExportedSa[write " + writeEpoch + "/" + nextWriteSequence + ", read " + readEpoch + "/"
                + highestReadSequence + ", keys hidden]";
    }
}
