package org.recsec.km.setkey;

/** A setkey line that does not parse: where (1-based line and column) and why. Never carries key bytes. */
public final class SetkeyParseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;

    public SetkeyParseException(int line, int column, String reason) {
        super("line " + line + ", column " + column + ": " + reason, null, false, false);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
