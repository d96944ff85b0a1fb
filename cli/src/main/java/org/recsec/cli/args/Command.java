package org.recsec.cli.args;

import java.io.InputStream;
import java.io.PrintStream;

/** One {@code recsec} subcommand. */
public interface Command {
    /** One line for the overview. */
    String summary();

    /** The full --help text. */
    String help();

    /**
     * Runs with the arguments after the subcommand name.
     *
     * @return the exit code: 0 success, 1 the work failed, 2 wrong arguments
     * @throws UsageException for wrong arguments (the caller prints the reason and exits 2)
     */
    int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws UsageException;

    /** True when the command prints its own --help (commands with sub-subcommands). */
    default boolean ownHelp() {
        return false;
    }
}
