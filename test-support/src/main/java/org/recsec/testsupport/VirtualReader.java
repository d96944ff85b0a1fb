package org.recsec.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.TerminalFactory;
import org.opentest4j.TestAbortedException;

/**
 * The PC/SC tests' precondition and their turn at the one virtual reader: pcscd running with the vsmartcard-vpcd
 * driver (reader "Virtual PCD 00 00"), which {@code .ci/run} installs and starts. In CI (environment
 * {@code CI=true}) a missing reader fails the test; elsewhere the test is skipped, loudly.
 *
 * <p>vpcd serves one virtual card at a time on its port, so two test JVMs on one machine (two modules' tests, or two
 * checkouts built at once) must not use it together: {@link #claim} takes a machine-wide lock file first and holds
 * it until the test closes the claim.
 */
public final class VirtualReader {
    /** The PC/SC name of the reader vpcd makes for its default port. */
    public static final String NAME = "Virtual PCD 00 00";
    /** How long a test waits for another test JVM to finish with the reader before it fails. */
    private static final long LOCK_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(10);
    /** How long a freed reader may take to listen again (vpcd reopens its port after a client leaves). */
    private static final long LISTEN_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(30);

    private VirtualReader() {
    }

    /** The reader held by one test: closing it lets the next test JVM on this machine have the reader. */
    public static final class Claim implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Claim(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        /**
         * Waits (up to 10 s) until pcscd shows a card in the reader {@link #NAME}: the card a test's vpcd client
         * serves. The JDK's PC/SC provider uses the system's libpcsclite.
         *
         * @throws AssertionError no card appeared
         * @throws Exception      PC/SC failed, or interrupted while waiting
         */
        public void awaitCard() throws Exception {
            String lib = "/usr/lib/x86_64-linux-gnu/libpcsclite.so.1";
            if (System.getProperty("sun.security.smartcardio.library") == null && Files.exists(Path.of(lib))) {
                System.setProperty("sun.security.smartcardio.library", lib);
            }
            TerminalFactory tf = TerminalFactory.getInstance("PC/SC", null);
            for (int i = 0; i < 100; i++) {
                for (CardTerminal t : tf.terminals().list()) {
                    if (t.getName().equals(NAME) && t.isCardPresent()) {
                        return;
                    }
                }
                Thread.sleep(100);
            }
            throw new AssertionError("no card in the PC/SC reader " + NAME);
        }

        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    /**
     * Waits for this machine's other test JVMs to finish with the reader on {@code vpcdPort}, then returns once
     * pcscd's socket exists and the vpcd driver accepts a connection on {@code 127.0.0.1:vpcdPort}.
     *
     * @return the claim, to be closed when the test no longer uses the reader
     * @throws AssertionError       in CI when pcscd or vpcd is missing, or another JVM holds the reader too long
     * @throws TestAbortedException outside CI when pcscd or vpcd is missing (the test is skipped)
     */
    public static Claim claim(int vpcdPort) throws IOException, InterruptedException {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "recsec-vpcd-" + vpcdPort + ".lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = null;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOCK_WAIT_MILLIS);
            while (lock == null) {
                lock = channel.tryLock();
                if (lock == null) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new AssertionError("another test JVM held the virtual reader (" + file + ") for "
                                + LOCK_WAIT_MILLIS / 1000 + " s");
                    }
                    Thread.sleep(200);
                }
            }
            Claim claim = new Claim(channel, lock);
            try {
                requireRunning(vpcdPort, LISTEN_WAIT_MILLIS);
            } catch (RuntimeException | Error e) {
                claim.close();
                throw e;
            }
            return claim;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            if (channel.isOpen()) {
                channel.close();
            }
            throw e;
        }
    }

    private static void requireRunning(int vpcdPort, long listenWaitMillis) throws InterruptedException {
        boolean pcscd = Files.exists(Path.of("/run/pcscd/pcscd.comm"));
        boolean vpcd = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(listenWaitMillis);
        while (pcscd && !vpcd) {
            vpcd = listens(vpcdPort);
            if (!vpcd) {
                if (System.nanoTime() - deadline > 0) {
                    break;
                }
                Thread.sleep(250);
            }
        }
        if (pcscd && vpcd) {
            return;
        }
        String state = "pcscd socket " + pcscd + ", vpcd port " + vpcd;
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(state);
        }
        System.err.println("*** SKIPPED: pcscd with the vsmartcard-vpcd driver is not running (" + state
                + "); .ci/run installs pcscd and vsmartcard-vpcd and starts pcscd");
        throw new TestAbortedException("pcscd + vpcd not running: see stderr");
    }

    private static boolean listens(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
