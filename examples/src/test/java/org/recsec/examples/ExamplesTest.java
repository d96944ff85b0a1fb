package org.recsec.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The README's examples run as a newcomer would run them. */
class ExamplesTest {
    @Test
    void plainApiRoundTrip() throws Exception {
        assertEquals("echo: hello", PlainApiExample.run());
    }

    @Test
    void californiumClientAndServer() throws Exception {
        assertEquals("2.05 hello, protected world", CaliforniumExample.run());
    }

    /** The README shows the code between {@code // BEGIN name} and {@code // END name} of the example verbatim. */
    @ParameterizedTest
    @CsvSource({"CaliforniumExample.java, californium", "PlainApiExample.java, plain"})
    void readmeShowsTheCompiledCode(String file, String region) throws IOException {
        String src = Files.readString(Path.of("src/main/java/org/recsec/examples", file));
        Matcher m = Pattern.compile("(?ms)^( *)// BEGIN " + region + "\\n(.*?)^ *// END " + region + "\\n").matcher(src);
        assertTrue(m.find(), "region " + region + " in " + file);
        String indent = m.group(1);
        String body = m.group(2).replaceAll("(?m)^" + indent, "");
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains("```java\n" + body + "```"), "README.md shows " + file + " as it is compiled");
    }
}
