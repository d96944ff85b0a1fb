package org.recsec.kmp.iose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile clients at the grid: malformed first records and ClientHellos get their alert, a silent or slow client is
 * timed out, a second session to a busy SE is refused with internal_error, an oversized record closes the
 * connection; the SE serves the next client normally afterwards.
 */
class GridHostileTest {
    static IoseGrid grid;
    static int port;

    /**
     * The grid's default 10 s for a record and for the ClientHello from the connection (also the grace a second
     * session waits for a busy SE); 60 s between records, so that a cold JVM's handshake is not cut. The ClientHello
     * time covers the client's work between its TCP connect and its first flight (Bouncy Castle draws its ffdhe2048
     * key share there): on a loaded machine that took over 2 s, the grid dropped the connection, and BC reported
     * the end of stream inside the handshake as a local handshake_failure.
     */
    static final Duration RECORD_TIMEOUT = IoseGrid.Config.defaults().recordTimeout();

    @BeforeAll
    static void start() throws Exception {
        grid = new IoseGrid(List.of(TestSes.card("hostile-se")),
                new IoseGrid.Config(RECORD_TIMEOUT, Duration.ofSeconds(60), 8), System::nanoTime);
        port = grid.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterAll
    static void stop() {
        grid.close();
    }

    /** Sends bytes, then reads until the grid closes; returns what came. */
    static byte[] exchange(byte[] send) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream o = s.getOutputStream();
            o.write(send);
            o.flush();
            return s.getInputStream().readAllBytes();
        }
    }

    static byte[] alert(int d) {
        return new byte[] {21, 3, 3, 0, 2, 2, (byte) d};
    }

    static IoseClient open() throws Exception {
        return open(new SecureRandom());
    }

    static IoseClient open(SecureRandom random) throws Exception {
        return IoseClient.connect("127.0.0.1", port, "hostile-se",
                TestSes.IDENTITY.getBytes(StandardCharsets.US_ASCII), TestSes.PSK, "shell", random,
                Duration.ofSeconds(30));
    }

    /** A client randomness whose first draw (the ClientHello's, after the TCP connect) is late by {@code delay}. */
    static SecureRandom lateFirstDraw(Duration delay) {
        return new SecureRandom() {
            private static final long serialVersionUID = 1L;
            private boolean drawn;

            @Override
            public synchronized void nextBytes(byte[] bytes) {
                if (!drawn) {
                    drawn = true;
                    try {
                        Thread.sleep(delay.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.nextBytes(bytes);
            }
        };
    }

    @Test
    void malformedFirstRecordsGetTheirAlert() throws Exception {
        assertArrayEquals(alert(10), exchange(new byte[] {23, 3, 3, 0, 1, 0}), "not a handshake record");
        assertArrayEquals(alert(50), exchange(new byte[] {22, 3, 1, 0, 4, 1, 0, 0, 9}), "length mismatch");
        assertArrayEquals(alert(10), exchange(new byte[] {22, 3, 1, 0, 4, 2, 0, 0, 0}), "not a ClientHello");
        // a ClientHello without extensions: no server_name
        byte[] ch = new byte[5 + 4 + 2 + 32 + 1 + 4 + 2];
        ch[0] = 22;
        ch[1] = 3;
        ch[2] = 1;
        int body = ch.length - 5;
        ch[4] = (byte) body;
        ch[5] = 1;
        ch[8] = (byte) (body - 4);
        ch[9] = 3;
        ch[10] = 3;
        int o = 11 + 32;
        ch[o++] = 0;
        ch[o++] = 0;
        ch[o++] = 2;
        ch[o++] = 0x13;
        ch[o++] = 0x04;
        ch[o++] = 1;
        ch[o] = 0;
        assertArrayEquals(alert(109), exchange(ch), "missing_extension");
        assertArrayEquals(alert(22), exchange(new byte[] {22, 3, 1, 0x40, 0, 1}), "record_overflow");
        assertTrue(grid.stats().malformed.get() >= 5);
    }

    @Test
    void silentAndSlowClientsTimeOut() throws Exception {
        long before = grid.stats().timeouts.get();
        // both at once: each waits out the record timeout
        try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), port);
                Socket slow = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream o = slow.getOutputStream();
            o.write(new byte[] {22, 3, 1, 1, 0, 1});
            o.flush();
            // the rest of the record never comes
            assertEquals(-1, slow.getInputStream().read(), "slow client: the grid closes");
            assertEquals(-1, silent.getInputStream().read(), "silent client: the grid closes");
        }
        assertTrue(grid.stats().timeouts.get() >= before + 2, "timeouts counted");
        try (IoseClient c = open()) {
            assertEquals(588, c.call("p00").length(), "the SE still serves");
        }
    }

    @Test
    void secondSessionToABusySeIsRefusedThenTheSeIsFreedAgain() throws Exception {
        try (IoseClient first = open()) {
            IoseClient.IoseTlsException e = assertThrows(IoseClient.IoseTlsException.class, GridHostileTest::open);
            assertEquals(80, e.alert(), "internal_error for a busy SE");
            assertEquals(588, first.call("p00").length(), "the first session is untouched");
        }
        // the grid waits (up to the record timeout) for the closing session to free the SE: the next one is served
        try (IoseClient again = open()) {
            assertEquals(588, again.call("p00").length());
        }
        assertTrue(grid.stats().busy.get() >= 1);
    }

    /**
     * A client that needs longer than the old 2 s between its connect and its ClientHello (as a loaded machine's
     * Bouncy Castle did) is served: the grid does not cut a handshake that is merely slow to start.
     */
    @Test
    void aClientSlowToSendItsClientHelloIsServed() throws Exception {
        long before = grid.stats().timeouts.get();
        try (IoseClient c = open(lateFirstDraw(Duration.ofSeconds(3)))) {
            assertEquals(588, c.call("p00").length());
        }
        assertEquals(before, grid.stats().timeouts.get(), "no timeout");
    }

    @Test
    void oversizedRecordAfterTheHandshakeClosesTheConnection() throws Exception {
        try (IoseClient c = open()) {
            byte[] big = new byte[2000];
            java.util.Arrays.fill(big, (byte) 'A');
            big[big.length - 1] = '\n';
            c.send(big);
            assertThrows(java.io.IOException.class, c::readLine);
        }
    }

    @Test
    void garbageAfterTheHandshakeEndsOnlyThatSession() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            // a valid-looking SNI but no real handshake: the card answers with an alert, the grid closes
            InputStream in = s.getInputStream();
            s.getOutputStream().write(ClientHelloSniTest.helloWithSni("hostile-se"));
            byte[] got = in.readAllBytes();
            assertEquals(21, got[0], "alert from the card");
        }
        try (IoseClient c = open()) {
            assertEquals(588, c.call("p00").length());
        }
    }
}
