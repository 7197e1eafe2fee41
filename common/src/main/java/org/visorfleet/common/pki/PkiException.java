package org.visorfleet.common.pki;

/**
 * A certificate, CSR, key or PEM text from outside the process is not acceptable. The message is a
 * one-line reason a user can read (for example {@code "RSA key of 1024 bits; at least 2048 required"});
 * the cause, if any, carries the library's detail.
 */
public final class PkiException extends Exception {

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A library exception's message as one short line, for appending to a reason. */
    static String detail(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        String line = message.strip().replaceAll("\\s+", " ");
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
