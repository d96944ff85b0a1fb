package org.recsec.cli.km;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.recsec.km.keyd.KeyDaemon;
import org.recsec.km.sad.SecurityAssociationDatabase;

/** {@code recsec keyd --socket PATH [--state DIR] [--local IDENTITY]...}: serves an SA database on a UNIX socket. */
public final class KeydCli {
    private KeydCli() {
    }

    /**
     * {@code recsec keyd --socket PATH [--state DIR] [--local ID]...}: serves until the process is stopped.
     * Without {@code --local} every identity counts as local (see {@link SecurityAssociationDatabase}).
     *
     * @return 2 on wrong arguments, 1 when the daemon cannot start; otherwise it does not return before close
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Path socket = null;
        Path state = null;
        Set<String> locals = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.println("usage: recsec keyd --socket PATH [--state DIR] [--local IDENTITY]...");
                return 0;
            }
            if (i + 1 >= args.length) {
                err.println("keyd: " + a + " needs a value or is unknown");
                return 2;
            }
            switch (a) {
                case "--socket": socket = Path.of(args[++i]); break;
                case "--state": state = Path.of(args[++i]); break;
                case "--local": locals.add(args[++i]); break;
                default:
                    err.println("keyd: unknown option " + a);
                    return 2;
            }
        }
        if (socket == null) {
            err.println("keyd: --socket PATH is required");
            return 2;
        }
        KeyDaemon d;
        try {
            SecurityAssociationDatabase.Builder b = SecurityAssociationDatabase.builder(Clock.systemUTC(),
                    new SecureRandom());
            if (locals.isEmpty()) {
                b.everyIdentityLocal();
            } else {
                b.localIdentities(locals);
            }
            if (state != null) {
                b.stateDirectory(state);
            }
            d = KeyDaemon.start(socket, b.build());
        } catch (IOException e) {
            err.println("keyd: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(d::close, "keyd-shutdown"));
        out.println("keyd: serving " + d.socketPath());
        out.flush();
        try {
            d.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            d.close();
        }
        return 0;
    }
}
