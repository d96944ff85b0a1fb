package org.recsec.kmp.iose;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The client-facing server of an Internet of Secure Elements (draft-urien-coinrg-iose §1, §3, split mode): one TCP
 * port, N secure elements. It reads the SNI of each ClientHello ({@link ClientHelloSni}, RFC 6066 §3), and shuttles
 * that connection's TLS records to the SE whose SEN matches, over its APDU link ({@link IoseCard}); it never holds
 * a key or sees plaintext. The SENs come from the cards themselves (READ-SEN), not from configuration.
 *
 * <p>Refusals, each a plaintext fatal alert then close: a malformed first record or ClientHello (decode_error,
 * illegal_parameter, unexpected_message, missing_extension), an unknown SEN (unrecognized_name), an SE that is
 * still in a session after the record timeout (internal_error: one session at a time, §8.5; a second connection
 * waits that long for the first to end, since its client may have closed it a moment ago, then is refused).
 * A record larger than the SE's buffer closes the connection. Memory per connection is bounded by one record
 * ({@link IoseCard#MAX_INPUT}); a record must arrive within the record timeout once started (and the ClientHello
 * within it from the connection), the next record within the idle timeout; the number of connections is bounded.
 */
public final class IoseGrid implements AutoCloseable {

    /**
     * Limits of the grid.
     *
     * @param recordTimeout time allowed for the ClientHello from the connection, and for any record once its first
     *     byte has come
     * @param idleTimeout time allowed between records of an established connection
     * @param maxConnections connections handled at once; more are closed at accept
     */
    public record Config(Duration recordTimeout, Duration idleTimeout, int maxConnections) {
        /** 10 s per record, 120 s idle, 32 connections. */
        public static Config defaults() {
            return new Config(Duration.ofSeconds(10), Duration.ofSeconds(120), 32);
        }
    }

    /** Counters since start. */
    public static final class Stats {
        /** Connections accepted. */
        public final AtomicLong accepted = new AtomicLong();
        /** Connections routed to an SE. */
        public final AtomicLong routed = new AtomicLong();
        /** Connections refused for an unknown SEN. */
        public final AtomicLong unknownName = new AtomicLong();
        /** Connections refused because the SE was in a session. */
        public final AtomicLong busy = new AtomicLong();
        /** Connections refused for a malformed first record. */
        public final AtomicLong malformed = new AtomicLong();
        /** Connections closed on a timeout. */
        public final AtomicLong timeouts = new AtomicLong();
        /** Connections closed over the connection limit. */
        public final AtomicLong overLimit = new AtomicLong();
    }

    private static final System.Logger LOG = System.getLogger(IoseGrid.class.getName());
    private final Map<String, GridSlot> slots = new LinkedHashMap<>();
    private final Config config;
    private final LongSupplier nanoTime;
    private final Stats stats = new Stats();
    private final Semaphore permits;
    private final Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ExecutorService pool;
    private ServerSocket server;
    private Thread acceptor;
    private volatile boolean closed;

    /**
     * Reads each card's SEN (READ-SEN) and builds the routing table. Where the link reports an ATR whose historical
     * bytes carry a SEN ({@code org.recsec.se.host.Atr}, ISO/IEC 7816-3 §8.2), it must be the same name: a card
     * whose ATR and READ-SEN disagree, or whose ATR is malformed, is refused.
     *
     * @param cards the secure elements (personalised)
     * @param config limits
     * @param nanoTime monotonic clock for the record deadlines (System::nanoTime in production)
     * @throws IOException when a card does not answer READ-SEN, its ATR is malformed or names another SEN, or two
     *     cards have the same SEN
     */
    public IoseGrid(List<IoseCard> cards, Config config, LongSupplier nanoTime) throws IOException {
        this.config = config;
        this.nanoTime = nanoTime;
        for (IoseCard c : cards) {
            String sen = ClientHelloSniNames.normalise(c.readSen());
            java.util.Optional<String> inAtr = c.atrSen();
            if (inAtr.isPresent() && !inAtr.get().equalsIgnoreCase(sen)) {
                throw new IOException("card " + c.link().describe() + " refused: its ATR names it " + inAtr.get()
                        + " but READ-SEN answers " + sen);
            }
            if (slots.putIfAbsent(sen, new GridSlot(c)) != null) {
                throw new IOException("two secure elements named " + sen);
            }
        }
        permits = new Semaphore(config.maxConnections());
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "iose-grid-connection");
            t.setDaemon(true);
            return t;
        });
    }

    /** The SENs served, as read from the cards. */
    public Set<String> names() {
        return Collections.unmodifiableSet(slots.keySet());
    }

    /** The card named {@code sen} (ASCII case ignored), or null. */
    IoseCard card(String sen) {
        GridSlot s = slots.get(sen.toLowerCase(java.util.Locale.ROOT));
        return s == null ? null : s.card;
    }

    /** Whether the SE named {@code sen} is in a session (its connection, or the RESET after it, not yet done). */
    boolean inSession(String sen) {
        GridSlot s = slots.get(sen.toLowerCase(java.util.Locale.ROOT));
        return s.busy();
    }

    /**
     * The SE-resident record ciphers of this grid's cards, for the grid host's SAD
     * ({@code SecurityAssociationDatabase.Builder.seCipherProvider}): resolves the handles
     * {@link IoseRecordSa#installOnCard} installs to the card of that SEN.
     */
    public org.recsec.km.sad.SeCipherProvider recordCiphers() {
        return IoseRecordSa.provider(this::card);
    }

    /** Counters. */
    public Stats stats() {
        return stats;
    }

    /**
     * Binds and starts accepting.
     *
     * @param address the address to bind
     * @param port the port, 0 for any free one
     * @return the bound port
     */
    public synchronized int start(InetAddress address, int port) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(address, port), 64);
        acceptor = new Thread(this::acceptLoop, "iose-grid-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            stats.accepted.incrementAndGet();
            if (!permits.tryAcquire()) {
                stats.overLimit.incrementAndGet();
                closeQuietly(s);
                continue;
            }
            open.add(s);
            pool.execute(() -> {
                try {
                    handle(s);
                } finally {
                    closeQuietly(s);
                    open.remove(s);
                    permits.release();
                }
            });
        }
    }

    private void handle(Socket s) {
        GridSlot slot = null;
        try {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] hello;
            try {
                hello = readRecord(in, config.recordTimeout(), s);
            } catch (TlsAlertException e) {
                stats.malformed.incrementAndGet();
                alert(out, e.alert());
                return;
            }
            if (hello == null) {
                return;
            }
            String sen;
            try {
                sen = ClientHelloSni.serverName(hello);
            } catch (TlsAlertException e) {
                stats.malformed.incrementAndGet();
                alert(out, e.alert());
                return;
            }
            GridSlot candidate = slots.get(sen);
            if (candidate == null) {
                stats.unknownName.incrementAndGet();
                alert(out, TlsAlertException.UNRECOGNIZED_NAME);
                return;
            }
            boolean acquired;
            try {
                acquired = candidate.acquire(config.recordTimeout().toNanos(), nanoTime);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!acquired) {
                stats.busy.incrementAndGet();
                alert(out, TlsAlertException.INTERNAL_ERROR);
                return;
            }
            slot = candidate;
            stats.routed.incrementAndGet();
            slot.card.reset();
            IoseCard.Answer a = slot.card.exchange(hello);
            out.write(a.records());
            out.flush();
            while (!a.closed()) {
                byte[] rec;
                try {
                    rec = readRecord(in, config.idleTimeout(), s);
                } catch (TlsAlertException e) {
                    return; // larger than the SE's buffer: the grid cannot encrypt an alert, it closes
                }
                if (rec == null) {
                    return;
                }
                a = slot.card.exchange(rec);
                out.write(a.records());
                out.flush();
            }
        } catch (SocketTimeoutException e) {
            stats.timeouts.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            // connection or card failure: the connection ends, the SE is reset below
            LOG.log(System.Logger.Level.INFO, "connection ended: {0}", e.toString());
        } finally {
            if (slot != null) {
                try {
                    slot.card.reset();
                } catch (IOException e) {
                    // the card will be reset by the next connection
                }
                slot.release();
            }
        }
    }

    /**
     * Reads one TLS record (RFC 8446 §5.1): the first byte within {@code firstByte}, the rest within the record
     * timeout. Null at a clean end of stream before the first byte.
     *
     * @throws TlsAlertException record_overflow when the record is larger than the SE takes
     */
    private byte[] readRecord(InputStream in, Duration firstByte, Socket s) throws IOException, TlsAlertException {
        byte[] h = new byte[5];
        s.setSoTimeout(millis(firstByte));
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        h[0] = (byte) b0;
        long deadline = nanoTime.getAsLong() + config.recordTimeout().toNanos();
        readFully(in, h, 1, 4, deadline, s);
        int len = ((h[3] & 0xFF) << 8) | (h[4] & 0xFF);
        if (len + 5 > IoseCard.MAX_INPUT) {
            throw new TlsAlertException(TlsAlertException.RECORD_OVERFLOW, "record of " + len + " bytes");
        }
        byte[] r = new byte[5 + len];
        System.arraycopy(h, 0, r, 0, 5);
        readFully(in, r, 5, len, deadline, s);
        return r;
    }

    private void readFully(InputStream in, byte[] b, int off, int len, long deadline, Socket s) throws IOException {
        int p = off;
        while (p < off + len) {
            long left = deadline - nanoTime.getAsLong();
            if (left <= 0) {
                throw new SocketTimeoutException("record not complete in time");
            }
            s.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            int n = in.read(b, p, off + len - p);
            if (n < 0) {
                throw new EOFException("connection closed inside a record");
            }
            p += n;
        }
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    private static void alert(OutputStream out, int description) throws IOException {
        out.write(new byte[] {21, 3, 3, 0, 2, 2, (byte) description});
        out.flush();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    /**
     * Stops accepting, closes the server socket and every connection, waits for their threads to end, then closes
     * every card's link (a PC/SC reader's connection is released: another process may then connect to it).
     */
    @Override
    public void close() {
        closed = true;
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        pool.shutdownNow();
        for (Socket s : open) {
            closeQuietly(s);
        }
        try {
            if (acceptor != null) {
                acceptor.join();
            }
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeLinks(slots.values().stream().map(sl -> sl.card).toList());
    }

    /** Closes the links of {@code cards} (a grid that could not be built releases its readers with this too). */
    static void closeLinks(List<IoseCard> cards) {
        for (IoseCard c : cards) {
            c.link().close();
        }
    }
}
