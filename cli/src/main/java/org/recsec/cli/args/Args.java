package org.recsec.cli.args;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict {@code --name value} / {@code --flag} parsing: an option not in the command's lists is a usage error,
 * never ignored.
 */
public final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    /**
     * @param valued options that take a value
     * @param flags  options that take none
     */
    public static Args parse(String[] args, int from, Set<String> valued, Set<String> flags) throws UsageException {
        Args a = new Args();
        for (int i = from; i < args.length; i++) {
            String s = args[i];
            if (s.startsWith("--") || (s.startsWith("-") && s.length() == 2)) {
                if (flags.contains(s)) {
                    a.values.put(s, "");
                } else if (valued.contains(s)) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(s + " needs a value");
                    }
                    if (a.values.put(s, args[++i]) != null) {
                        throw new UsageException(s + " given twice");
                    }
                } else {
                    throw new UsageException("unknown option " + s);
                }
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String get(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    public String required(String name) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("missing " + name);
        }
        return v;
    }

    public long longValue(String name, long min, long max, long dflt) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            if (dflt < min) {
                throw new UsageException("missing " + name);
            }
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new UsageException(name + " must be " + min + ".." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " is not a number: " + v);
        }
    }

    public byte[] hex(String name) throws UsageException {
        String v = required(name);
        if (v.startsWith("0x") || v.startsWith("0X")) {
            v = v.substring(2);
        }
        try {
            return org.recsec.record.internal.wire.Bytes.fromHex(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException(name + " is not hex");
        }
    }

    public long hexLong(String name, long max) throws UsageException {
        String v = required(name);
        if (v.startsWith("0x") || v.startsWith("0X")) {
            v = v.substring(2);
        }
        try {
            long n = Long.parseUnsignedLong(v, 16);
            if (v.isEmpty() || v.length() > 16 || Long.compareUnsigned(n, max) > 0) {
                throw new UsageException(name + " out of range");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " is not hex");
        }
    }

    public List<String> positional() {
        return positional;
    }
}
