package org.recsec.km.keyd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.recsec.km.pfkey.PfKey;
import org.recsec.record.internal.wire.Bytes;

/**
 * Stream framing of PF_KEY messages on the daemon socket: a message is self-delimiting by its
 * {@code sadb_msg_len} (RFC 2367 §2.1, in 8-byte units). A reader takes the 16-byte header, checks the length (at
 * least a header, at most {@link PfKey#MAX_MESSAGE_BYTES}), then collects the rest; memory is allocated only as the
 * bytes arrive, never for what a header merely announces.
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

        /** The 16-byte base header that announced the bad length. */
        public byte[] header() {
            return header.clone();
        }
    }

    /**
     * An incremental reader: feed it the bytes of a stream in pieces of any size, take whole messages out. Holds at
     * most one partial message, whose buffer grows (doubling, from 256 bytes) with the bytes received, so a header
     * announcing 64 KiB costs nothing until the bytes come. Not thread-safe.
     */
    public static final class Reader {
        private static final int FIRST_CHUNK = 256;
        private final byte[] header = new byte[PfKey.BASE_HEADER_BYTES];
        private int headerFill;
        private int length;
        private byte[] body;
        private int fill;
        private BadLengthException failed;

        /**
         * Consumes {@code len} bytes and returns the messages they complete, in order (often none). Messages
         * completed before a bad header in the same bytes are returned; the bad header is then reported by {@link
         * #failure()} and thrown by every later call.
         *
         * @throws BadLengthException when a header announces a length out of range and no message came before it;
         *                            the reader is then unusable
         */
        public List<byte[]> feed(byte[] b, int off, int len) throws BadLengthException {
            if (off < 0 || len < 0 || off > b.length - len) {
                throw new IndexOutOfBoundsException();
            }
            if (failed != null) {
                throw failed;
            }
            List<byte[]> out = List.of();
            int end = off + len;
            while (off < end) {
                if (headerFill < header.length) {
                    int n = Math.min(header.length - headerFill, end - off);
                    System.arraycopy(b, off, header, headerFill, n);
                    headerFill += n;
                    off += n;
                    if (headerFill < header.length) {
                        break;
                    }
                    length = Bytes.readUint16Be(header, 4) * 8;
                    if (length < PfKey.BASE_HEADER_BYTES || length > PfKey.MAX_MESSAGE_BYTES) {
                        failed = new BadLengthException(header);
                        if (out.isEmpty()) {
                            throw failed;
                        }
                        return out;
                    }
                    body = new byte[Math.min(length, FIRST_CHUNK)];
                    System.arraycopy(header, 0, body, 0, header.length);
                    fill = header.length;
                } else {
                    int n = Math.min(length - fill, end - off);
                    if (fill + n > body.length) {
                        body = Arrays.copyOf(body, Math.min(length, Math.max(body.length * 2, fill + n)));
                    }
                    System.arraycopy(b, off, body, fill, n);
                    fill += n;
                    off += n;
                }
                if (headerFill == header.length && fill == length) {
                    if (out.isEmpty()) {
                        out = new ArrayList<>(2);
                    }
                    out.add(body);
                    body = null;
                    headerFill = 0;
                    fill = 0;
                    length = 0;
                }
            }
            return out;
        }

        /** Bytes still missing from the partial message (a header's worth before one began). */
        int remaining() {
            return headerFill < header.length ? header.length - headerFill : length - fill;
        }

        /** The bad header met so far, or null. */
        public BadLengthException failure() {
            return failed;
        }

        /** Whether a message has begun and not ended. */
        public boolean inMessage() {
            return headerFill > 0;
        }

        /** Bytes held for the partial message (header and body buffer). */
        public int bufferedBytes() {
            return header.length + (body == null ? 0 : body.length);
        }
    }

    /**
     * Reads one whole message from a blocking channel.
     *
     * @return the message bytes, or empty at a clean end of stream (between messages)
     * @throws BadLengthException when the length field is out of range (nothing more was read)
     * @throws EOFException       when the stream ends inside a message
     */
    public static Optional<byte[]> read(ReadableByteChannel ch) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(PfKey.BASE_HEADER_BYTES);
        if (!fill(ch, h, true)) {
            return Optional.empty();
        }
        Reader r = new Reader();
        List<byte[]> got = r.feed(h.array(), 0, h.capacity());
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        while (got.isEmpty()) {
            // Never read past this message: the next one belongs to the next call.
            chunk.clear().limit(Math.min(chunk.capacity(), r.remaining()));
            int n = ch.read(chunk);
            if (n < 0) {
                throw new EOFException("stream ended inside a PF_KEY message");
            }
            got = r.feed(chunk.array(), 0, n);
        }
        return Optional.of(got.get(0));
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
