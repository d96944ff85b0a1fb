package org.recsec.cli.se;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import org.recsec.se.host.CardLink;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.VpcdClient;

/**
 * {@code recsec se vcard --vpcd HOST:PORT}: the recsec applet in jcardsim as a virtual card of vsmartcard's vpcd
 * driver (pcscd then shows it in the reader "Virtual PCD 00 00" for port 35963). Runs until vpcd closes the
 * connection or the process is stopped. Exit 0 when vpcd closed, 1 when it cannot be reached, 2 on wrong arguments.
 */
final class VcardCli {
    static final String USAGE = String.join("\n",
            "usage: recsec se vcard --vpcd HOST:PORT",
            "  Serves the recsec applet (jcardsim) to vsmartcard's vpcd (pcscd reader \"Virtual PCD 00 00\" is port",
            "  35963), so that PC/SC applications, and recsec se handshake --reader, use it like a card in a reader.");

    private VcardCli() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 3 || !args[1].equals("--vpcd")) {
            err.println("recsec se: expected 'vcard --vpcd HOST:PORT'");
            return 2;
        }
        InetSocketAddress vpcd;
        try {
            vpcd = SeCli.peer(args[2]);
        } catch (IllegalArgumentException e) {
            err.println("recsec se: " + e.getMessage().replace("--peer", "--vpcd"));
            return 2;
        }
        try (CardLink link = JCardSimLink.open(); VpcdClient client = VpcdClient.connect(link, vpcd)) {
            out.println("vcard: the recsec applet (jcardsim) is in vpcd at " + vpcd.getAddress().getHostAddress()
                    + ":" + vpcd.getPort());
            out.flush();
            client.serve();
            out.println("vcard: vpcd closed the connection after " + client.commands() + " APDUs");
            return 0;
        } catch (IOException | javax.smartcardio.CardException e) {
            err.println("recsec se: vpcd " + args[2] + ": " + e.getMessage());
            return 1;
        }
    }
}
