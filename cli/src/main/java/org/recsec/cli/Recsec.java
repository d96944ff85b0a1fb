package org.recsec.cli;

import org.recsec.cli.args.UsageException;

import org.recsec.cli.args.Command;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code recsec} command line: {@code recsec SUBCOMMAND [--help] ...}. */
public final class Recsec {
    private final Map<String, Command> commands = new LinkedHashMap<>();

    public Recsec() {
        commands.put("demo", new org.recsec.cli.demo.DemoCommand());
        commands.put("protect", new ProtectCommand(true));
        commands.put("unprotect", new ProtectCommand(false));
        commands.put("keyd", new Delegate("serve the SA database on a UNIX socket (PF_KEY-like messages)",
                "usage: recsec keyd --socket PATH [--state DIR] [--local IDENTITY]...\n",
                org.recsec.cli.km.KeydCli::run));
        commands.put("setkey", new Delegate("talk to keyd in ipsec-tools setkey syntax (-c reads stdin, -D dumps, -F flushes)",
                "usage: recsec setkey --socket PATH (-c | -D | -F)\n", org.recsec.cli.km.SetkeyCli::run));
        commands.put("se", new Delegate("run the DTLS 1.2 PSK handshake on a simulated secure element (se handshake --help)",
                "usage: recsec se handshake --peer HOST:PORT --psk HEX --identity ID [--send TEXT] [--wait MS]\n"
                        + "                           [--se-transport udp|coap] [--proxy HOST:PORT]\n"
                        + "       recsec se serve --listen HOST:PORT --psk HEX --identity ID [--count N]\n",
                org.recsec.cli.se.SeCli::run));
        commands.put("eap", new Delegate("EAP bootstrapping KMP: an EAP-TLS RADIUS server, USRK derivation (eap as|usrk --help)",
                org.recsec.kmp.eap.cli.EapCli.USAGE + "\n", org.recsec.kmp.eap.cli.EapCli::run));
        commands.put("iose", new Delegate("Internet of Secure Elements: SE grid routed by SNI, calls, attestation (iose grid|call|attest|provision --help)",
                org.recsec.kmp.iose.IoseCli.USAGE + "\n", org.recsec.kmp.iose.IoseCli::run));
        commands.put("ticket", new Delegate("issue and inspect CWT tickets (ticket issue|inspect --help)",
                org.recsec.cli.ticket.TicketCli.USAGE, org.recsec.cli.ticket.TicketCli::run));
    }

    public static void main(String[] args) {
        int code = new Recsec().run(args, System.in, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line and returns its exit code (2 for wrong arguments, with a one-line reason). */
    public int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(overview());
            return args.length == 0 ? 2 : 0;
        }
        Command c = commands.get(args[0]);
        if (c == null) {
            err.println("recsec: unknown command '" + args[0] + "' (try recsec --help)");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (!c.ownHelp() && Arrays.asList(rest).contains("--help")) {
            out.print(c.help());
            return 0;
        }
        try {
            return c.run(rest, in, out, err);
        } catch (UsageException e) {
            err.println("recsec " + args[0] + ": " + e.getMessage());
            return 2;
        }
    }

    private String overview() {
        StringBuilder sb = new StringBuilder("usage: recsec COMMAND [options]   (recsec COMMAND --help for each)\n");
        commands.forEach((name, c) -> sb.append(String.format("  %-10s %s%n", name, c.summary())));
        return sb.toString();
    }
}
