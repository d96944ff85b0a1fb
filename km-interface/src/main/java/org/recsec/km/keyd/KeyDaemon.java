package org.recsec.km.keyd;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.sad.SecurityAssociationDatabase;

/**
 * The key daemon: serves a {@link SecurityAssociationDatabase} on a UNIX domain socket speaking the binary PF_KEY
 * messages of {@link PfKeyMessage} (framing: {@link PfKeyFraming}). An application that uses record-sec can run one
 * on its own SAD, so that {@code recsec setkey} and KMPs in other processes install the SAs it uses and receive its
 * ACQUIREs; {@code recsec keyd} runs one as a standalone store.
 *
 * <p><b>Cannot be knocked over.</b> One I/O thread serves every client through a selector, and one ticker thread
 * applies lifetimes each second: the thread count does not grow with clients. At most {@link Options#maxClients()}
 * clients are served; more are accepted and closed at once. A message begun and not finished within {@link
 * Options#readTimeout()} closes its connection; a partial message costs only the bytes received. A length field
 * outside 16 bytes..64 KiB gets EMSGSIZE and the connection closed; a message that does not decode gets an errno
 * reply. REGISTERed clients get ACQUIRE and EXPIRE pushed through a bounded queue (a client that does not read is
 * disconnected, as PF_KEY drops with ENOBUFS). Both loops survive any {@link Throwable}, OutOfMemoryError included:
 * it is logged (System.Logger {@code org.recsec.km.keyd}), the connection concerned is closed and the loop goes on.
 *
 * <p><b>Socket mode 0600.</b> Java cannot set a umask, and a chmod after bind leaves a moment in which anyone could
 * connect. So the socket is bound inside a fresh directory of mode 0700 next to the target path, chmod-ed to 0600
 * there, and then atomically renamed to the target path: it never exists with a wider mode where others can reach
 * it.
 */
public final class KeyDaemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.recsec.km.keyd");
    private static final long SELECT_MILLIS = 250;

    /**
     * Limits of a daemon.
     *
     * @param maxClients  clients served at once; more are closed on accept
     * @param readTimeout how long a begun message may take to arrive in full
     * @param pushQueue   messages queued for a client before it is dropped for not reading
     */
    public record Options(int maxClients, Duration readTimeout, int pushQueue) {
        /** 256 clients, 10 s, 1024 messages. */
        public static final Options DEFAULTS = new Options(256, Duration.ofSeconds(10), 1024);

        /** Checks the limits. */
        public Options {
            if (maxClients < 1 || pushQueue < 1 || readTimeout.isNegative() || readTimeout.isZero()) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }
    }

    /** Test seam: runs on the I/O thread before each accept; may throw anything. */
    interface Fault {
        void beforeAccept();
    }

    private final SecurityAssociationDatabase db;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Options options;
    private final ScheduledExecutorService ticker;
    private final Set<ClientConnection> clients = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<ClientConnection> writers = new ConcurrentLinkedQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicLong loopErrors = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Thread io;
    private volatile boolean running = true;
    volatile Fault fault;

    private KeyDaemon(SecurityAssociationDatabase db, Path socketPath, ServerSocketChannel server, Options options)
            throws IOException {
        this.db = db;
        this.socketPath = socketPath;
        this.server = server;
        this.options = options;
        this.selector = Selector.open();
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "keyd-expire"));
        this.io = daemonThread(this::ioLoop, "keyd-io");
    }

    /** {@link #start(Path, SecurityAssociationDatabase, Options)} with {@link Options#DEFAULTS}. */
    public static KeyDaemon start(Path socketPath, SecurityAssociationDatabase db) throws IOException {
        return start(socketPath, db, Options.DEFAULTS);
    }

    /**
     * Binds {@code socketPath} (mode 0600) and starts serving {@code db}. A stale socket file nobody listens on is
     * replaced; a live one is refused.
     *
     * @throws IOException when the path is taken by a running daemon or another file, or binding fails
     */
    public static KeyDaemon start(Path socketPath, SecurityAssociationDatabase db, Options options)
            throws IOException {
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
        KeyDaemon d;
        try {
            d = new KeyDaemon(db, target, server, options);
        } catch (IOException e) {
            server.close();
            Files.deleteIfExists(target);
            throw e;
        }
        d.ticker.scheduleAtFixedRate(d::tick, 1, 1, TimeUnit.SECONDS);
        d.io.start();
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

    /** Connections closed on accept because {@link Options#maxClients()} were connected. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Throwables the loops caught, logged and survived. */
    public long loopErrors() {
        return loopErrors.get();
    }

    Options options() {
        return options;
    }

    /** Bytes held for partial messages over all clients. */
    int bufferedBytes() {
        int n = 0;
        for (ClientConnection c : clients) {
            n += c.bufferedBytes();
        }
        return n;
    }

    private void tick() {
        try {
            db.expireDue();
        } catch (Throwable t) {
            survived("lifetime sweep", t);
        }
    }

    private void ioLoop() {
        ByteBuffer scratch = ByteBuffer.allocate(8192);
        long timeoutNanos = options.readTimeout().toNanos();
        while (running) {
            try {
                selector.select(SELECT_MILLIS);
                long now = System.nanoTime();
                for (SelectionKey k : selector.selectedKeys()) {
                    ClientConnection c = k.attachment() instanceof ClientConnection cc ? cc : null;
                    try {
                        if (!k.isValid()) {
                            continue;
                        }
                        if (k.isAcceptable()) {
                            acceptAll(now);
                        } else {
                            if (k.isWritable()) {
                                c.onWritable();
                            }
                            if (k.isValid() && k.isReadable()) {
                                c.onReadable(scratch, now);
                            }
                        }
                    } catch (Throwable t) {
                        if (c != null) {
                            if (!(t instanceof IOException)) {
                                survived("client", t);
                            }
                            c.close();
                        } else {
                            survived("accept", t);
                        }
                    }
                }
                selector.selectedKeys().clear();
                for (ClientConnection c; (c = writers.poll()) != null; ) {
                    c.updateInterest();
                }
                for (ClientConnection c : clients) {
                    if (c.stalled(now, timeoutNanos)) {
                        c.close();
                    }
                }
            } catch (ClosedSelectorException e) {
                return;
            } catch (Throwable t) {
                survived("I/O loop", t);
            }
        }
    }

    private void acceptAll(long now) throws IOException {
        while (true) {
            Fault f = fault;
            if (f != null) {
                f.beforeAccept();
            }
            SocketChannel ch = server.accept();
            if (ch == null) {
                return;
            }
            if (clients.size() >= options.maxClients()) {
                refused.incrementAndGet();
                ch.close();
                continue;
            }
            try {
                ch.configureBlocking(false);
                SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
                ClientConnection c = new ClientConnection(this, ch, key, db, now);
                key.attach(c);
                clients.add(c);
            } catch (Throwable t) {
                ch.close();
                throw t;
            }
        }
    }

    private void survived(String where, Throwable t) {
        long n = loopErrors.incrementAndGet();
        try {
            LOG.log(System.Logger.Level.ERROR, "keyd " + where + " failed (" + n + " so far), serving on: " + t, t);
        } catch (Throwable ignored) {
            // Logging itself failed (e.g. out of memory): the loop goes on all the same.
        }
    }

    /** From any thread: the client has output to write. */
    void wantWrite(ClientConnection c) {
        writers.add(c);
        selector.wakeup();
    }

    void closed(ClientConnection c) {
        clients.remove(c);
    }

    /** Blocks until {@link #close()}. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /**
     * Stops accepting, disconnects every client, waits for the daemon's threads to end and removes the socket file.
     * The SAD stays usable.
     */
    @Override
    public void close() {
        running = false;
        ticker.shutdownNow();
        selector.wakeup();
        try {
            io.join();
            // no thread of this daemon outlives close(): a caller counting threads, or stopping a JVM, sees it gone
            ticker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ClientConnection c : new ArrayList<>(clients)) {
            c.close();
        }
        try {
            server.close();
            selector.close();
        } catch (IOException ignored) {
            // Closing cannot fail in a way that matters here.
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
