package org.recsec.km.sad;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;

/**
 * Crash-safe persistence of the SAD: one file {@code sa-<id>.pfk} per SA holding a PF_KEY message (with its keys)
 * whose profile extension carries the <em>reserved</em> sequence mark, not the last number used. A number is handed
 * out (outbound) or a record accepted (inbound) only below a mark already on disk, so after a crash (kill -9
 * included) the SAD restarts at the mark and neither repeats a sequence number nor accepts a record twice, at the
 * cost of skipping at most one reserve or checkpoint (as RFC 8613 App. B.1.1).
 *
 * <p><b>File format.</b> {@code "RSSA" 0x01 0 0 0} ‖ the PF_KEY message ‖ SHA-256 of everything before it. A file
 * whose digest, magic or message does not check is refused by name ("corrupt SA file sa-3.pfk: ..."), never loaded
 * as different content. The digest detects damage, not an attacker: who can write the directory can also compute
 * it; the owner and mode checks below keep others out.
 *
 * <p><b>Ownership.</b> At start-up the directory must be a real directory owned by this process's user with no
 * group or other permissions, and every file in it a regular file owned by that user with none either; otherwise
 * the store refuses to open with a message saying what to run ({@link StateDirectory}). Created directories are mode
 * 0700, files 0600.
 *
 * <p>Every write is atomic: a temp file, {@link FileChannel#force(boolean)}, an atomic rename, then the directory
 * forced so the rename itself survives a power cut.
 *
 * <p><b>Roster.</b> The file {@code roster} lists the SA files that must exist: a line {@code +<id>} is appended
 * (and forced) once a new SA file is on disk, {@code -<id>} before one is deleted. At start-up an SA file the roster
 * lists but the directory lacks refuses the store ("SA file sa-3.pfk is missing"), so a deleted file is never a
 * silently lost SA; the message says how to accept the loss. A file on disk that the roster does not list (a crash
 * between the file and its roster line) is loaded; one it lists as deleted (a crash inside a DELETE) is removed. A
 * last line without its newline (a crash inside the append) is ignored. The roster is rewritten compactly at each
 * start.
 */
final class SaStore {
    private static final String PREFIX = "sa-";
    private static final String SUFFIX = ".pfk";
    private static final byte[] MAGIC = {'R', 'S', 'S', 'A', 1, 0, 0, 0};
    private static final int DIGEST_BYTES = 32;
    /** Largest file: magic, the largest PF_KEY message, digest. */
    static final int MAX_FILE_BYTES = MAGIC.length + PfKey.MAX_MESSAGE_BYTES + DIGEST_BYTES;

    static final String ROSTER = "roster";
    /** Largest roster read: about 3.5 million lines, far more than a start-up's worth of adds and deletes. */
    static final long MAX_ROSTER_BYTES = 64L << 20;

    private final Path dir;
    /** File ids the roster lists as present; guarded by this. */
    private final Set<Long> listed = new HashSet<>();

    /** Test seam: runs before each write; a test may block here or throw to simulate a failing disk. */
    interface WriteHook {
        void beforeWrite(long fileId) throws IOException;
    }

    private volatile WriteHook hook;

    /**
     * Opens (creating 0700 if missing) and checks the state directory.
     *
     * @param expectedUid the user that must own the directory and its files (this process's, see {@link #processUid})
     * @throws IOException with a fix-it message when ownership or modes are unsafe
     */
    SaStore(Path dir, int expectedUid) throws IOException {
        this.dir = dir;
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        }
        StateDirectory.checkSafe(dir, expectedUid);
    }

    void setHook(WriteHook h) {
        this.hook = h;
    }

    /** The effective uid of this process (Linux: the owner of {@code /proc/self}). */
    static int processUid() throws IOException {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw new IOException("cannot learn this process's uid to check the state directory's owner", e);
        }
    }

    /** A saved SA: the message and its file id. */
    record Saved(long fileId, String fileName, PfKeyMessage message) {
    }

    /**
     * Reads every saved SA; removes temp files a crash left behind and files a DELETE left half done; checks the
     * roster and rewrites it.
     *
     * @throws MissingSaFileException when the roster lists a file that is not there
     */
    List<Saved> loadAll() throws IOException {
        Map<Long, Boolean> roster = readRoster();
        List<Saved> out = new ArrayList<>();
        Set<Long> found = new HashSet<>();
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
                    id = Long.parseUnsignedLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()), 16);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (Boolean.FALSE.equals(roster.get(id))) {
                    Files.deleteIfExists(p); // its DELETE was logged, the crash came before the file went
                    continue;
                }
                if (Files.size(p) > MAX_FILE_BYTES) {
                    throw new CorruptSaFileException(name, "larger than any SA file (" + Files.size(p) + " bytes)");
                }
                out.add(new Saved(id, name, parse(name, Files.readAllBytes(p))));
                found.add(id);
            }
        }
        TreeSet<Long> missing = new TreeSet<>();
        roster.forEach((id, present) -> {
            if (present && !found.contains(id)) {
                missing.add(id);
            }
        });
        if (!missing.isEmpty()) {
            throw new MissingSaFileException(dir, missing);
        }
        synchronized (this) {
            listed.clear();
            listed.addAll(found);
            rewriteRoster();
        }
        forceDir();
        return out;
    }

    /** Id to present (true) or deleted (false), by the last line naming it; empty without a roster. */
    private Map<Long, Boolean> readRoster() throws IOException {
        Map<Long, Boolean> state = new HashMap<>();
        Path p = dir.resolve(ROSTER);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return state;
        }
        if (Files.size(p) > MAX_ROSTER_BYTES) {
            throw new CorruptSaFileException(ROSTER, "larger than " + MAX_ROSTER_BYTES + " bytes");
        }
        String text = new String(Files.readAllBytes(p), StandardCharsets.US_ASCII);
        int end = text.lastIndexOf('\n') + 1; // a last line without its newline is an append a crash cut short
        int lineNo = 0;
        for (String line : text.substring(0, end).split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            char op = line.charAt(0);
            long id;
            try {
                id = Long.parseUnsignedLong(line.substring(1), 16);
            } catch (NumberFormatException e) {
                id = -1;
            }
            if ((op != '+' && op != '-') || id < 0 || line.length() > 17) {
                throw new CorruptSaFileException(ROSTER, "line " + lineNo + " is not +<hex id> or -<hex id>");
            }
            state.put(id, op == '+');
        }
        return state;
    }

    private void rewriteRoster() throws IOException {
        StringBuilder b = new StringBuilder();
        for (long id : new TreeSet<>(listed)) {
            b.append('+').append(Long.toHexString(id)).append('\n');
        }
        Path tmp = dir.resolve(ROSTER + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.US_ASCII));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(ROSTER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the state directory does not support atomic rename", e);
        }
    }

    /** Appends one roster line and forces it; caller holds this. */
    private void appendRoster(char op, long fileId) throws IOException {
        byte[] line = (op + Long.toHexString(fileId) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(dir.resolve(ROSTER), Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
        }
    }

    /** SA files the roster lists are gone: their SAs would be lost without a word. */
    static final class MissingSaFileException extends IOException {
        private static final long serialVersionUID = 1L;

        MissingSaFileException(Path dir, TreeSet<Long> ids) {
            super(describe(dir, ids));
        }

        private static String describe(Path dir, TreeSet<Long> ids) {
            StringBuilder names = new StringBuilder();
            StringBuilder lines = new StringBuilder();
            for (long id : ids) {
                names.append(names.length() == 0 ? "" : ", ").append(name(id));
                lines.append(lines.length() == 0 ? "" : ", ").append('+').append(Long.toHexString(id));
            }
            return "SA file " + names + " is missing from " + dir + " (the roster lists it): its SA is lost, and the "
                    + "SA database does not start without it. If the loss is known, delete the line " + lines
                    + " from " + dir.resolve(ROSTER) + " and start again";
        }
    }

    /**
     * Checks and decodes the content of one SA file.
     *
     * @throws CorruptSaFileException naming the file, for any damage
     */
    static PfKeyMessage parse(String name, byte[] b) throws CorruptSaFileException {
        if (b.length < MAGIC.length + PfKey.BASE_HEADER_BYTES + DIGEST_BYTES || b.length > MAX_FILE_BYTES) {
            throw new CorruptSaFileException(name, "length " + b.length + " is not that of an SA file");
        }
        if (!Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptSaFileException(name, "not an SA file of this version (bad magic)");
        }
        int body = b.length - DIGEST_BYTES;
        byte[] want = sha256(b, 0, body);
        if (!MessageDigest.isEqual(want, Arrays.copyOfRange(b, body, b.length))) {
            throw new CorruptSaFileException(name, "checksum mismatch (the file changed after it was written)");
        }
        try {
            return PfKeyMessage.decode(b, MAGIC.length, body - MAGIC.length);
        } catch (PfKeyException e) {
            throw new CorruptSaFileException(name, e.getMessage());
        }
    }

    /** The file content for {@code m}: magic, message, digest. */
    static byte[] format(PfKeyMessage m) {
        byte[] msg = m.encode();
        try {
            return envelope(msg);
        } finally {
            Arrays.fill(msg, (byte) 0);
        }
    }

    /** Magic ‖ {@code msg} ‖ digest (tests and fuzzing wrap arbitrary bytes this way). */
    static byte[] envelope(byte[] msg) {
        byte[] out = new byte[MAGIC.length + msg.length + DIGEST_BYTES];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(msg, 0, out, MAGIC.length, msg.length);
        byte[] d = sha256(out, 0, out.length - DIGEST_BYTES);
        System.arraycopy(d, 0, out, out.length - DIGEST_BYTES, DIGEST_BYTES);
        return out;
    }

    private static byte[] sha256(byte[] b, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b, off, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** An SA file that does not check; the message names the file. */
    static final class CorruptSaFileException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptSaFileException(String fileName, String why) {
            super("corrupt SA file " + fileName + ": " + why);
        }
    }

    void write(long fileId, PfKeyMessage m) throws IOException {
        WriteHook h = hook;
        if (h != null) {
            h.beforeWrite(fileId);
        }
        Path target = dir.resolve(name(fileId));
        Path tmp = dir.resolve(name(fileId) + ".tmp");
        byte[] b = format(m);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buf = ByteBuffer.wrap(b);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } finally {
            Arrays.fill(b, (byte) 0);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the state directory does not support atomic rename", e);
        }
        forceDir();
        synchronized (this) {
            if (!listed.contains(fileId)) {
                appendRoster('+', fileId);
                listed.add(fileId);
            }
        }
    }

    void delete(long fileId) throws IOException {
        synchronized (this) {
            if (listed.remove(fileId)) {
                appendRoster('-', fileId);
            }
        }
        Files.deleteIfExists(dir.resolve(name(fileId)));
        forceDir();
    }

    private void forceDir() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    static String name(long fileId) {
        return PREFIX + Long.toHexString(fileId) + SUFFIX;
    }

    /** The saved state of one entry: its ADD message with keys, the state in the SA extension, counters, mark. */
    static PfKeyMessage toMessage(SadEntry e, SadEntry.Snapshot s, PfKeyMessage keyed) {
        // keyed comes from SadMessages.describe, which always adds the SA extension.
        PfKeyExtension.Sa sa = keyed.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class).orElseThrow();
        return keyed.toBuilder()
                .add(new PfKeyExtension.Sa(sa.spi(), sa.replay(), s.state(), sa.auth(), sa.encrypt(), sa.flags()))
                .add(s.current())
                .add(new PfKeyExtension.Profile(e.epoch, e.profile, s.reservedSequence()))
                .build();
    }
}
