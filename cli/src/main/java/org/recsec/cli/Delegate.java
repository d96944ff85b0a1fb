package org.recsec.cli;

import org.recsec.cli.args.Command;

import java.io.InputStream;
import java.io.PrintStream;

/** A subcommand implemented by another module's entry point, which parses its own arguments and --help. */
final class Delegate implements Command {
    interface EntryPoint {
        int run(String[] args, InputStream in, PrintStream out, PrintStream err);
    }

    private final String summary;
    private final String help;
    private final EntryPoint entry;

    Delegate(String summary, String help, EntryPoint entry) {
        this.summary = summary;
        this.help = help;
        this.entry = entry;
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public String help() {
        return help;
    }

    @Override
    public int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return entry.run(args, in, out, err);
    }

    @Override
    public boolean ownHelp() {
        return true;
    }
}
