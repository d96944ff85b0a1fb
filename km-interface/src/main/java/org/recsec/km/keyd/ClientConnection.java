package org.recsec.km.keyd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;

/**
 * One client of the key daemon, driven by the daemon's single I/O thread: bytes go through a {@link
 * PfKeyFraming.Reader} into the client's PF_KEY session, replies and pushes wait in an output queue until the socket
 * takes them. While replies are pending the client is not read from (backpressure, so one client holds at most one
 * request's replies); pushes from other threads beyond {@link KeyDaemon.Options#pushQueue()} drop the client, as
 * PF_KEY drops with ENOBUFS, rather than stall the SAD.
 */
final class ClientConnection {
    private final KeyDaemon daemon;
    private final SocketChannel ch;
    private final SelectionKey key;
    private final SadSession session;
    private final PfKeyFraming.Reader reader = new PfKeyFraming.Reader();
    /** Guarded by this: pushes arrive on SAD threads. */
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private int queuedPushes;
    private boolean overflowed;
    private volatile boolean open = true;
    /** I/O thread only. */
    private long lastProgressNanos;
    /** I/O thread only: an EMSGSIZE reply is queued, then the connection ends. */
    private boolean closeAfterFlush;

    ClientConnection(KeyDaemon daemon, SocketChannel ch, SelectionKey key, SecurityAssociationDatabase db,
                     long nowNanos) {
        this.daemon = daemon;
        this.ch = ch;
        this.key = key;
        this.lastProgressNanos = nowNanos;
        this.session = db.openSession(this::push);
    }

    /** Called by the SAD on any thread; never blocks. */
    private void push(byte[] message) {
        if (!open) {
            return;
        }
        synchronized (this) {
            if (queuedPushes >= daemon.options().pushQueue()) {
                overflowed = true;
            } else {
                queuedPushes++;
                out.add(ByteBuffer.wrap(message));
            }
        }
        daemon.wantWrite(this);
    }

    /** I/O thread: reads what is there and runs the complete messages. */
    void onReadable(ByteBuffer scratch, long nowNanos) throws IOException {
        scratch.clear();
        int n = ch.read(scratch);
        if (n < 0) {
            close();
            return;
        }
        if (n == 0) {
            return;
        }
        lastProgressNanos = nowNanos;
        List<byte[]> messages;
        try {
            messages = reader.feed(scratch.array(), 0, n);
        } catch (PfKeyFraming.BadLengthException e) {
            messages = List.of();
        }
        for (byte[] m : messages) {
            enqueueReplies(session.send(m));
        }
        PfKeyFraming.BadLengthException bad = reader.failure();
        if (bad != null) {
            byte[] h = bad.header();
            enqueueReplies(List.of(PfKeyMessage.errorReplyFor(h, 0, h.length, PfKey.EMSGSIZE).encode()));
            closeAfterFlush = true;
        }
        updateInterest();
    }

    private synchronized void enqueueReplies(List<byte[]> replies) {
        for (byte[] r : replies) {
            out.add(ByteBuffer.wrap(r));
        }
    }

    /** I/O thread: writes what the socket takes. */
    void onWritable() throws IOException {
        while (true) {
            ByteBuffer b;
            synchronized (this) {
                if (overflowed) {
                    close();
                    return;
                }
                b = out.peek();
            }
            if (b == null) {
                break;
            }
            ch.write(b);
            if (b.hasRemaining()) {
                break;
            }
            synchronized (this) {
                out.poll();
                if (queuedPushes > 0) {
                    queuedPushes--;
                }
            }
        }
        if (closeAfterFlush && !hasOutput()) {
            close();
            return;
        }
        updateInterest();
    }

    private synchronized boolean hasOutput() {
        return !out.isEmpty();
    }

    /** I/O thread: read when nothing waits to be written, write when something does. */
    void updateInterest() {
        if (!open || !key.isValid()) {
            return;
        }
        boolean pending;
        boolean drop;
        synchronized (this) {
            pending = !out.isEmpty();
            drop = overflowed;
        }
        if (drop) {
            // More pushes than the queue holds: the client does not read (PF_KEY's ENOBUFS).
            close();
            return;
        }
        key.interestOps(pending ? SelectionKey.OP_WRITE : closeAfterFlush ? 0 : SelectionKey.OP_READ);
    }

    /** I/O thread: whether a message has been begun and not finished for longer than the read timeout. */
    boolean stalled(long nowNanos, long timeoutNanos) {
        return reader.inMessage() && nowNanos - lastProgressNanos > timeoutNanos;
    }

    int bufferedBytes() {
        return reader.bufferedBytes();
    }

    boolean isOpen() {
        return open;
    }

    void close() {
        if (!open) {
            return;
        }
        open = false;
        session.close();
        synchronized (this) {
            out.clear();
        }
        key.cancel();
        try {
            ch.close();
        } catch (IOException ignored) {
            // Already closed by the peer.
        }
        daemon.closed(this);
    }
}
