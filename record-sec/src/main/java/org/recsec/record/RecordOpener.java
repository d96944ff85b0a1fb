package org.recsec.record;

import java.util.ArrayList;
import java.util.List;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.InnerPlaintext;
import org.recsec.record.coap.OptionClass;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.crypto.CompactRecordCipher;
import org.recsec.record.internal.crypto.Dtls12CidRecordCipher;
import org.recsec.record.internal.crypto.RecordHeader;
import org.recsec.record.spi.InboundSa;

/**
 * The receiving half of {@link RecordProtector}: finds the inbound SA of a protected message (by the Record-Security
 * SPI, or for a compact-profile response by the request's route), checks epoch, content type and replay window,
 * opens the record of its profile and parses the inner plaintext; {@link #accept} moves the window afterwards.
 * Nothing here moves state before {@code accept}: a refused message never uses up a sequence number (RFC 6347
 * §4.1.2.6, RFC 9147 §4.5.1).
 */
final class RecordOpener {
    private final SaRegistry registry;

    RecordOpener(SaRegistry registry) {
        this.registry = registry;
    }

    /**
     * A record opened (or, by verify, checked as far as it can be) and not yet accepted: its message (null when
     * verify stopped before the AEAD), the SA, the record number, the sequence number and the plaintext size.
     */
    record Opened(CoapMessage message, InboundSa sa, long sequenceWord, long seq,
                  int plaintextBytes, boolean compact) {
    }

    /** Moves the replay window and counts the use, once every check of the message passed. */
    static void accept(Opened opened) throws RecSecException {
        opened.sa.reportAuthenticated(opened.seq, opened.plaintextBytes);
    }

    /**
     * The accept of a record verified earlier: the SA may have expired and the record may have been accepted (another
     * copy of it) since, so both are checked again, then the window moves ({@code reportAuthenticated} refuses a
     * sequence number another thread accepted in between).
     */
    static void acceptVerified(Opened opened) throws RecSecException {
        opened.sa.checkUsable();
        refuseReplay(opened.sa, opened.seq);
        accept(opened);
    }

    Opened open(CoapMessage outer, boolean request, byte[] bindingAad) throws RecSecException {
        return open(outer, request, bindingAad, false, null);
    }

    /**
     * With {@code verifyOnly}, stops before the AEAD where opening would have a side effect or cannot be done without
     * the exchange (a stateful cipher; a compact-profile response, whose binding is in the AAD) and returns an
     * {@code Opened} without a message. {@code answered} is the request a response is opened for (null otherwise):
     * an empty Record-Security option then means the SA is found by the request's route.
     */
    Opened open(CoapMessage outer, boolean request, byte[] bindingAad, boolean verifyOnly,
                        ProtectedRequest answered) throws RecSecException {
        long spi = -1;
        List<CoapOption> outerKept = new ArrayList<>();
        for (CoapOption o : outer.options()) {
            if (o.number() == OptionNumbers.RECORD_SECURITY) {
                if (spi >= 0 || o.length() > 4) {
                    throw malformed("Record-Security option repeated or longer than 4 bytes");
                }
                spi = o.uintValue();
                continue;
            }
            OptionClass cls = OptionClass.of(o.number());
            if (cls == OptionClass.E) {
                // Nothing but the sender's record may carry a Class E option.
                throw malformed("Class E option " + o.number() + " outside the record");
            }
            if (cls == OptionClass.U) {
                outerKept.add(o);
            }
        }
        if (spi < 0) {
            throw new RecSecException(RecSecException.Reason.UNPROTECTED, "no Record-Security option");
        }
        if (spi == 0 && answered != null) {
            Opened byRoute = openByRoute(outer, outerKept, answered, bindingAad);
            if (byRoute != null) {
                return byRoute;
            }
        }
        InboundSa sa = registry.inbound(spi);
        if (sa.cipher() instanceof CompactRecordCipher compact) {
            if (answered != null) {
                throw malformed("a compact-profile response names its SA by the request, not by SPI");
            }
            return openCompact(outer, outerKept, request, sa, compact, bindingAad, verifyOnly);
        }
        if (sa.cipher() instanceof Dtls12CidRecordCipher cid) {
            return openCid(outer, outerKept, request, sa, cid, verifyOnly);
        }
        RecordHeader header = InnerPlaintext.recordHeader(outer);
        if (header.contentType() != RecordProtector.CONTENT_TYPE_APPLICATION_DATA) {
            throw malformed("record content type " + header.contentType());
        }
        if (header.epoch() != sa.epoch()) {
            throw malformed("record epoch does not match the SA");
        }
        refuseReplay(sa, header.seq());
        if (verifyOnly && !sa.cipher().opensWithoutSideEffects()) {
            return new Opened(null, sa, ((long) header.epoch() << 48) | header.seq(), header.seq(), 0, false);
        }
        byte[] pt = InnerPlaintext.openRecord(outer, sa.cipher());
        CoapMessage inner = innerMessage(outer, pt, pt.length, outerKept, request, false);
        return new Opened(inner, sa, ((long) header.epoch() << 48) | header.seq(), header.seq(), pt.length, false);
    }

    /**
     * A compact-profile response: tries the compact inbound SAs from the request's peer, newest first, and returns
     * the first that authenticates the record; refuses, when none does, with the first reason other than AUTH_FAILED
     * (e.g. REPLAY from the SA that sealed it), else AUTH_FAILED. The candidates
     * are the route's live SAs, one or two (during a rollover), so a forged response costs at most that many opens.
     * Null when the route has no compact SA: the empty option is then an SPI of 0 like any other (a dtls12 SA may
     * be installed under it by hand).
     */
    private Opened openByRoute(CoapMessage outer, List<CoapOption> outerKept, ProtectedRequest answered,
                               byte[] bindingAad) throws RecSecException {
        RecSecException first = null;
        for (InboundSa sa : registry.inbound(answered.localId(), answered.peerId())) {
            if (sa.cipher() instanceof CompactRecordCipher compact) {
                try {
                    return openCompact(outer, outerKept, false, sa, compact, bindingAad, false);
                } catch (RecSecException e) {
                    // AUTH_FAILED is what every candidate but the sealing one says: any other reason tells more.
                    if (first == null || first.reason() == RecSecException.Reason.AUTH_FAILED) {
                        first = e;
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return null;
    }

    /** The compact profile's open: header and sequence number first, replay check, then the AEAD (RFC 9147 §4). */
    private static Opened openCompact(CoapMessage outer, List<CoapOption> outerKept, boolean request, InboundSa sa,
                                      CompactRecordCipher cipher, byte[] bindingAad, boolean verifyOnly)
            throws RecSecException {
        long highest = sa.highestAccepted();
        CompactRecordCipher.Header header = InnerPlaintext.compactHeader(outer, cipher, highest + 1);
        if (header.epochBits() != (sa.epoch() & 0x03)) {
            throw malformed("record epoch does not match the SA");
        }
        refuseReplay(sa, header.seq());
        if (verifyOnly && (!request || !cipher.opensWithoutSideEffects())) {
            return new Opened(null, sa, ((long) sa.epoch() << 48) | header.seq(), header.seq(), 0, true);
        }
        CompactRecordCipher.Opened opened = InnerPlaintext.openCompact(outer, cipher, header, bindingAad);
        if (opened.contentType() != RecordProtector.CONTENT_TYPE_APPLICATION_DATA) {
            throw malformed("record content type " + opened.contentType());
        }
        CoapMessage inner = innerMessage(outer, opened.plaintext(), opened.contentLength(), outerKept, request, true);
        return new Opened(inner, sa, ((long) sa.epoch() << 48) | header.seq(), header.seq(), opened.contentLength(),
                true);
    }

    /**
     * The dtls12-cid profile's open (RFC 9146 §4): header with the SA's CID, epoch and replay checks, then the AEAD
     * and the DTLSInnerPlaintext's real type, which must be application_data.
     */
    private static Opened openCid(CoapMessage outer, List<CoapOption> outerKept, boolean request, InboundSa sa,
                                  Dtls12CidRecordCipher cipher, boolean verifyOnly) throws RecSecException {
        Dtls12CidRecordCipher.Header header = InnerPlaintext.cidHeader(outer, cipher);
        if (header.epoch() != sa.epoch()) {
            throw malformed("record epoch does not match the SA");
        }
        refuseReplay(sa, header.seq());
        long word = ((long) header.epoch() << 48) | header.seq();
        if (verifyOnly && !cipher.opensWithoutSideEffects()) {
            return new Opened(null, sa, word, header.seq(), 0, false);
        }
        Dtls12CidRecordCipher.Opened opened = InnerPlaintext.openCid(outer, cipher);
        if (opened.contentType() != RecordProtector.CONTENT_TYPE_APPLICATION_DATA) {
            throw malformed("record content type " + opened.contentType());
        }
        CoapMessage inner = innerMessage(outer, opened.plaintext(), opened.contentLength(), outerKept, request, false);
        return new Opened(inner, sa, word, header.seq(), opened.contentLength(), false);
    }

    /** RFC 6347 §4.1.2.6: a record already accepted or left of the window is dropped before it is opened. */
    static void refuseReplay(InboundSa sa, long seq) throws RecSecException {
        if (sa.shouldDiscard(seq)) {
            throw new RecSecException(RecSecException.Reason.REPLAY, "sequence number already accepted or left of "
                    + "the window");
        }
    }

    /** Parses the authenticated plaintext {@code pt[0, ptLen)}; checks the outer code is the one protect chose. */
    private static CoapMessage innerMessage(CoapMessage outer, byte[] pt, int ptLen, List<CoapOption> outerKept,
                                            boolean request, boolean compact) throws RecSecException {
        InnerPlaintext.Decoded decoded = InnerPlaintext.decode(pt, 0, ptLen, outer, outerKept, compact);
        int code = decoded.message().code();
        boolean observe = decoded.innerObserve();
        int expectedOuter;
        if (request) {
            if (code == 0 || (code >>> 5) != 0) {
                throw malformed("inner code is not a request");
            }
            expectedOuter = observe ? RecordProtector.CODE_FETCH : RecordProtector.CODE_POST;
        } else {
            int cls = code >>> 5;
            if (cls < 2 || cls > 5) {
                throw malformed("inner code is not a response");
            }
            expectedOuter = observe ? RecordProtector.CODE_CONTENT : RecordProtector.CODE_CHANGED;
        }
        if (outer.code() != expectedOuter) {
            throw malformed("outer code " + CoapMessage.codeString(outer.code()) + " does not fit the inner message");
        }
        return decoded.message();
    }

    private static RecSecException malformed(String why) {
        return new RecSecException(RecSecException.Reason.MALFORMED, why);
    }
}

