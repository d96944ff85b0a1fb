package org.recsec.cli.ticket;

import org.recsec.cli.args.UsageException;
import org.recsec.kmp.ticket.AsKey;
import org.recsec.kmp.ticket.ClaimsJson;
import org.recsec.kmp.ticket.CwtInspector;
import org.recsec.kmp.ticket.IssuedTicket;
import org.recsec.kmp.ticket.TicketIssuer;
import org.recsec.kmp.ticket.TicketSaParameters;
import org.recsec.kmp.ticket.error.TicketException;

import java.io.InputStream;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.recsec.kmp.ticket.internal.CborValue;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

/**
 * The {@code ticket} command line: {@code issue} mints a ticket as the AS would, {@code inspect} verifies and
 * decrypts a CWT and prints its claims as JSON. Exit codes: 0 success, 2 wrong arguments or an invalid ticket, with
 * one line on {@code err} saying why. See {@link #USAGE}.
 */
public final class TicketCli {
    /** Help text, printed by {@code --help}. */
    public static final String USAGE = String.join("\n",
            "usage: ticket issue (--as-key HEX | --as-key-file PATH | --as-key -) --aud URI --exp SECONDS",
            "                    [--suite HEX] [--iss S] [--kid HEX]",
            "                    [--profile dtls12|dtls12-cid|compact] [--soft-seconds N] [--hard-seconds N]",
            "                    [--soft-bytes N] [--hard-bytes N] [--replay-window N]",
            "       ticket inspect (--key HEX | --key-file PATH | --key -) [--aud URI] [--no-expiry] [--show-key]",
            "                      TICKET_HEX",
            "keys:    --X-file PATH reads the hex key from a file, --X - (or --X-file -) from the first line of",
            "         standard input; a key on the command line is visible to other users in /proc.",
            "issue:   mints a ticket (COSE_Encrypt0, AES-CCM-16-64-128) under the 16-byte AS key, valid for SECONDS",
            "         from now; prints JSON {ticket, cnf_key, cti, exp}. Defaults: suite c0a8 (AES_128_CCM_8),",
            "         kid 01, no iss, profile dtls12, lifetimes 0 (none), replay window 64.",
            "inspect: verifies and decrypts a CWT (COSE_Encrypt0 alg 10 or COSE_Mac0 alg 4/5, tag 61 optional, any",
            "         kid) with KEY and prints its claims as JSON, the cnf key redacted unless --show-key. Checks exp",
            "         and nbf against the clock unless --no-expiry, aud only with --aud, recsec SA claims only when",
            "         present. Exit 0 when valid, 2 with a one-line reason otherwise.");

    private static final Set<String> ISSUE_OPTIONS = Set.of("--as-key", "--as-key-file", "--aud", "--exp", "--suite", "--iss",
            "--kid", "--profile", "--soft-seconds", "--hard-seconds", "--soft-bytes", "--hard-bytes",
            "--replay-window");
    private static final Set<String> INSPECT_OPTIONS = Set.of("--key", "--key-file", "--aud");
    private static final Set<String> INSPECT_FLAGS = Set.of("--no-expiry", "--show-key");

    private final Clock clock;
    private final SecureRandom random;

    public TicketCli(Clock clock, SecureRandom random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Runs with the system clock and a fresh SecureRandom; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, InputStream.nullInputStream(), out, err);
    }

    /** Runs with the system clock and a fresh SecureRandom, keys given as "-" read from {@code in}. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return new TicketCli(Clock.systemUTC(), new SecureRandom()).execute(args, in, out, err);
    }

    /** Runs {@code args} (without the leading "ticket"); returns the exit code. */
    public int execute(String[] args, PrintStream out, PrintStream err) {
        return execute(args, InputStream.nullInputStream(), out, err);
    }

    /** Runs {@code args} (without the leading "ticket"), keys given as "-" read from {@code in}. */
    public int execute(String[] args, InputStream in, PrintStream out, PrintStream err) {
        try {
            if (args.length == 0) {
                throw new UsageException("missing subcommand (issue or inspect); see --help");
            }
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            switch (args[0]) {
                case "--help":
                case "-h":
                case "help":
                    out.println(USAGE);
                    return 0;
                case "issue":
                    if (List.of(rest).contains("--help")) {
                        out.println(USAGE);
                        return 0;
                    }
                    return issue(rest, in, out);
                case "inspect":
                    if (List.of(rest).contains("--help")) {
                        out.println(USAGE);
                        return 0;
                    }
                    return inspect(rest, in, out);
                default:
                    throw new UsageException("unknown subcommand " + args[0] + "; see --help");
            }
        } catch (UsageException e) {
            err.println("ticket: " + e.getMessage());
            return 2;
        } catch (TicketException e) {
            err.println("ticket: " + e.getMessage());
            return 2;
        }
    }

    private int issue(String[] args, InputStream in, PrintStream out) throws UsageException {
        Parsed p = parse(args, ISSUE_OPTIONS, Set.of());
        if (!p.positional.isEmpty()) {
            throw new UsageException("unexpected argument " + p.positional.get(0));
        }
        SecretBytes asKey = SecretBytes.copyOf(key("--as-key", p, in));
        if (asKey.length() != AsKey.KEY_BYTES) {
            throw new UsageException("--as-key must be " + AsKey.KEY_BYTES + " bytes of hex");
        }
        byte[] kid = hex(p.options.getOrDefault("--kid", "01"), "--kid");
        if (kid.length < 1 || kid.length > AsKey.MAX_KID_BYTES) {
            throw new UsageException("--kid must be 1.." + AsKey.MAX_KID_BYTES + " bytes of hex");
        }
        String aud = p.require("--aud");
        long lifetime = number(p.require("--exp"), "--exp");
        if (lifetime < 1) {
            throw new UsageException("--exp must be at least 1 second");
        }
        CipherSuite suite;
        try {
            suite = CipherSuite.forCode((int) hexNumber(p.options.getOrDefault("--suite", "c0a8"), "--suite"));
        } catch (RecSecException e) {
            throw new UsageException("--suite is not a supported cipher suite");
        }
        TicketSaParameters sa;
        try {
            sa = new TicketSaParameters(suite,
                    p.options.getOrDefault("--profile", TicketSaParameters.DEFAULT_RECORD_PROFILE),
                    optionalNumber(p, "--soft-seconds", 0), optionalNumber(p, "--hard-seconds", 0),
                    optionalNumber(p, "--soft-bytes", 0), optionalNumber(p, "--hard-bytes", 0),
                    (int) Math.min(Integer.MAX_VALUE,
                            optionalNumber(p, "--replay-window", TicketSaParameters.DEFAULT_REPLAY_WINDOW)));
        } catch (IllegalArgumentException e) {
            throw new UsageException("bad SA parameters: " + e.getMessage());
        }
        TicketIssuer issuer = new TicketIssuer(AsKey.of(kid, asKey), p.options.get("--iss"), random, clock);
        IssuedTicket t;
        try {
            t = issuer.issue(aud, Duration.ofSeconds(lifetime), sa);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--exp: " + e.getMessage());
        }
        byte[] k = t.cnfKey().toByteArray();
        out.println("{\"ticket\":\"" + Bytes.toHex(t.ticket()) + "\",\"cnf_key\":\"" + Bytes.toHex(k)
                + "\",\"cti\":\"" + Bytes.toHex(t.cti()) + "\",\"exp\":" + t.expiresAtEpochSeconds() + "}");
        java.util.Arrays.fill(k, (byte) 0);
        return 0;
    }

    private int inspect(String[] args, InputStream in, PrintStream out) throws UsageException, TicketException {
        Parsed p = parse(args, INSPECT_OPTIONS, INSPECT_FLAGS);
        if (p.positional.size() != 1) {
            throw new UsageException("inspect takes exactly one TICKET_HEX");
        }
        SecretBytes key = SecretBytes.copyOf(key("--key", p, in));
        byte[] cwt = hex(p.positional.get(0), "TICKET_HEX");
        Long now = p.flags.contains("--no-expiry") ? null : clock.instant().getEpochSecond();
        CborValue.Map claims = CwtInspector.open(cwt, key, now, p.options.get("--aud"));
        out.println(ClaimsJson.render(claims, p.flags.contains("--show-key")));
        return 0;
    }

    private static byte[] key(String option, Parsed p, InputStream in) throws UsageException {
        try {
            return org.recsec.cli.args.KeyInput.read(option, p.options.get(option), p.options.get(option + "-file"),
                    in);
        } catch (org.recsec.cli.args.UsageException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static final class Parsed {
        final Map<String, String> options = new HashMap<>();
        final List<String> flags = new ArrayList<>();
        final List<String> positional = new ArrayList<>();

        String require(String name) throws UsageException {
            String v = options.get(name);
            if (v == null) {
                throw new UsageException("missing " + name);
            }
            return v;
        }
    }

    private static Parsed parse(String[] args, Set<String> options, Set<String> flags) throws UsageException {
        Parsed p = new Parsed();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (options.contains(a)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(a + " needs a value");
                }
                if (p.options.put(a, args[++i]) != null) {
                    throw new UsageException(a + " given twice");
                }
            } else if (flags.contains(a)) {
                p.flags.add(a);
            } else if (a.startsWith("--")) {
                throw new UsageException("unknown option " + a);
            } else {
                p.positional.add(a);
            }
        }
        return p;
    }

    private static byte[] hex(String s, String name) throws UsageException {
        try {
            return Bytes.fromHex(s);
        } catch (IllegalArgumentException e) {
            throw new UsageException(name + " is not hex");
        }
    }

    private static long hexNumber(String s, String name) throws UsageException {
        String digits = s.startsWith("0x") ? s.substring(2) : s;
        try {
            long v = Long.parseLong(digits, 16);
            if (v < 0 || v > 0xffff) {
                throw new UsageException(name + " must be a 16-bit hex code point");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " is not hex");
        }
    }

    private static long number(String s, String name) throws UsageException {
        try {
            long v = Long.parseLong(s);
            if (v < 0) {
                throw new UsageException(name + " must not be negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " is not a number");
        }
    }

    private static long optionalNumber(Parsed p, String name, long dflt) throws UsageException {
        String v = p.options.get(name);
        return v == null ? dflt : number(v, name);
    }

    /** Wrong arguments: exit 2 with one line. */
    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
