package org.visorfleet.console.api;

import java.io.IOException;

/** A call to the server failed; the message is fit to show the user as it is. */
public final class ApiException extends IOException {

    /** The HTTP status, or 0 when no answer came. */
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public ApiException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }
}
