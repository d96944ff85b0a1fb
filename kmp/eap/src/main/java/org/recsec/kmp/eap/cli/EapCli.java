package org.recsec.kmp.eap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.recsec.kmp.eap.Hex;
import org.recsec.kmp.eap.Usrk;
import org.recsec.kmp.eap.as.AuthenticationServer;
import org.recsec.kmp.eap.as.SessionStore;
import org.recsec.kmp.eap.tls.TlsCredentials;
import org.recsec.record.base.SecretBytes;

/**
 * {@code recsec eap as ...} and {@code recsec eap usrk ...} (the CLI contract of the EAP KMP; keep it stable).
 * Exit 0 on success, 1 when the work fails, 2 on wrong arguments (one line on stderr).
 */
public final class EapCli {
    /** The shortest EMSK an EAP method may export (RFC 3748 §7.10). */
    private static final int EMSK_MIN_BYTES = 64;
    public static final String USAGE = String.join("\n",
            "usage: recsec eap as --radius-port P --radius-secret S --cert FILE --key FILE --ca FILE",
            "                     [--bind ADDR] [--session-timeout SECONDS] [--fragment-size BYTES]",
            "       recsec eap usrk --emsk HEX --label TEXT [--optional-data HEX] --length N",
            "  as    runs an EAP-TLS authentication server (RFC 5216, TLS 1.2) behind RADIUS (RFC 2865, RFC 3579) on",
            "        UDP port P (0 picks a free one; the port is printed); any RADIUS client with the shared secret",
            "        S can use it. --cert/--key: its PEM certificate and PKCS#8 key; --ca: the CA of the peers'",
            "        certificates. Access-Accept carries MS-MPPE-Recv/Send-Key (the MSK), Session-Timeout",
            "        (default 3600 s) and, when asked, EAP-Key-Name. Binds ADDR (default 0.0.0.0). Runs until killed.",
            "  usrk  prints the RFC 5295 USRK KDF(EMSK, label, optional data, length) in hex (PRF+ on HMAC-SHA-256);",
            "        the record-SA label is '" + Usrk.RECSEC_LABEL + "' with the ApS identity as optional data.");

    private EapCli() {
    }

    /** Runs {@code eap SUBCOMMAND ...}; returns the exit code. {@code in} is not read. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("recsec eap: missing subcommand (as or usrk)");
            return 2;
        }
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.println(USAGE);
                return 0;
            }
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "usrk":
                    return usrk(options(rest, Set.of("--emsk", "--label", "--optional-data", "--length")), out);
                case "as":
                    AuthenticationServer as = startAs(rest, new SecureRandom(), Clock.systemUTC(), out);
                    as.join();
                    return 0;
                default:
                    err.println("recsec eap: unknown subcommand '" + args[0] + "' (as or usrk)");
                    return 2;
            }
        } catch (IllegalArgumentException e) {
            err.println("recsec eap " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("recsec eap " + args[0] + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int usrk(Map<String, String> o, PrintStream out) {
        byte[] emsk = hex(require(o, "--emsk"), "--emsk");
        if (emsk.length < EMSK_MIN_BYTES) {
            java.util.Arrays.fill(emsk, (byte) 0);
            // RFC 3748 §7.10: the EMSK is at least 64 octets (EAP-TLS gives exactly 64, RFC 5216 §2.3)
            throw new IllegalArgumentException("--emsk must be at least " + EMSK_MIN_BYTES + " bytes (RFC 3748 §7.10)");
        }
        String label = require(o, "--label");
        byte[] data = o.containsKey("--optional-data") ? hex(o.get("--optional-data"), "--optional-data")
                : new byte[0];
        int length = integer(require(o, "--length"), "--length", 1, Usrk.MAX_LENGTH_BYTES);
        SecretBytes k = Usrk.derive(SecretBytes.copyOf(emsk), label, data, length);
        java.util.Arrays.fill(emsk, (byte) 0);
        byte[] b = k.toByteArray();
        out.println(Hex.encode(b));
        java.util.Arrays.fill(b, (byte) 0);
        return 0;
    }

    /**
     * Parses the {@code eap as} options, starts the server and prints {@code listening on udp/ADDR:PORT}.
     *
     * @throws IllegalArgumentException for wrong arguments
     * @throws IOException              for unreadable PEM files or a port that cannot be bound
     */
    public static AuthenticationServer startAs(String[] args, SecureRandom random, Clock clock, PrintStream out)
            throws IOException {
        Map<String, String> o = options(args, Set.of("--radius-port", "--radius-secret", "--cert", "--key", "--ca",
                "--bind", "--session-timeout", "--fragment-size"));
        int port = integer(require(o, "--radius-port"), "--radius-port", 0, 65535);
        byte[] secret = require(o, "--radius-secret").getBytes(StandardCharsets.UTF_8);
        if (secret.length == 0) {
            throw new IllegalArgumentException("--radius-secret must not be empty");
        }
        int timeout = o.containsKey("--session-timeout")
                ? integer(o.get("--session-timeout"), "--session-timeout", 1, Integer.MAX_VALUE) : 3600;
        int fragment = o.containsKey("--fragment-size")
                ? integer(o.get("--fragment-size"), "--fragment-size", 64, 4000) : 1000;
        InetAddress bind;
        try {
            byte[] raw = o.containsKey("--bind") ? org.recsec.km.pfkey.IpLiterals.parse(o.get("--bind")).orElse(null)
                    : new byte[4];
            if (raw == null) {
                throw new IllegalArgumentException();
            }
            bind = InetAddress.getByAddress(raw);
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            throw new IllegalArgumentException("--bind must be an IP address literal");
        }
        TlsCredentials creds = TlsCredentials.fromPem(Path.of(require(o, "--cert")), Path.of(require(o, "--key")),
                Path.of(require(o, "--ca")), () -> new java.util.Date(clock.millis()));
        AuthenticationServer as = new AuthenticationServer(creds, secret, random, clock, timeout, fragment,
                new SessionStore(clock, 4096));
        as.start(new InetSocketAddress(bind, port));
        out.println("listening on udp/" + bind.getHostAddress() + ":" + as.port());
        out.flush();
        return as;
    }

    private static Map<String, String> options(String[] args, Set<String> known) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!known.contains(args[i])) {
                throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            if (o.put(args[i], args[++i]) != null) {
                throw new IllegalArgumentException(args[i - 1] + " given twice");
            }
        }
        return o;
    }

    private static String require(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return v;
    }

    private static byte[] hex(String s, String name) {
        try {
            return Hex.decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be hex");
        }
    }

    private static int integer(String s, String name, int min, int max) {
        try {
            int v = Integer.parseInt(s);
            if (v < min || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max);
        }
    }
}
