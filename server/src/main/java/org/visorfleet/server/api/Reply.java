package org.visorfleet.server.api;

/** A route's answer: HTTP status and a body that becomes JSON (null for 204). */
public record Reply(int status, Object body) {

    public static Reply ok(Object body) {
        return new Reply(200, body);
    }

    public static Reply created(Object body) {
        return new Reply(201, body);
    }

    public static Reply noContent() {
        return new Reply(204, null);
    }

    /** A body sent as is, for the few answers that are not JSON (PEM files). */
    public record Raw(String contentType, String text) {}

    public static Reply raw(String contentType, String text) {
        return new Reply(200, new Raw(contentType, text));
    }

    /** Opens the bytes of a {@link Streamed} body when the answer is written. */
    @FunctionalInterface
    public interface Opener {
        java.io.InputStream open() throws java.io.IOException;
    }

    /**
     * A binary body of known length streamed from its source (a stored file) without buffering it,
     * for downloads that may be far larger than a JSON answer.
     */
    public record Streamed(String contentType, long length, Opener opener) {}

    public static Reply streamed(String contentType, long length, Opener opener) {
        return new Reply(200, new Streamed(contentType, length, opener));
    }
}
