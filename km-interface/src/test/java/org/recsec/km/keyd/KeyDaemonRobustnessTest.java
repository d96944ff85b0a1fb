package org.recsec.km.keyd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.sad.SecurityAssociationDatabase;

/**
 * Issue 12 item 3: keyd keeps serving after an Error in its loop, its threads do not grow with clients, it serves
 * a bounded number of clients, a half-sent message times out, and a header announcing 64 KiB costs nothing until
 * the bytes come.
 */
class KeyDaemonRobustnessTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private KeyDaemon daemon(Path dir, KeyDaemon.Options o) throws IOException {
        SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(Clock.systemUTC(), new Random(1))
                .everyIdentityLocal().build();
        KeyDaemon d = KeyDaemon.start(dir.resolve("keyd.sock"), db, o);
        open.add(d);
        return d;
    }

    private SocketChannel connect(KeyDaemon d) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(d.socketPath()));
        open.add(ch);
        return ch;
    }

    private static PfKeyMessage register(SocketChannel ch) throws Exception {
        PfKeyFraming.write(ch, PfKeyRequests.register(7, 0).encode());
        return PfKeyMessage.decode(PfKeyFraming.read(ch).orElseThrow());
    }

    /** Whether the daemon closed the connection: end of stream, or a reset because our request was unread. */
    private static boolean closedByDaemon(SocketChannel ch) {
        try {
            PfKeyFraming.write(ch, PfKeyRequests.register(1, 0).encode());
            return PfKeyFraming.read(ch).isEmpty();
        } catch (IOException e) {
            return true;
        }
    }

    private static long keydThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("keyd")).count();
    }

    @Test
    void anErrorInTheAcceptPathIsSurvivedAndLaterClientsAreServed(@TempDir Path dir) throws Exception {
        KeyDaemon d = daemon(dir, KeyDaemon.Options.DEFAULTS);
        AtomicBoolean once = new AtomicBoolean(true);
        d.fault = () -> {
            if (once.getAndSet(false)) {
                throw new OutOfMemoryError("unable to create native thread (test)");
            }
        };
        SocketChannel first = connect(d);
        // The first accept failed; the next one serves both clients (the first is still in the backlog).
        SocketChannel second = connect(d);
        assertEquals(0, register(second).errno());
        assertEquals(0, register(first).errno());
        assertTrue(d.loopErrors() >= 1);
    }

    @Test
    void threadsDoNotGrowWithClientsAndClientsAreBounded(@TempDir Path dir) throws Exception {
        long before = keydThreads();
        KeyDaemon d = daemon(dir, new KeyDaemon.Options(8, Duration.ofSeconds(30), 16));
        List<SocketChannel> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            SocketChannel c = connect(d);
            assertEquals(0, register(c).errno());
            clients.add(c);
        }
        assertEquals(2, keydThreads() - before, "one I/O thread and one ticker for 8 clients");
        SocketChannel ninth = connect(d);
        assertTrue(closedByDaemon(ninth), "the ninth client is closed");
        assertEquals(1, d.refusedConnections());
        // The first eight are still served.
        for (SocketChannel c : clients) {
            assertEquals(0, register(c).errno());
        }
        clients.get(0).close();
        while (d.clientCount() > 7) {
            Thread.onSpinWait();
        }
        assertEquals(0, register(connect(d)).errno(), "a freed place is taken again");
    }

    @Test
    void aHalfSentMessageTimesOutAndAnAnnouncedLengthCostsNothingUntilItArrives(@TempDir Path dir)
            throws Exception {
        KeyDaemon d = daemon(dir, new KeyDaemon.Options(64, Duration.ofMillis(300), 16));
        byte[] header = PfKeyRequests.register(1, 0).encode();
        header[4] = (byte) 0x1f;
        header[5] = (byte) 0xff; // announces 65528 bytes
        List<SocketChannel> slow = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            SocketChannel c = connect(d);
            c.write(ByteBuffer.wrap(header, 0, 16));
            slow.add(c);
        }
        SocketChannel good = connect(d);
        assertEquals(0, register(good).errno(), "served while 32 clients hold half-sent messages");
        assertTrue(d.bufferedBytes() <= 64 * (16 + 256), "buffers hold what arrived, not what was announced: "
                + d.bufferedBytes());
        for (SocketChannel c : slow) {
            int n;
            try {
                n = c.read(ByteBuffer.allocate(16));
            } catch (IOException reset) {
                n = -1;
            }
            assertEquals(-1, n, "a half-sent message is dropped after the read timeout");
        }
        assertEquals(0, register(good).errno(), "a client that sent whole messages stays");
        assertEquals(PfKey.SADB_REGISTER, register(good).type());
    }
}
