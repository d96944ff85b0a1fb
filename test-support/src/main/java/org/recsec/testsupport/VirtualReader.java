package org.recsec.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opentest4j.TestAbortedException;

/**
 * The PC/SC tests' precondition: pcscd running with the vsmartcard-vpcd driver (reader "Virtual PCD 00 00"), which
 * {@code .ci/run} installs and starts. In CI (environment {@code CI=true}) a missing reader fails the test; elsewhere
 * the test is skipped, loudly.
 */
public final class VirtualReader {
    private VirtualReader() {
    }

    /**
     * Returns when pcscd's socket exists and the vpcd driver accepts a connection on {@code 127.0.0.1:vpcdPort}.
     *
     * @throws AssertionError        in CI when either is missing
     * @throws TestAbortedException  outside CI when either is missing (the test is skipped)
     */
    public static void requireRunning(int vpcdPort) {
        boolean pcscd = Files.exists(Path.of("/run/pcscd/pcscd.comm"));
        boolean vpcd = false;
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", vpcdPort), 2000);
            vpcd = true;
        } catch (IOException e) {
            // not running
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
}
