package org.recsec.km.keyd;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;

/** One client of the key daemon: a reader thread running its PF_KEY session and a writer thread for pushes. */
final class ClientConnection {
    private final SocketChannel ch;
    private final SadSession session;
    private final Consumer<ClientConnection> onClose;
    private final BlockingQueue<byte[]> pushes = new ArrayBlockingQueue<>(KeyDaemon.PUSH_QUEUE);
    private final Object writeLock = new Object();
    private volatile boolean open = true;
    private final Thread reader;
    private final Thread writer;

    ClientConnection(SocketChannel ch, SecurityAssociationDatabase db, Consumer<ClientConnection> onClose) {
        this.ch = ch;
        this.onClose = onClose;
        this.session = db.openSession(this::push);
        this.reader = KeyDaemon.daemonThread(this::readLoop, "keyd-client-read");
        this.writer = KeyDaemon.daemonThread(this::writeLoop, "keyd-client-write");
    }

    void start() {
        reader.start();
        writer.start();
    }

    private void push(byte[] message) {
        if (open && !pushes.offer(message)) {
            // The client does not read: drop it rather than block the SAD (PF_KEY's ENOBUFS).
            close();
        }
    }

    private void readLoop() {
        try {
            while (open) {
                byte[] m;
                try {
                    m = PfKeyFraming.read(ch);
                } catch (PfKeyFraming.BadLengthException e) {
                    byte[] h = e.header();
                    send(List.of(PfKeyMessage.errorReplyFor(h, 0, h.length, PfKey.EMSGSIZE).encode()));
                    return;
                }
                if (m == null) {
                    return;
                }
                send(session.send(m));
            }
        } catch (IOException e) {
            // The client went away or sent a truncated message: end this connection only.
        } finally {
            close();
        }
    }

    private void writeLoop() {
        try {
            while (open) {
                byte[] m = pushes.take();
                if (m.length == 0) {
                    return;
                }
                send(List.of(m));
            }
        } catch (InterruptedException | IOException e) {
            // Closing: nothing more to write.
        } finally {
            close();
        }
    }

    private void send(List<byte[]> messages) throws IOException {
        synchronized (writeLock) {
            for (byte[] m : messages) {
                PfKeyFraming.write(ch, m);
            }
        }
    }

    void close() {
        if (!open) {
            return;
        }
        open = false;
        session.close();
        pushes.clear();
        pushes.offer(new byte[0]); // wakes the writer
        try {
            ch.close();
        } catch (IOException ignored) {
            // Already closed by the peer.
        }
        onClose.accept(this);
    }
}
