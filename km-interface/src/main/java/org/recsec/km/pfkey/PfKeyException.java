package org.recsec.km.pfkey;

/**
 * A PF_KEY message was refused: carries the Linux errno number that goes into the reply's {@code sadb_msg_errno}
 * (RFC 2367 §3.1) and a short reason for logs and the setkey user. Never carries key bytes.
 */
public final class PfKeyException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public PfKeyException(int errno, String reason) {
        super(PfKey.errnoName(errno) + ": " + reason, null, false, false);
        if (errno <= 0 || errno > 255) {
            throw new IllegalArgumentException("errno must be 1..255");
        }
        this.errno = errno;
    }

    /** The errno, e.g. {@link PfKey#EINVAL}. */
    public int errno() {
        return errno;
    }

    /** The reason without the errno prefix. */
    public String reason() {
        String m = getMessage();
        return m.substring(m.indexOf(": ") + 2);
    }
}
