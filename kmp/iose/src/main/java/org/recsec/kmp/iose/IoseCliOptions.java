package org.recsec.kmp.iose;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed options of one {@code recsec iose} subcommand ({@link IoseCli}); every check that needs no network or
 * file is done here, so wrong arguments exit 2 before anything starts.
 */
final class IoseCliOptions {
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "grid", Set.of("--port", "--se", "--bind", "--reader", "--aid"),
            "call", Set.of("--identity", "--psk", "--insecure-psk-in-uri", "--timeout"),
            "attest", Set.of("--identity", "--psk", "--provider-ca", "--new-psk", "--timeout"),
            "provision", Set.of("--identity", "--psk", "--provider-key", "--provider-cert", "--timeout"));
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "grid", List.of("--port"),
            "call", List.of("--identity"),
            "attest", List.of("--identity", "--psk", "--provider-ca", "--new-psk"),
            "provision", List.of("--identity", "--psk", "--provider-key", "--provider-cert"));
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    IoseUri uri;

    static IoseCliOptions parse(String sub, String[] args) {
        Set<String> allowed = ALLOWED.get(sub);
        if (allowed == null) {
            throw new IllegalArgumentException("unknown subcommand (grid, call, attest, provision)");
        }
        IoseCliOptions o = new IoseCliOptions();
        String uriText = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                if (!allowed.contains(a)) {
                    throw new IllegalArgumentException("unknown option " + a);
                }
                if (a.equals("--insecure-psk-in-uri")) {
                    o.values.computeIfAbsent(a, k -> new ArrayList<>()).add("true");
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                List<String> l = o.values.computeIfAbsent(a, k -> new ArrayList<>());
                if (!l.isEmpty() && !a.equals("--se") && !a.equals("--reader")) {
                    throw new IllegalArgumentException(a + " given twice");
                }
                l.add(args[++i]);
            } else if (uriText == null && !sub.equals("grid")) {
                uriText = a;
            } else {
                throw new IllegalArgumentException("unexpected argument");
            }
        }
        for (String r : REQUIRED.get(sub)) {
            if (!o.values.containsKey(r)) {
                throw new IllegalArgumentException("missing " + r);
            }
        }
        if (sub.equals("grid")) {
            int port = parseInt(o.get("--port"), "--port", 0, 65535);
            if (port < 0) {
                throw new IllegalArgumentException("--port out of range");
            }
            if (o.all("--se").isEmpty() && o.all("--reader").isEmpty()) {
                throw new IllegalArgumentException("missing --se (or --reader)");
            }
            if (o.values.containsKey("--aid")) {
                aid(o.get("--aid"));
            }
            for (String se : o.all("--se")) {
                String[] p = se.split(":", 3);
                if (p.length != 3 || p[1].isEmpty() || p[1].length() > 64) {
                    throw new IllegalArgumentException("--se must be SEN:IDENTITY:PSKHEX");
                }
                ClientHelloSniNames.normalise(p[0]);
                hex(p[2], "--se PSK");
            }
            return o;
        }
        if (uriText == null) {
            throw new IllegalArgumentException("missing URI");
        }
        o.uri = IoseUri.parse(uriText, o.values.containsKey("--insecure-psk-in-uri"));
        if (o.uri.psk() == null && !o.values.containsKey("--psk")) {
            throw new IllegalArgumentException("missing --psk");
        }
        if (o.uri.psk() != null && o.values.containsKey("--psk")) {
            throw new IllegalArgumentException("a PSK in the URI and --psk: give one");
        }
        if (o.values.containsKey("--psk")) {
            hex(o.get("--psk"), "--psk");
        }
        if (o.values.containsKey("--new-psk")) {
            hex(o.get("--new-psk"), "--new-psk");
        }
        String id = o.get("--identity");
        if (id.isEmpty() || id.length() > 64) {
            throw new IllegalArgumentException("--identity must be 1..64 characters");
        }
        if (o.values.containsKey("--timeout")) {
            parseInt(o.get("--timeout"), "--timeout", 1, 3600);
        }
        return o;
    }

    private static int parseInt(String s, String what, int min, int max) {
        try {
            int v = Integer.parseInt(s);
            if (v < min || v > max) {
                throw new IllegalArgumentException(what + " must be " + min + ".." + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is not a number");
        }
    }

    boolean has(String k) {
        return values.containsKey(k);
    }

    String get(String k) {
        return values.get(k).get(0);
    }

    String get(String k, String dflt) {
        List<String> l = values.get(k);
        return l == null ? dflt : l.get(0);
    }

    List<String> all(String k) {
        return values.getOrDefault(k, List.of());
    }

    static byte[] hex(String s, String what) {
        try {
            byte[] b = HexFormat.of().parseHex(s);
            if (b.length < 16 || b.length > 64) {
                throw new IllegalArgumentException(what + " must be 16..64 bytes");
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    static byte[] aid(String s) {
        try {
            byte[] b = HexFormat.of().parseHex(s);
            if (b.length < 5 || b.length > 16) {
                throw new IllegalArgumentException("--aid must be 5..16 bytes (ISO 7816-5)");
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--aid: " + e.getMessage());
        }
    }
}
