package org.recsec.testsupport;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Proves that code never asks the name service: the parsers of endpoints in messages and setkey text promise to take
 * IP literals only, so that text from the network never becomes a DNS query. Checked on the bytecode, every path at
 * once: no class of the given packages calls a JDK method that resolves a host name ({@code InetAddress.getByName},
 * {@code getAllByName}, {@code getHostName}, {@code getCanonicalHostName}, {@code getLocalHost}, the resolving
 * {@code InetSocketAddress(String, int)} constructor, {@code InetSocketAddress.getHostName}). Literal addresses are
 * built with {@code InetAddress.getByAddress}, which never resolves. (This replaces a SecurityManager that refused
 * lookups at run time: the SecurityManager is deprecated for removal, and a static check covers the paths a fuzzer
 * has not reached.)
 */
public final class NoNameLookups {
    /** javap's rendering of the resolving calls. */
    private static final List<String> RESOLVING = List.of(
            "java/net/InetAddress.getByName:", "java/net/InetAddress.getAllByName:",
            "java/net/InetAddress.getHostName:", "java/net/InetAddress.getCanonicalHostName:",
            "java/net/InetAddress.getLocalHost:", "java/net/InetSocketAddress.\"<init>\":(Ljava/lang/String;I)V",
            "java/net/InetSocketAddress.getHostName:", "java/net/Inet4Address.getHostName:",
            "java/net/Inet6Address.getHostName:");

    private NoNameLookups() {
    }

    /**
     * The calls to resolving methods in the compiled classes of {@code anchor}'s package and the packages below it,
     * as {@code Class.method: call}; empty when there are none.
     */
    public static List<String> resolvingCalls(Class<?> anchor) {
        Path root;
        try {
            root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path dir = root.resolve(anchor.getPackageName().replace('.', '/'));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("classes of " + anchor.getPackageName() + " are not in a directory: " + dir);
        }
        List<Path> classes;
        try (Stream<Path> s = Files.walk(dir)) {
            classes = s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (classes.isEmpty()) {
            throw new IllegalStateException("no classes under " + dir);
        }
        ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow(
                () -> new IllegalStateException("javap is not available: run the tests on a JDK"));
        List<String> args = new ArrayList<>(List.of("-c", "-p"));
        classes.forEach(c -> args.add(c.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        if (javap.run(new PrintWriter(out), new PrintWriter(err), args.toArray(new String[0])) != 0) {
            throw new IllegalStateException("javap: " + err);
        }
        List<String> found = new ArrayList<>();
        String type = "?";
        String method = "?";
        for (String line : out.toString().split("\n")) {
            if (!line.startsWith(" ") && !line.startsWith("Compiled from") && !line.equals("}")) {
                type = line.strip();
            } else if (line.startsWith("  ") && !line.startsWith("   ") && line.contains("(")) {
                method = line.strip();
            }
            for (String r : RESOLVING) {
                if (line.contains("Method " + r)) {
                    found.add(type + " / " + method + ": " + r);
                }
            }
        }
        return found;
    }
}
