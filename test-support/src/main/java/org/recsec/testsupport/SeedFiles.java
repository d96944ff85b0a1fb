package org.recsec.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes Jazzer seed inputs ({@code <base>/<Class>Inputs/<method>/<name>}) for the modules' SeedWriter programs,
 * which are run by hand from a module directory (FUZZING.md) and never by CI.
 */
public final class SeedFiles {
    private final Path base;

    /** @param base the test resources folder of the fuzz targets' package */
    public SeedFiles(Path base) {
        this.base = base;
    }

    /** Writes one seed file; the name is lower-cased and reduced to {@code [a-z0-9.-]}. */
    public void write(String testClass, String method, String name, byte[] bytes) throws IOException {
        Path dir = base.resolve(testClass + "Inputs").resolve(method);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-")), bytes);
    }

    /** Writes one seed file from UTF-8 text. */
    public void text(String testClass, String method, String name, String s) throws IOException {
        write(testClass, method, name, s.getBytes(StandardCharsets.UTF_8));
    }
}
