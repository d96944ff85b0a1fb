package org.recsec.km.keyd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import org.recsec.km.pfkey.PfKey;
import org.recsec.record.internal.Bytes;

/**
 * Stream framing of PF_KEY messages on the daemon socket: a message is self-delimiting by its
 * {@code sadb_msg_len}. A reader takes the 16-byte header, checks the length (at least a header, at most
 * {@link PfKey#MAX_MESSAGE_BYTES}) before allocating, then reads the rest.
 */
public final class PfKeyFraming {
    private PfKeyFraming() {
    }

    /** Thrown when a header announces a length outside 16..64 KiB; carries the header for the errno reply. */
    public static final class BadLengthException extends IOException {
        private static final long serialVersionUID = 1L;
        private final byte[] header;

        BadLengthException(byte[] header) {
            super("PF_KEY message length out of range");
            this.header = header.clone();
        }

        public byte[] header() {
            return header.clone();
        }
    }

    /**
     * Reads one whole message.
     *
     * @return the message bytes, or {@code null} at a clean end of stream (between messages)
     * @throws BadLengthException when the length field is out of range (nothing more was read)
     * @throws EOFException       when the stream ends inside a message
     */
    public static byte[] read(ReadableByteChannel ch) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(PfKey.BASE_HEADER_BYTES);
        if (!fill(ch, h, true)) {
            return null;
        }
        byte[] header = h.array();
        int len = Bytes.readUint16Be(header, 4) * 8;
        if (len < PfKey.BASE_HEADER_BYTES || len > PfKey.MAX_MESSAGE_BYTES) {
            throw new BadLengthException(header);
        }
        ByteBuffer m = ByteBuffer.allocate(len);
        m.put(header);
        fill(ch, m, false);
        return m.array();
    }

    private static boolean fill(ReadableByteChannel ch, ByteBuffer b, boolean eofAllowedAtStart) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b);
            if (n < 0) {
                if (eofAllowedAtStart && b.position() == 0) {
                    return false;
                }
                throw new EOFException("stream ended inside a PF_KEY message");
            }
        }
        return true;
    }

    /** Writes a whole message. */
    public static void write(WritableByteChannel ch, byte[] message) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(message);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
