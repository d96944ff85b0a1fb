package org.recsec.applet.iose;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The IoSE applet's classes pass the project's JavaCard 2.2.2 subset scan (org.recsec.applet.JavaCardSubsetTest's
 * javap checks: no long/float/double, String, java.util, invokedynamic, java.lang beyond Object and JavaCard's
 * exceptions), run here on this package alone so that a failure names it.
 */
class IoseJavaCardSubsetTest {

    @Test
    void ioseClassesUseOnlyTheJavaCardSubset() throws Exception {
        List<Path> classes;
        try (Stream<Path> s = Files.walk(Path.of("target/classes/org/recsec/applet/iose"))) {
            classes = s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        assertTrue(classes.size() >= 9, "found " + classes.size() + " classes");
        Class<?> scanner = Class.forName("org.recsec.applet.JavaCardSubsetTest");
        Method problems = scanner.getDeclaredMethod("problems", List.class);
        problems.setAccessible(true);
        @SuppressWarnings("unchecked")
        List<String> found = (List<String>) problems.invoke(null, classes);
        assertTrue(found.isEmpty(), String.join("\n", found.stream().distinct().toList()));
    }
}
