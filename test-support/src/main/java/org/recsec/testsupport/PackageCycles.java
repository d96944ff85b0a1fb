package org.recsec.testsupport;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

/**
 * Proves that the packages of a module depend on each other one way only. Checked on the bytecode with the JDK's
 * {@code jdeps}: every class-to-class reference between two packages of the module (under the anchor's package)
 * becomes a package edge, and every strongly connected set of two or more packages is a cycle. A cycle is reported
 * with the class references that form it, so the message names the types to move or the dependency to invert.
 */
public final class PackageCycles {
    private static final String FOUNDATION = "[foundation]";

    private PackageCycles() {
    }

    /**
     * The package cycles among the compiled classes of {@code anchor}'s package and the packages below it, one string
     * per cycle: the packages, then the class references between them. Empty when the packages form a DAG.
     *
     * @param anchor a class whose package is the root of the module's packages (its class directory is scanned)
     */
    public static List<String> cycles(Class<?> anchor) {
        return cycles(anchor, Set.of());
    }

    /**
     * As {@link #cycles(Class)}, with {@code foundation} counted as one package of their own, below the others: the
     * leaf types (an exception, value types, contract interfaces) that a module's lower packages use while they still
     * share a Java package with the module's facade. The check then also proves that the foundation is a leaf: a
     * foundation type that refers to any other package of the module closes a cycle and is reported. The report
     * names the foundation package {@code [foundation]}.
     *
     * @param anchor     a class whose package is the root of the module's packages
     * @param foundation the types to count as their own bottom package
     */
    public static List<String> cycles(Class<?> anchor, Set<Class<?>> foundation) {
        return cycles(anchor, anchor.getPackageName(), foundation);
    }

    /**
     * As {@link #cycles(Class, Set)} for a module whose packages share a root package that holds no class (say
     * {@code org.recsec.km} for {@code .pfkey}, {@code .sad}, {@code .keyd}, {@code .setkey}).
     *
     * @param classInModule any class of the module (locates its class directory)
     * @param rootPackage   the package under which the module's packages lie
     * @param foundation    the types to count as their own bottom package (usually none)
     */
    public static List<String> cycles(Class<?> classInModule, String rootPackage, Set<Class<?>> foundation) {
        Class<?> anchor = classInModule;
        Path root;
        try {
            root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        String prefix = rootPackage;
        Path dir = root.resolve(prefix.replace('.', '/'));
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            if (s.noneMatch(p -> p.toString().endsWith(".class"))) {
                throw new IllegalStateException("no classes of " + prefix + " under " + root);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("classes of " + prefix + " are not in a directory under " + root, e);
        }
        Set<String> names = new java.util.HashSet<>();
        foundation.forEach(c -> names.add(c.getName()));
        return cycles(classReferences(root, prefix), names);
    }

    /** The package cycles of the given class references ({@code from -> to}, fully qualified class names). */
    static List<String> cycles(Map<String, SortedSet<String>> classRefs) {
        return cycles(classRefs, Set.of());
    }

    /** As above, the classes named in {@code foundation} counted as the package {@code [foundation]}. */
    static List<String> cycles(Map<String, SortedSet<String>> classRefs, Set<String> foundation) {
        Map<String, SortedSet<String>> graph = new TreeMap<>();
        Map<String, SortedSet<String>> why = new TreeMap<>();
        classRefs.forEach((from, tos) -> {
            String pf = foundation.contains(from) ? FOUNDATION : packageOf(from);
            graph.computeIfAbsent(pf, k -> new TreeSet<>());
            for (String to : tos) {
                String pt = foundation.contains(to) ? FOUNDATION : packageOf(to);
                graph.computeIfAbsent(pt, k -> new TreeSet<>());
                if (!pf.equals(pt)) {
                    graph.get(pf).add(pt);
                    why.computeIfAbsent(pf + " -> " + pt, k -> new TreeSet<>()).add(from + " -> " + to);
                }
            }
        });
        List<String> out = new ArrayList<>();
        for (SortedSet<String> scc : stronglyConnected(graph)) {
            if (scc.size() < 2) {
                continue;
            }
            StringBuilder sb = new StringBuilder("cycle among ").append(scc).append(':');
            for (String p : scc) {
                for (String q : graph.get(p)) {
                    if (scc.contains(q)) {
                        sb.append("\n  ").append(p).append(" -> ").append(q).append(": ")
                                .append(why.get(p + " -> " + q));
                    }
                }
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** jdeps' class-level references between classes whose names start with {@code prefix}. */
    private static Map<String, SortedSet<String>> classReferences(Path classes, String prefix) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(
                () -> new IllegalStateException("jdeps is not available: run the tests on a JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = {"-verbose:class", "-filter:none", "-e", java.util.regex.Pattern.quote(prefix) + "(\\..*)?",
            classes.toString()};
        if (jdeps.run(new PrintWriter(out), new PrintWriter(err), args) != 0) {
            throw new IllegalStateException("jdeps: " + err);
        }
        Map<String, SortedSet<String>> refs = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 3 && f[1].equals("->") && inModule(f[0], prefix) && inModule(f[2], prefix)) {
                refs.computeIfAbsent(outer(f[0]), k -> new TreeSet<>()).add(outer(f[2]));
            }
        }
        return refs;
    }

    private static boolean inModule(String className, String prefix) {
        return className.startsWith(prefix + ".");
    }

    private static String outer(String className) {
        int dollar = className.indexOf('$');
        return dollar < 0 ? className : className.substring(0, dollar);
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    /** Tarjan's algorithm, iterative over an explicit stack of frames. */
    private static List<SortedSet<String>> stronglyConnected(Map<String, SortedSet<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<SortedSet<String>> result = new ArrayList<>();
        int[] counter = {0};
        for (String start : graph.keySet()) {
            if (index.containsKey(start)) {
                continue;
            }
            Deque<Map.Entry<String, java.util.Iterator<String>>> frames = new ArrayDeque<>();
            index.put(start, counter[0]);
            low.put(start, counter[0]++);
            stack.push(start);
            onStack.add(start);
            frames.push(Map.entry(start, graph.get(start).iterator()));
            while (!frames.isEmpty()) {
                Map.Entry<String, java.util.Iterator<String>> top = frames.peek();
                String v = top.getKey();
                if (top.getValue().hasNext()) {
                    String w = top.getValue().next();
                    if (!index.containsKey(w)) {
                        index.put(w, counter[0]);
                        low.put(w, counter[0]++);
                        stack.push(w);
                        onStack.add(w);
                        frames.push(Map.entry(w, graph.get(w).iterator()));
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                } else {
                    frames.pop();
                    if (!frames.isEmpty()) {
                        String parent = frames.peek().getKey();
                        low.put(parent, Math.min(low.get(parent), low.get(v)));
                    }
                    if (low.get(v).equals(index.get(v))) {
                        SortedSet<String> scc = new TreeSet<>();
                        String w;
                        do {
                            w = stack.pop();
                            onStack.remove(w);
                            scc.add(w);
                        } while (!w.equals(v));
                        result.add(scc);
                    }
                }
            }
        }
        return result;
    }
}
