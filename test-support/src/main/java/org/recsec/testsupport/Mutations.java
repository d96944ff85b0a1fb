package org.recsec.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** jqwik arbitraries over the fuzz targets' seed files: the seeds as they are, and randomly mutated. */
public final class Mutations {
    private Mutations() {
    }

    /** The seed files of {@code <testClass>Inputs/<method>/}, sorted by name. */
    public static List<byte[]> seeds(Class<?> testClass, String method) {
        URL url = testClass.getResource(testClass.getSimpleName() + "Inputs/" + method);
        if (url == null) {
            throw new IllegalStateException("no seeds for " + testClass.getSimpleName() + "#" + method);
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            List<byte[]> out = new ArrayList<>();
            for (Path p : files.sorted().toList()) {
                out.add(Files.readAllBytes(p));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A seed with 1-4 random edits: bit flips, byte overwrites, insertions, deletions, truncation. */
    public static Arbitrary<byte[]> mutated(List<byte[]> seeds) {
        return Arbitraries.integers().between(0, seeds.size() - 1)
                .flatMap(i -> Arbitraries.longs().map(seed -> mutate(seeds.get(i), new Random(seed))));
    }

    public static byte[] mutate(byte[] original, Random r) {
        byte[] b = original.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int pos = r.nextInt(b.length);
            switch (r.nextInt(5)) {
                case 0 -> b[pos] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[pos] = (byte) r.nextInt(256);
                case 2 -> {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, pos);
                    longer[pos] = (byte) r.nextInt(256);
                    System.arraycopy(b, pos, longer, pos + 1, b.length - pos);
                    b = longer;
                }
                case 3 -> {
                    byte[] shorter = new byte[b.length - 1];
                    System.arraycopy(b, 0, shorter, 0, pos);
                    System.arraycopy(b, pos + 1, shorter, pos, b.length - pos - 1);
                    b = shorter;
                }
                default -> b = Arrays.copyOf(b, pos);
            }
        }
        return b;
    }

    public static Arbitrary<byte[]> randomBytes(int maxSize) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxSize);
    }
}
