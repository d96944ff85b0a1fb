package org.recsec.kmp.se;

import org.recsec.record.spi.SecurityAssociation;

import org.recsec.se.host.DtlsIso7816Agent;
import org.recsec.se.host.DtlsRecords;
import org.recsec.se.host.SeException;

import java.util.Objects;
import org.recsec.record.base.RecSecException;
import org.recsec.record.spi.RecordCipher;

/**
 * The record cipher of an SE-resident SA pair: the card seals (PROCESS-EAP P2 {@code 80|type}) and opens (P2 00)
 * every record; the keys never leave it. One instance serves both SAs of the pair (the outbound SA seals with the
 * client write key, the inbound one opens with the server write key, both on the card).
 *
 * <p><b>Sequence numbers.</b> The card numbers its records itself (epoch 1, 1, 2, 3, …), while record-sec reserves
 * a number with {@code OutboundSa.reserveSequence()} before it seals and binds responses to it. So the SA is
 * installed with {@code firstSequence = 1} and its counter mirrors the card's: {@link #seal} checks that the
 * record the card returns carries exactly the {@code seq} asked for. If a number was reserved but never sealed
 * (a failed earlier seal), the card is behind and is brought level by sealing and discarding one-byte records
 * (never sent: they only consume numbers, no nonce repeats); if the card is ahead (something else sealed on it),
 * the seal fails with {@code KEY_MANAGEMENT} and no record is returned.
 *
 * <p>Errors: the card's status words become {@code RecSecException} reasons — 6984 {@code REPLAY}, 6988
 * {@code AUTH_FAILED}, 6A80/6A84/6700 {@code MALFORMED}, anything else or no card {@code KEY_MANAGEMENT}; a type
 * other than 21/23, an epoch other than 1 or a plaintext over 1059 bytes {@code UNSUPPORTED}. Thread-safe.
 */
public final class SeRecordCipher implements RecordCipher {
    /** Header 13, explicit nonce 8, CCM_8 tag 8. */
    public static final int OVERHEAD = 29;
    private static final int MAX_CATCH_UP = 64;
    private final DtlsIso7816Agent agent;
    private long cardNextWrite;

    /**
     * @param agent         the card session, ESTABLISHED
     * @param cardNextWrite the card's next write sequence number (1 right after the handshake)
     */
    public SeRecordCipher(DtlsIso7816Agent agent, long cardNextWrite) {
        this.agent = Objects.requireNonNull(agent);
        this.cardNextWrite = cardNextWrite;
    }

    @Override
    public byte[] seal(int contentType, int epoch, long seq, byte[] plaintext, int off, int len)
            throws RecSecException {
        if (contentType != DtlsRecords.APPLICATION_DATA && contentType != DtlsRecords.ALERT) {
            throw new RecSecException(RecSecException.Reason.UNSUPPORTED, "the card seals types 21 and 23 only");
        }
        if (epoch != 1) {
            throw new RecSecException(RecSecException.Reason.UNSUPPORTED, "the card writes epoch 1 only");
        }
        if (len > DtlsIso7816Agent.MAX_SEAL) {
            throw new RecSecException(RecSecException.Reason.UNSUPPORTED, "the card seals at most "
                    + DtlsIso7816Agent.MAX_SEAL + " bytes per record");
        }
        org.recsec.record.internal.wire.Bytes.checkRange(plaintext, off, len);
        synchronized (this) {
            try {
                for (int i = 0; cardNextWrite < seq; i++) {
                    if (i == MAX_CATCH_UP) {
                        throw new RecSecException(RecSecException.Reason.KEY_MANAGEMENT,
                                "the card is more than " + MAX_CATCH_UP + " records behind the SA");
                    }
                    byte[] burned = agent.encrypt(DtlsRecords.APPLICATION_DATA, new byte[1], 0, 1);
                    cardNextWrite = DtlsRecords.seq(burned) + 1;
                }
                if (cardNextWrite > seq) {
                    throw new RecSecException(RecSecException.Reason.KEY_MANAGEMENT,
                            "the card's write sequence is ahead of the SA's");
                }
                byte[] record = agent.encrypt(contentType, plaintext, off, len);
                long got = DtlsRecords.seq(record);
                cardNextWrite = got + 1;
                if (got != seq) {
                    throw new RecSecException(RecSecException.Reason.KEY_MANAGEMENT,
                            "the card sealed sequence " + got + ", the SA reserved " + seq);
                }
                return record;
            } catch (SeException e) {
                throw map(e);
            }
        }
    }

    @Override
    public byte[] open(byte[] record, int off, int len) throws RecSecException {
        org.recsec.record.internal.wire.Bytes.checkRange(record, off, len);
        try {
            return agent.decrypt(record, off, len);
        } catch (SeException e) {
            throw map(e);
        }
    }

    @Override
    public int overheadBytes() {
        return OVERHEAD;
    }

    static RecSecException map(SeException e) {
        RecSecException.Reason reason = switch (e.statusWord()) {
            case 0x6984 -> RecSecException.Reason.REPLAY;
            case 0x6988 -> RecSecException.Reason.AUTH_FAILED;
            case 0x6A80, 0x6A84, 0x6700 -> RecSecException.Reason.MALFORMED;
            default -> RecSecException.Reason.KEY_MANAGEMENT;
        };
        return new RecSecException(reason, "secure element: " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "SeRecordCipher[" + agent.card().link().describe() + "]";
    }
}
