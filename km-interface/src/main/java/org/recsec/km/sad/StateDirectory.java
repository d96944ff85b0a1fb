package org.recsec.km.sad;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Who may have written the SAD's state directory: it must be a real directory owned by this process's user with no
 * group or other permissions, and every file in it a regular file owned by that user with none either. Anything else
 * refuses the store with a message saying what to run ({@link UnsafeStateException}); see {@link SaStore}.
 */
final class StateDirectory {
    private StateDirectory() {
    }

    /**
     * Checks {@code dir} and every file in it against the rules above.
     *
     * @param uid the user that must own the directory and its files
     * @throws UnsafeStateException with a fix-it message when ownership or modes are unsafe
     */
    static void checkSafe(Path dir, int uid) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory()) {
            throw new UnsafeStateException("state directory " + dir + " is not a directory (or is a symbolic link);"
                    + " fix: give the real path of a directory");
        }
        int owner = ownerUid(dir);
        if (owner != uid) {
            throw new UnsafeStateException("state directory " + dir + " is owned by uid " + owner
                    + ", not by this process (uid " + uid + "); fix: chown " + uid + " " + dir
                    + " if you trust its contents, or use another directory");
        }
        if (hasGroupOrOther(a.permissions())) {
            throw new UnsafeStateException("state directory " + dir + " has mode "
                    + PosixFilePermissions.toString(a.permissions()) + " (group or others may use it); fix: chmod 700 "
                    + dir + " after checking that no file in it was planted");
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                PosixFileAttributes f = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!f.isRegularFile()) {
                    throw new UnsafeStateException(p + " in the state directory is not a regular file; fix: rm " + p);
                }
                int fo = ownerUid(p);
                if (fo != uid) {
                    throw new UnsafeStateException(p + " is owned by uid " + fo + ", not by this process (uid " + uid
                            + "): it was not written by the SAD; fix: rm " + p + " (and re-add its SA)");
                }
                if (hasGroupOrOther(f.permissions())) {
                    throw new UnsafeStateException(p + " has mode " + PosixFilePermissions.toString(f.permissions())
                            + " (group or others may use it); fix: chmod 600 " + p);
                }
            }
        }
    }

    private static int ownerUid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean hasGroupOrOther(Set<PosixFilePermission> perms) {
        for (PosixFilePermission x : perms) {
            switch (x) {
                case OWNER_READ, OWNER_WRITE, OWNER_EXECUTE -> { }
                default -> {
                    return true;
                }
            }
        }
        return false;
    }

    /** The state directory is unsafe to use: the message says why and how to fix it. */
    static final class UnsafeStateException extends IOException {
        private static final long serialVersionUID = 1L;

        UnsafeStateException(String message) {
            super(message);
        }
    }

}
