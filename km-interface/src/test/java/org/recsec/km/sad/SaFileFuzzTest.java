package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import org.recsec.testsupport.FuzzSupport;

/**
 * Coverage-guided fuzzing of the SA file loader: the input becomes the one file of a state directory, raw (first
 * byte even) or, to get past the checksum, wrapped in a valid envelope (first byte odd), and a SAD is opened on the
 * directory. Contract: it opens, or refuses with an IOException naming the file ("corrupt SA file sa-1.pfk: ...");
 * nothing else escapes (no NullPointerException, no IllegalArgumentException, no OutOfMemoryError).
 */
class SaFileFuzzTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("sa-file-fuzz", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = FuzzSupport.MAX_DURATION)
    void load(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        byte[] file = (input[0] & 1) == 0 ? body : SaStore.envelope(body);
        Path f = DIR.resolve("sa-1.pfk");
        Files.write(f, file);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        try {
            SecurityAssociationDatabase db = SecurityAssociationDatabase.builder(new MutableClock(1000),
                    new Random(1)).everyIdentityLocal().stateDirectory(DIR).build();
            assertTrue(db.size() == 1, "one file, one SA");
            db.openSession(b -> { }).send(org.recsec.km.pfkey.PfKeyRequests.dump(1, 0));
        } catch (IOException e) {
            assertTrue(e.getMessage().startsWith("corrupt SA file sa-1.pfk: "), e.getMessage());
        } finally {
            try (var files = Files.list(DIR)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
