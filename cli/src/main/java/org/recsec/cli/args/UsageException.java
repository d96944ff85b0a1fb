package org.recsec.cli.args;

/** Wrong command-line arguments: the CLI prints the one-line reason and exits 2. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String reason) {
        super(reason, null, false, false);
    }
}
