package org.recsec.kmp.eap.tls;

import java.io.ByteArrayOutputStream;
import org.recsec.kmp.eap.EapException;

/**
 * EAP-TLS fragmentation both ways (RFC 5216 §2.1.5): outgoing TLS data cut into fragments, the first with L and
 * the total length, all but the last with M; incoming fragments gathered until one arrives without M. Bounded:
 * a message longer than {@link #MAX_MESSAGE_BYTES} is refused before anything is buffered.
 */
final class Fragments {
    /** Largest TLS message (one flight) accepted: certificate chains fit with room to spare. */
    static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private final int fragmentBytes;
    private byte[] out = new byte[0];
    private int outPos;
    private ByteArrayOutputStream in;
    private long inExpected = -1;

    Fragments(int fragmentBytes) {
        if (fragmentBytes < 64 || fragmentBytes > 4000) {
            throw new IllegalArgumentException("fragment size must be 64..4000");
        }
        this.fragmentBytes = fragmentBytes;
    }

    /** Queues one flight of TLS records for sending. */
    void send(byte[] tls) {
        if (hasOutput()) {
            throw new IllegalStateException("previous flight not sent yet");
        }
        out = tls;
        outPos = 0;
    }

    boolean hasOutput() {
        return outPos < out.length;
    }

    /** The next fragment of the queued flight; L and the total on the first fragment of a flight that needs M. */
    EapTlsFrame nextFragment() {
        int remaining = out.length - outPos;
        int n = Math.min(remaining, fragmentBytes);
        byte[] data = new byte[n];
        System.arraycopy(out, outPos, data, 0, n);
        boolean first = outPos == 0;
        outPos += n;
        boolean more = outPos < out.length;
        int flags = (more ? EapTlsFrame.FLAG_M : 0) | (first && more ? EapTlsFrame.FLAG_L : 0);
        return new EapTlsFrame(flags, first && more ? out.length : -1, data);
    }

    boolean receiving() {
        return in != null;
    }

    /**
     * Adds an incoming fragment. Returns the whole message when {@code frame} ends it, or null when more
     * fragments follow (the caller acknowledges). A refused fragment leaves the state as it was.
     *
     * @throws EapException {@code TOO_LARGE} above {@link #MAX_MESSAGE_BYTES}; {@code MALFORMED} when the
     *                      fragments add up to more than the announced length, or a last fragment leaves it short
     */
    byte[] receive(EapTlsFrame frame) throws EapException {
        if (in == null) {
            long announced = frame.lengthIncluded() ? frame.messageLength() : frame.data().length;
            if (announced > MAX_MESSAGE_BYTES) {
                throw new EapException(EapException.Reason.TOO_LARGE, "EAP-TLS message too long");
            }
            if (announced < frame.data().length) {
                throw new EapException(EapException.Reason.MALFORMED, "EAP-TLS fragment above its TLS length");
            }
            if (!frame.moreFragments()) {
                if (frame.lengthIncluded() && announced != frame.data().length) {
                    throw new EapException(EapException.Reason.MALFORMED, "EAP-TLS length mismatch");
                }
                return frame.data();
            }
            if (frame.data().length == 0) {
                throw new EapException(EapException.Reason.MALFORMED, "empty EAP-TLS fragment with M");
            }
            in = new ByteArrayOutputStream();
            inExpected = frame.lengthIncluded() ? announced : -1;
            in.writeBytes(frame.data());
            return null;
        }
        long total = (long) in.size() + frame.data().length;
        long limit = inExpected >= 0 ? inExpected : MAX_MESSAGE_BYTES;
        if (total > limit) {
            throw new EapException(inExpected >= 0 ? EapException.Reason.MALFORMED : EapException.Reason.TOO_LARGE,
                    "EAP-TLS fragments exceed the message length");
        }
        if (frame.moreFragments() && frame.data().length == 0) {
            throw new EapException(EapException.Reason.MALFORMED, "empty EAP-TLS fragment with M");
        }
        if (!frame.moreFragments() && inExpected >= 0 && total != inExpected) {
            throw new EapException(EapException.Reason.MALFORMED, "EAP-TLS fragments short of the message length");
        }
        in.writeBytes(frame.data());
        if (frame.moreFragments()) {
            return null;
        }
        byte[] whole = in.toByteArray();
        reset();
        return whole;
    }

    private void reset() {
        in = null;
        inExpected = -1;
    }
}
