package org.recsec.km.keyd;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.sad.SecurityAssociationDatabase;

/**
 * The key daemon: serves a {@link SecurityAssociationDatabase} on a UNIX domain socket speaking the binary PF_KEY
 * messages of {@link PfKeyMessage} (framing: {@link PfKeyFraming}). Each client is one PF_KEY session on its own
 * thread; REGISTERed clients get ACQUIRE and EXPIRE pushed through a bounded queue (a client that does not read is
 * disconnected, as PF_KEY drops with ENOBUFS, rather than stalling the SAD). A message that does not decode gets an
 * errno reply; a length field outside 16 bytes..64 KiB gets EMSGSIZE and the connection closed. The daemon stays up.
 *
 * <p><b>Socket mode 0600.</b> Java cannot set a umask, and a chmod after bind leaves a moment in which anyone could
 * connect. So the socket is bound inside a fresh directory of mode 0700 next to the target path, chmod-ed to 0600
 * there, and then atomically renamed to the target path: it never exists with a wider mode where others can reach
 * it.
 */
public final class KeyDaemon implements AutoCloseable {
    /** Messages queued for a client before it is dropped for not reading. */
    static final int PUSH_QUEUE = 1024;

    private final SecurityAssociationDatabase db;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final ScheduledExecutorService ticker;
    private final Set<ClientConnection> clients = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread acceptor;

    private KeyDaemon(SecurityAssociationDatabase db, Path socketPath, ServerSocketChannel server) {
        this.db = db;
        this.socketPath = socketPath;
        this.server = server;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "keyd-expire"));
        this.acceptor = daemonThread(this::acceptLoop, "keyd-accept");
    }

    /**
     * Binds {@code socketPath} (mode 0600) and starts serving {@code db}. A stale socket file nobody listens on is
     * replaced; a live one is refused.
     *
     * @throws IOException when the path is taken by a running daemon or another file, or binding fails
     */
    public static KeyDaemon start(Path socketPath, SecurityAssociationDatabase db) throws IOException {
        Path target = socketPath.toAbsolutePath();
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.readAttributes(target, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther()) {
                throw new IOException(target + " exists and is not a socket");
            }
            boolean live;
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(target))) {
                live = true;
            } catch (IOException notListening) {
                live = false;
            }
            if (live) {
                throw new IOException("a daemon is already listening on " + target);
            }
            Files.delete(target);
        }
        Path parent = target.getParent();
        Path tmpDir = Files.createTempDirectory(parent, ".keyd", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path tmpSock = tmpDir.resolve("s");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(tmpSock));
            Files.setPosixFilePermissions(tmpSock, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmpSock, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            server.close();
            throw e;
        } finally {
            Files.deleteIfExists(tmpSock);
            Files.deleteIfExists(tmpDir);
        }
        KeyDaemon d = new KeyDaemon(db, target, server);
        d.ticker.scheduleAtFixedRate(db::expireDue, 1, 1, TimeUnit.SECONDS);
        d.acceptor.start();
        return d;
    }

    /** The socket path served. */
    public Path socketPath() {
        return socketPath;
    }

    /** Number of connected clients. */
    public int clientCount() {
        return clients.size();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            ClientConnection c = new ClientConnection(ch, db, clients::remove);
            clients.add(c);
            c.start();
        }
    }

    /** Blocks until {@link #close()}. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /** Stops accepting, disconnects every client and removes the socket file. The SAD stays usable. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing a listening socket cannot fail in a way that matters here.
        }
        ticker.shutdownNow();
        for (ClientConnection c : new ArrayList<>(clients)) {
            c.close();
        }
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException ignored) {
            // The file may be gone already; a leftover socket file is replaced on the next start.
        }
        closed.countDown();
    }

    static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
