package org.recsec.se.host;


import java.util.List;
import java.util.Objects;

/**
 * The DTLS/TLS-ISO7816 agent of draft-urien-core-identity-module-coap §3 (seed 000): carries DTLS flights between
 * the host and the identity module over EAP-TLS in PROCESS-EAP APDUs, with the four procedures Open, Close,
 * Encrypt and Decrypt, plus the handshake steps and EXPORT-SA.
 *
 * <p>Thread-safe: every method holds the agent's lock, so an SE-resident SA's cipher can be used from several
 * threads; the card sees one command sequence at a time.
 */
public final class DtlsIso7816Agent {
    /** The largest plaintext the card seals in one record (applet/README.md). */
    public static final int MAX_SEAL = 1059;
    /** The largest record the card opens. */
    public static final int MAX_OPEN = 1088;
    private final SeCard card;

    public DtlsIso7816Agent(SeCard card) {
        this.card = Objects.requireNonNull(card);
    }

    public SeCard card() {
        return card;
    }

    /** Open: SELECT the applet and RESET its session (state IDLE). */
    public synchronized void open() throws SeException {
        card.select();
        card.reset();
    }

    /** Close: RESET, so the card wipes the session's keys; the card stays selected. */
    public synchronized void close() throws SeException {
        card.reset();
    }

    /** Handshake start (EAP-TLS Start): the card's ClientHello record(s). */
    public synchronized List<byte[]> startHandshake() throws SeException {
        return DtlsRecords.split(card.eapStart());
    }

    /**
     * One handshake step: the server's records (whole handshake messages, in order) in, the card's next flight out
     * (empty when the card has nothing to send yet, or after the server's Finished).
     *
     * @throws SeException 6A80 for an unexpected or malformed message or an alert, 6988 when the server Finished does
     *                     not verify; the card's session is then in ERROR until {@link #open()}
     */
    public synchronized List<byte[]> handshake(List<byte[]> serverRecords) throws SeException {
        return DtlsRecords.split(card.processEap(0x00, DtlsRecords.concat(serverRecords)));
    }

    /**
     * Encrypt: the card seals {@code plaintext} as one record of {@code contentType} (23 application data, 21
     * alert) with its next write sequence number (epoch 1, from 1).
     *
     * @return the whole record, header included
     */
    public synchronized byte[] encrypt(int contentType, byte[] plaintext, int off, int len) throws SeException {
        if (contentType != DtlsRecords.APPLICATION_DATA && contentType != DtlsRecords.ALERT) {
            throw new IllegalArgumentException("the card seals application data (23) and alerts (21) only");
        }
        if (len > MAX_SEAL) {
            throw new IllegalArgumentException("the card seals at most " + MAX_SEAL + " bytes per record");
        }
        byte[] pt = java.util.Arrays.copyOfRange(plaintext, off, off + len);
        byte[] record = card.processEap(0x80 | contentType, pt);
        if (record.length != DtlsRecords.HEADER + 8 + len + 8 || DtlsRecords.type(record) != contentType
                || DtlsRecords.uint16(record, 1) != 0xFEFD || DtlsRecords.epoch(record) != 1
                || DtlsRecords.uint16(record, 11) != record.length - DtlsRecords.HEADER) {
            throw new SeException("the card's sealed record does not have the expected header or length");
        }
        return record;
    }

    /**
     * Decrypt: the card opens one record (type 23 or 21, epoch 1) after its replay and tag checks.
     *
     * @throws SeException 6984 replayed or left of the window, 6988 tag failure, 6A80 malformed, 6A84 too long
     */
    public synchronized byte[] decrypt(byte[] record, int off, int len) throws SeException {
        if (len > MAX_OPEN) {
            throw new SeException("record of " + len + " bytes is longer than the card opens", 0x6A84, null);
        }
        return card.processEap(0x00, java.util.Arrays.copyOfRange(record, off, off + len));
    }

    /** EXPORT-SA (the card then wipes its keys). */
    public synchronized ExportedSa exportSa() throws SeException {
        return card.exportSa();
    }

    /** GET-STATUS state byte. */
    public synchronized int state() throws SeException {
        return card.status()[0];
    }
}
