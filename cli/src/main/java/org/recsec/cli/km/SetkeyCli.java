package org.recsec.cli.km;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.recsec.km.setkey.SetkeyClient;
import org.recsec.km.setkey.SetkeyCommand;
import org.recsec.km.setkey.SetkeyParseException;
import org.recsec.km.setkey.SetkeyParser;

/**
 * {@code recsec setkey --socket PATH (-c | -D | -F)}: {@code -c} reads setkey statements from standard input
 * (see {@link SetkeyParser}), {@code -D} dumps the SAD without keys, {@code -F} flushes it.
 *
 * <p>Exit codes: 0 success; 1 the daemon refused a statement (errno and reason on standard error; the other
 * statements still run) or could not be reached; 2 wrong arguments or input that does not parse (nothing is sent).
 */
public final class SetkeyCli {
    private SetkeyCli() {
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Path socket = null;
        String mode = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help":
                case "-h":
                    out.println("usage: recsec setkey --socket PATH (-c | -D | -F)");
                    return 0;
                case "--socket":
                    if (i + 1 >= args.length) {
                        err.println("setkey: --socket needs a path");
                        return 2;
                    }
                    socket = Path.of(args[++i]);
                    break;
                case "-c":
                case "-D":
                case "-F":
                    if (mode != null) {
                        err.println("setkey: only one of -c, -D, -F");
                        return 2;
                    }
                    mode = args[i];
                    break;
                default:
                    err.println("setkey: unknown option " + args[i]);
                    return 2;
            }
        }
        if (socket == null || mode == null) {
            err.println("setkey: need --socket PATH and one of -c, -D, -F");
            return 2;
        }
        List<SetkeyCommand> commands;
        try {
            if (mode.equals("-c")) {
                commands = SetkeyParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } else {
                commands = SetkeyParser.parse(mode.equals("-D") ? "dump ;" : "flush ;");
            }
        } catch (SetkeyParseException e) {
            err.println("setkey: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("setkey: cannot read standard input: " + e.getMessage());
            return 2;
        }
        try (SetkeyClient c = SetkeyClient.connect(socket, out, err)) {
            return c.runAll(commands) ? 0 : 1;
        } catch (IOException e) {
            err.println("setkey: " + socket + ": " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
