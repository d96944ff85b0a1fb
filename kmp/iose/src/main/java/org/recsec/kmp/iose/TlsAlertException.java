package org.recsec.kmp.iose;

/** A ClientHello the grid refuses, with the TLS alert description (RFC 8446 §6) it answers. */
public final class TlsAlertException extends Exception {
    private static final long serialVersionUID = 1L;
    /** decode_error (RFC 8446 §6.2). */
    public static final int DECODE_ERROR = 50;
    /** illegal_parameter. */
    public static final int ILLEGAL_PARAMETER = 47;
    /** unexpected_message. */
    public static final int UNEXPECTED_MESSAGE = 10;
    /** record_overflow. */
    public static final int RECORD_OVERFLOW = 22;
    /** internal_error: the grid's answer to a connection for a busy SE. */
    public static final int INTERNAL_ERROR = 80;
    /** missing_extension: no server_name. */
    public static final int MISSING_EXTENSION = 109;
    /** unrecognized_name (RFC 6066 §3): no SE of that name. */
    public static final int UNRECOGNIZED_NAME = 112;

    private final int alert;

    /**
     * @param alert the alert description
     * @param message what was wrong (no secret in it)
     */
    public TlsAlertException(int alert, String message) {
        super(message);
        this.alert = alert;
    }

    /** The TLS alert description to send. */
    public int alert() {
        return alert;
    }
}
