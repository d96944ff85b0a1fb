package org.recsec.applet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Disassembles every compiled applet class with javap and fails on what JavaCard 2.2.2 does not have: long, float
 * and double (instructions or J/F/D in descriptors), String and java.util, invokedynamic, and any java.lang class
 * beyond Object and the exceptions JavaCard defines.
 */
class JavaCardSubsetTest {

    private static final Pattern WIDE_INSN = Pattern.compile(
            "^\\s*\\d+: ([lfd](load|store|add|sub|mul|div|rem|neg|shl|shr|ushr|and|or|xor|cmp|cmpl|cmpg|return"
                    + "|aload|astore|const)(_\\w+)?|[ilfd]2[lfd]|[lfd]2[ilfd]|ldc2_w|invokedynamic)\\b.*");
    private static final Pattern WIDE_ARRAY = Pattern.compile("newarray\\s+(long|float|double)");
    private static final Pattern DESCRIPTOR = Pattern.compile("descriptor: (\\S+)");
    private static final Pattern JAVA_REF = Pattern.compile("(java/[A-Za-z0-9_/$]+)");
    private static final Set<String> ALLOWED_JAVA = Set.of("java/lang/Object", "java/lang/Throwable",
            "java/lang/Exception", "java/lang/RuntimeException", "java/lang/ArithmeticException",
            "java/lang/ArrayIndexOutOfBoundsException", "java/lang/ArrayStoreException",
            "java/lang/ClassCastException", "java/lang/IndexOutOfBoundsException",
            "java/lang/NegativeArraySizeException", "java/lang/NullPointerException", "java/lang/SecurityException");

    @Test
    void appletClassesUseOnlyTheJavaCardSubset() throws Exception {
        Path dir = Path.of("target/classes/org/recsec/applet");
        List<Path> classes;
        try (Stream<Path> s = Files.walk(dir)) {
            classes = s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        assertTrue(classes.size() >= 10, "found " + classes.size() + " classes");
        List<String> problems = problems(classes);
        assertTrue(problems.isEmpty(), String.join("\n", problems.stream().distinct().toList()));
    }

    /** The scanner itself finds each kind of violation in a test class written to commit them. */
    @Test
    void scannerCatchesViolations() throws Exception {
        List<String> p = problems(List.of(Path.of("target/test-classes/org/recsec/applet/JavaCardSubsetTest$Wide.class")));
        String all = String.join("\n", p);
        for (String expected : new String[] {"lload", "ladd", "dadd", "f2i", "java/lang/String", "java/util/List",
                "(J)J", "invokedynamic", "java/lang/Math"}) {
            assertTrue(all.contains(expected), expected + " not reported in:\n" + all);
        }
    }

    @SuppressWarnings("unused")
    static final class Wide {
        long counter;

        static long twice(long x) {
            return x + x;
        }

        static int mixed(double d, float f, List<String> names) {
            Runnable r = () -> names.add("x" + d);
            r.run();
            return (int) (d + 1.5) + (int) f + Math.abs(names.size());
        }
    }

    private static List<String> problems(List<Path> classes) {
        ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow();
        List<String> problems = new ArrayList<>();
        for (Path c : classes) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = javap.run(new PrintWriter(out, true), new PrintWriter(System.err, true), "-c", "-p", "-v",
                    c.toString());
            assertTrue(rc == 0, "javap failed on " + c);
            String text = out.toString();
            for (String line : text.split("\n")) {
                if (WIDE_INSN.matcher(line).matches() || WIDE_ARRAY.matcher(line).find()) {
                    problems.add(c.getFileName() + ": " + line.trim());
                }
                Matcher d = DESCRIPTOR.matcher(line);
                if (d.find() && d.group(1).replaceAll("L[^;]+;", "").matches(".*[JFD].*")) {
                    problems.add(c.getFileName() + ": " + line.trim());
                }
                Matcher j = JAVA_REF.matcher(line);
                while (j.find()) {
                    if (!ALLOWED_JAVA.contains(j.group(1))) {
                        problems.add(c.getFileName() + ": " + j.group(1));
                    }
                }
            }
        }
        return problems;
    }
}
