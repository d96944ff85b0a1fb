package org.recsec.km.sad;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;

/**
 * Crash-safe persistence of the SAD: one file {@code sa-<id>.pfk} per SA holding a PF_KEY message (with its keys)
 * whose profile extension carries the <em>reserved</em> sequence high-water mark, not the last number used. A
 * number is handed out only below a mark already on disk, so after a crash (kill -9 included) the SAD restarts at the
 * mark and never repeats a sequence number, at the cost of skipping at most the reserve (as RFC 8613 App. B.1.1).
 *
 * <p>Every write is atomic: a temp file, {@link FileChannel#force(boolean)}, an atomic rename, then the directory
 * forced so the rename itself survives a power cut. The directory is made mode 0700 and files 0600: they hold keys.
 */
final class SaStore {
    private static final String PREFIX = "sa-";
    private static final String SUFFIX = ".pfk";
    private final Path dir;

    SaStore(Path dir) throws IOException {
        this.dir = dir;
        if (!Files.exists(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        }
    }

    /** A saved SA: the message and its file id. */
    record Saved(long fileId, PfKeyMessage message) {
    }

    /** Reads every saved SA; removes temp files a crash left behind. */
    List<Saved> loadAll() throws IOException {
        List<Saved> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(p);
                    continue;
                }
                if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
                    continue;
                }
                long id;
                try {
                    id = Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()), 16);
                } catch (NumberFormatException e) {
                    continue;
                }
                byte[] b = Files.readAllBytes(p);
                try {
                    out.add(new Saved(id, PfKeyMessage.decode(b)));
                } catch (PfKeyException e) {
                    // Writes are atomic, so a bad file is damage, not a torn write: refuse to start quietly without it.
                    throw new IOException("corrupt SA file " + name + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    void write(long fileId, PfKeyMessage m) throws IOException {
        Path target = dir.resolve(name(fileId));
        Path tmp = dir.resolve(name(fileId) + ".tmp");
        byte[] b = m.encode();
        try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buf = ByteBuffer.wrap(b);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the state directory does not support atomic rename", e);
        }
        forceDir();
    }

    void delete(long fileId) throws IOException {
        Files.deleteIfExists(dir.resolve(name(fileId)));
        forceDir();
    }

    private void forceDir() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static String name(long fileId) {
        return PREFIX + Long.toHexString(fileId) + SUFFIX;
    }

    /** The saved state of one entry: its ADD message with keys, the state in the SA extension, counters, mark. */
    static PfKeyMessage toMessage(SadEntry e, SadEntry.Snapshot s, PfKeyMessage keyed) {
        PfKeyExtension.Sa sa = keyed.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class);
        return keyed.toBuilder()
                .add(new PfKeyExtension.Sa(sa.spi(), sa.replay(), s.state(), sa.auth(), sa.encrypt(), sa.flags()))
                .add(s.current())
                .add(new PfKeyExtension.Profile(e.epoch, PfKey.RECSEC_PROFILE_DTLS12, s.reservedSequence()))
                .build();
    }
}
