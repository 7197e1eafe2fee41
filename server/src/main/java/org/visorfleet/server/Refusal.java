package org.visorfleet.server;

/**
 * A request the fleet refuses: bad input, missing rights, unknown names, conflicts. Carries a stable
 * error code for API clients and a one-line detail for people. Never wraps an internal failure.
 */
public final class Refusal extends RuntimeException {

    /** Why; each maps to one HTTP status. */
    public enum Kind {
        INVALID(400, "invalid-request"),
        UNAUTHORIZED(401, "unauthorized"),
        FORBIDDEN(403, "forbidden"),
        NOT_FOUND(404, "not-found"),
        METHOD_NOT_ALLOWED(405, "method-not-allowed"),
        CONFLICT(409, "conflict"),
        GONE(410, "gone"),
        TOO_LARGE(413, "too-large"),
        TOO_MANY_REQUESTS(429, "too-many-requests"),
        /** The server's disk is full: the request was fine, nothing of it was kept. */
        INSUFFICIENT_STORAGE(507, "insufficient-storage");

        public final int status;
        public final String code;

        Kind(int status, String code) {
            this.status = status;
            this.code = code;
        }
    }

    private final Kind kind;
    private final boolean recorded;

    public Refusal(Kind kind, String detail) {
        this(kind, detail, false);
    }

    private Refusal(Kind kind, String detail, boolean recorded) {
        super(detail, null, false, false);
        this.kind = kind;
        this.recorded = recorded;
    }

    /** The same refusal, marked as already written to the event log by the code that refused. */
    public Refusal alreadyRecorded() {
        return new Refusal(kind, getMessage(), true);
    }

    public boolean recorded() {
        return recorded;
    }

    public Kind kind() {
        return kind;
    }

    public static Refusal invalid(String detail) {
        return new Refusal(Kind.INVALID, detail);
    }

    public static Refusal notFound(String detail) {
        return new Refusal(Kind.NOT_FOUND, detail);
    }

    public static Refusal conflict(String detail) {
        return new Refusal(Kind.CONFLICT, detail);
    }

    public static Refusal forbidden(String detail) {
        return new Refusal(Kind.FORBIDDEN, detail);
    }

    public static Refusal unauthorized(String detail) {
        return new Refusal(Kind.UNAUTHORIZED, detail);
    }
}
